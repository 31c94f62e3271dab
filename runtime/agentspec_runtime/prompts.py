"""Layered system prompts and the ``# Tools`` table agents' prompts carry.

``layered_prompt(identity=..., tools=..., ...)`` renders the harness's layered
prompt shape: one ``# Heading`` section per non-empty layer, in a fixed order,
and a ``cache_key`` that is the SHA-256 of the text (a fingerprint for change
detection, nothing a provider sees). ``define_runtime`` then merges the tools
each agent can call into its prompt's ``# Tools`` table with
:func:`with_tool_rows`; a row the prompt already has wins over a generated one.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

#: The layers in the order they are rendered, with their headings.
_LAYERS = (
    ("identity", "Identity"),
    ("communication", "Communication"),
    ("operational_rules", "Operational Rules"),
    ("tools", "Tools"),
    ("domain_knowledge", "Domain Knowledge"),
    ("safety", "Safety"),
    ("output_format", "Output Format"),
    ("examples", "Examples"),
)
#: A generated ``# Tools`` section goes after the last of these the prompt has.
_BEFORE_TOOLS = ("Identity", "Communication", "Operational Rules")

Row = tuple[str, str, str]  # tool, description, approval


@dataclass(frozen=True)
class LayeredPrompt:
    """A rendered prompt and its fingerprint (``cache_key`` = SHA-256 of ``text``)."""

    text: str
    cache_key: str

    def __str__(self) -> str:
        return self.text


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _prompt(text: str) -> LayeredPrompt:
    return LayeredPrompt(text=text, cache_key=fingerprint(text))


def _text_layer(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)) and all(
        isinstance(item, str) for item in value
    ):
        return "\n".join(f"- {item}" for item in value)
    raise TypeError(f"{name} must be a string or a sequence of strings")


def _plain(value: Any, name: str) -> Any:
    """``value`` as JSON values, refusing what JSON cannot say."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{name} contains a non-finite float")
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, mode="json")
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError(f"{name} mapping keys must be strings")
        return {key: _plain(item, name) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [_plain(item, name) for item in value]
    raise TypeError(f"{name} contains unsupported value {value!r}")


def _structured_layer(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    body = json.dumps(_plain(value, name), ensure_ascii=False, sort_keys=True, indent=2)
    return f"```json\n{body}\n```"


def _approval_label(approval: Any) -> str:
    if isinstance(approval, str):
        return approval
    if isinstance(approval, Mapping) and isinstance(approval.get("kind"), str):
        return approval["kind"]
    raise TypeError("tool approval must be a string or a mapping with a string `kind`")


def tool_row(tool: Any) -> Row:
    """A table row for a ToolSpec, a ``{name, description, approval}`` mapping or a name."""
    if isinstance(tool, str):
        return (tool, "", "")
    if isinstance(tool, Mapping):
        return (str(tool.get("name", "")), str(tool.get("description", "")), _approval_label(tool.get("approval", "")))
    return (tool.name, tool.description, _approval_label(tool.approval))


def _first_per_name(rows: Iterable[Row]) -> list[Row]:
    kept: dict[str, Row] = {}
    for row in rows:
        name = row[0].strip()
        if name and name not in kept:
            kept[name] = row
    return list(kept.values())


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ").strip()


def _table(rows: Iterable[Row]) -> str:
    lines = ["| Tool | Description | Approval |", "| --- | --- | --- |"]
    for row in sorted(rows, key=lambda row: row[0]):
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return "\n".join(lines)


def _section(heading: str, body: str) -> str:
    return f"# {heading}\n{body}" if body else ""


def layered_prompt(
    *,
    identity: Any,
    communication: Any = None,
    operational_rules: Any = None,
    tools: Iterable[Any] | None = None,
    domain_knowledge: Any = None,
    safety: Any = None,
    output_format: Any = None,
    examples: Any = None,
) -> LayeredPrompt:
    """Render the layered prompt; empty layers are left out.

    Text layers (identity, communication, operational_rules, safety) are a
    string or a list of strings (a bullet list); structured layers
    (domain_knowledge, output_format, examples) are a string or JSON-able data
    (a ``json`` code block with sorted keys); ``tools`` become a table.
    """
    given = {
        "identity": identity,
        "communication": communication,
        "operational_rules": operational_rules,
        "domain_knowledge": domain_knowledge,
        "safety": safety,
        "output_format": output_format,
        "examples": examples,
    }
    sections = []
    for name, heading in _LAYERS:
        if name == "tools":
            rows = _first_per_name(tool_row(tool) for tool in tools or ())
            body = _table(rows) if rows else ""
        elif name in ("domain_knowledge", "output_format", "examples"):
            body = _structured_layer(given[name], name)
        else:
            body = _text_layer(given[name], name)
        sections.append(_section(heading, body))
    return _prompt("\n\n".join(section for section in sections if section))


def _split_sections(text: str) -> list[str]:
    sections: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("# ") and sections:
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        else:
            sections.append([line])
    joined = ("\n".join(lines).strip() for lines in sections)
    return [section for section in joined if section]


def _heading(section: str) -> str:
    first = section.splitlines()[0].strip()
    return first[2:].strip() if first.startswith("# ") else ""


def _table_rows(body: str) -> list[Row]:
    rows: list[Row] = []
    for line in body.splitlines():
        line = line.strip()
        if not (line.startswith("|") and line.endswith("|")):
            continue
        cells = _split_row(line[1:-1])
        if len(cells) >= 3 and cells[0] and cells[0] != "Tool" and set(cells[0]) != {"-"}:
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def _split_row(inner: str) -> list[str]:
    cells, current, escaped = [], [], False
    for char in inner:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    cells.append("".join(current).strip())
    return cells


def with_tool_rows(text: str, tools: Iterable[Any]) -> LayeredPrompt:
    """``text`` with ``tools`` merged into its ``# Tools`` table (existing rows win)."""
    additions = [tool_row(tool) for tool in tools]
    if not additions:
        return _prompt(text)
    sections = _split_sections(text)
    headings = [_heading(section) for section in sections]
    if "Tools" in headings:
        index = headings.index("Tools")
        body = sections[index].split("\n", 1)[1] if "\n" in sections[index] else ""
        sections[index] = _section("Tools", _table(_first_per_name([*_table_rows(body), *additions])))
    else:
        table = _section("Tools", _table(_first_per_name(additions)))
        if not any(headings):
            sections.append(table)
        else:
            after = [i for i, heading in enumerate(headings) if heading in _BEFORE_TOOLS]
            sections.insert(after[-1] + 1 if after else 0, table)
    return _prompt("\n\n".join(sections))


#: the published ``flowai_harness.prompts`` name of :func:`with_tool_rows`
augment_prompt_tools = with_tool_rows
