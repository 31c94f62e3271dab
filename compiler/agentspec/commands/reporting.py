"""Diagnostics as ``check`` and ``compile`` show them, in the format asked for.

    text    the rendered diagnostics (source line, caret, hint), then a summary line
            ("2 errors in 1 file" counts the files with a problem); colour on a terminal
    json    a JSON list of the diagnostics (``diagnostics.to_json``)
    sarif   a SARIF 2.1.0 log for code scanning (``commands.formats``)
    github  one GitHub Actions ``::error``/``::warning`` annotation per diagnostic

A ``Report`` is what a compile showed, kept so that a no-op recompile
(``agentspec.cache``) can show it again, in any format, without loading
anything. Warnings alone never fail a command, except with ``--strict``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from agentspec.commands.common import FORMATS  # noqa: F401 (defined with the exit codes, for cli.py)


@dataclass
class Report:
    """What a compile printed about the specs: rendered diagnostics, JSON, summary line."""

    text: str = ""
    json: str = "[]"
    summary: str = ""
    has_diagnostics: bool = False

    @property
    def items(self) -> list[dict]:
        import json  # not at import time: `agentspec --version` stays lean

        return json.loads(self.json)

    def fails(self, strict: bool) -> bool:
        """Whether these diagnostics fail the command: errors do, and warnings with ``strict``."""
        return any(item["severity"] == "error" or strict for item in self.items)


def make_report(program, diagnostics) -> Report:
    from agentspec.diagnostics import render_all, summary_line, to_json

    return Report(
        text=render_all(diagnostics, program.sources) if diagnostics else "",
        json=to_json(diagnostics),
        summary=summary_line(diagnostics, len(program.sources)),
        has_diagnostics=bool(diagnostics),
    )


def formatted(report: Report, output_format: str, root: Path) -> str:
    """The diagnostics alone in a machine format (json, sarif, github)."""
    from agentspec.commands import formats

    if output_format == "json":
        return report.json
    if output_format == "sarif":
        return formats.to_sarif(report.items, root)
    if output_format == "github":
        return formats.to_github(report.items, root)
    raise ValueError(output_format)


def print_report(report: Report, output_format: str, stream: TextIO, root: Path | None = None) -> None:
    """Text diagnostics and the summary on ``stream``; a machine format on stdout
    (nothing for GitHub when there is nothing to annotate), the summary on stderr."""
    from agentspec.console import print_diagnostics

    if output_format == "text":
        print_diagnostics((report.text + "\n\n" if report.text else "") + report.summary, stream)
        return
    document = formatted(report, output_format, root or Path.cwd())
    if document:
        print(document, file=sys.stdout)
    print(report.summary, file=sys.stderr)
