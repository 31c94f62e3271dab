"""Diagnostics for machines: SARIF 2.1.0 (code scanning) and GitHub workflow commands.

Both are built from the diagnostics' JSON items (``diagnostics.to_json``),
which is also what a replayed compile has (``agentspec.cache``), so a no-op
recompile reports in every format exactly what the full compile did.

SARIF: one run of the ``agentspec`` tool, a rule per diagnostic code that
occurs (its title, and a link to its entry in docs/diagnostics.md), a result
per diagnostic with its region in Unicode code points (agentspec's columns),
artifact URIs relative to the project root (``%SRCROOT%``, which code
scanning resolves to the repository's root; no absolute path, so the log is
the same on every machine). GitHub: one ``::error``/``::warning`` line per
diagnostic, which an Actions run shows as an annotation on the line; its
``file`` is relative to the checkout (``GITHUB_WORKSPACE``, else the project
root), since that is what GitHub resolves it against, so the annotation lands
from any working directory and with absolute paths too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from agentspec import __version__
from agentspec.project import HOME, relative_to_root

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _titles() -> dict[str, str]:
    from agentspec.checker.codes import CODES

    return CODES


def help_uri(code: str, title: str) -> str:
    """The code's entry in docs/diagnostics.md (the link the language server gives too)."""
    from agentspec.checker.codes import REFERENCE_URL, reference_url

    return reference_url(code) or REFERENCE_URL


def to_sarif(items: list[dict], root: Path) -> str:
    titles = _titles()
    codes = sorted({item["code"] for item in items})
    rules = [
        {
            "id": code,
            "name": titles.get(code, code).replace("`", ""),
            "shortDescription": {"text": titles.get(code, code)},
            "helpUri": help_uri(code, titles.get(code, "")),
            "defaultConfiguration": {"level": "warning" if code.startswith("W") else "error"},
        }
        for code in codes
    ]
    results = []
    for item in items:
        text = item["message"] + (f"\nhint: {item['hint']}" if item.get("hint") else "")
        results.append(
            {
                "ruleId": item["code"],
                "ruleIndex": codes.index(item["code"]),
                "level": item["severity"],
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": _uri(item["path"], root),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": {
                                "startLine": item["line"],
                                "startColumn": item["column"],
                                "endLine": item["end_line"],
                                "endColumn": max(item["end_column"], item["column"] + 1)
                                if item["end_line"] == item["line"]
                                else item["end_column"],
                            },
                        }
                    }
                ],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "agentspec",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": HOME,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _uri(path: str, root: Path) -> str:
    from urllib.parse import quote

    return quote(_located(path, root))


def _located(path: str, base: Path | None) -> str:
    """``path`` relative to ``base``; a spec read from stdin keeps its name, ``<stdin>``."""
    if base is None or (path.startswith("<") and path.endswith(">")):
        return path
    return relative_to_root(path, base)


def to_github(items: list[dict], root: Path | None = None) -> str:
    """GitHub Actions workflow commands, one annotation per diagnostic."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    base = Path(workspace) if workspace and os.path.isabs(workspace) else root
    lines = []
    for item in items:
        message = item["message"] + (f"\nhint: {item['hint']}" if item.get("hint") else "")
        path = _located(item["path"], base)
        properties = ",".join(
            [
                f"file={_property(path)}",
                f"line={item['line']}",
                f"col={item['column']}",
                f"endLine={item['end_line']}",
                f"endColumn={item['end_column']}",
                f"title={_property(item['code'])}",
            ]
        )
        lines.append(f"::{item['severity']} {properties}::{_data(message)}")
    return "\n".join(lines)


def _data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped (the runner's own encoding)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property value: also ``:`` and ``,`` escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
