"""Diagnostics: what is wrong with a spec, as values.

Every stage returns a list of ``Diagnostic`` instead of raising, so one run
reports every problem at once. Only the CLI (or the language server) decides
how they are shown: ``render`` gives the human form::

    specs/travel.agentspec:12:9: error[E101]: unknown tool `book_flihgt`
       |
    12 |   tools [book_flihgt]
       |          ^^^^^^^^^^^
       = hint: did you mean `book_flight`?

and ``to_json`` the machine form for tools and CI.

A diagnostic whose hint names one definite edit also carries it as data
(``fixes``: the spans to replace and the text to put there), so an editor
can offer it as a quick fix without reading the hint's prose; and it may
point at other places that explain it (``related``: where the tool is
declared, the first of two duplicates).

Error codes are stable and documented in docs/language.md ("Diagnostics"):
E0xx reading and syntax, E1xx names, E2xx types and values, E3xx structure,
W... warnings.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from agentspec.syntax.base import Span
from agentspec.syntax.strings import literal

Severity = Literal["error", "warning"]


@dataclass(kw_only=True)
class TextEdit:
    """Replace ``span`` of the file ``path`` with ``new_text`` (an empty span inserts)."""

    path: str
    span: Span
    new_text: str


@dataclass(kw_only=True)
class Fix:
    """One way to resolve a diagnostic: a title for the editor's menu and the edits it makes."""

    title: str
    edits: list[TextEdit]


@dataclass(kw_only=True)
class Related:
    """Another place that explains a diagnostic (``where `booker` is declared``)."""

    message: str
    path: str
    span: Span


@dataclass(kw_only=True)
class Diagnostic:
    """One problem (plain dataclasses, like the syntax tree: importing a
    validation library would cost a compile more than the diagnostics do)."""

    code: str
    severity: Severity = "error"
    message: str
    path: str
    span: Span
    hint: str | None = None
    fixes: list[Fix] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """Plain JSON data (what the compile cache keeps); :meth:`from_data` reads it back."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Diagnostic:
        """The diagnostic :meth:`to_data` gave; raises KeyError, TypeError or
        AttributeError for data of another shape."""
        return cls(
            code=data["code"],
            severity=data["severity"],
            message=data["message"],
            path=data["path"],
            span=Span(**data["span"]),
            hint=data["hint"],
            fixes=[
                Fix(
                    title=fix["title"],
                    edits=[
                        TextEdit(path=edit["path"], span=Span(**edit["span"]), new_text=edit["new_text"])
                        for edit in fix["edits"]
                    ],
                )
                for fix in data["fixes"]
            ],
            related=[
                Related(message=item["message"], path=item["path"], span=Span(**item["span"]))
                for item in data["related"]
            ],
        )

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)


def error(
    code: str,
    message: str,
    path: str,
    span: Span,
    hint: str | None = None,
    fixes: list[Fix] | None = None,
    related: list[Related] | None = None,
) -> Diagnostic:
    return Diagnostic(
        code=code, message=message, path=path, span=span, hint=hint, fixes=fixes or [], related=related or []
    )


def warning(
    code: str,
    message: str,
    path: str,
    span: Span,
    hint: str | None = None,
    fixes: list[Fix] | None = None,
    related: list[Related] | None = None,
) -> Diagnostic:
    return Diagnostic(
        code=code,
        severity="warning",
        message=message,
        path=path,
        span=span,
        hint=hint,
        fixes=fixes or [],
        related=related or [],
    )


def replace_fix(title: str, path: str, span: Span, new_text: str) -> Fix:
    """A fix of one edit: ``span`` of ``path`` becomes ``new_text``."""
    return Fix(title=title, edits=[TextEdit(path=path, span=span, new_text=new_text)])


def insert_fix(title: str, path: str, source: str, offset: int, new_text: str) -> Fix:
    """A fix that inserts ``new_text`` at ``offset`` of ``path`` (whose text is ``source``)."""
    return replace_fix(title, path, span_at(source, offset, 0), new_text)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, position, code; exact duplicates removed."""
    unique = {(d.sort_key(), d.severity, d.hint): d for d in diagnostics}
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1], k[2] or ""))]


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a misspelt ``name``, if one is close enough."""
    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, if one is close enough."""
    match = closest(name, candidates)
    return f"did you mean `{match}`?" if match else None


def did_you_mean_fix(
    path: str, span: Span, name: str, candidates: Iterable[str], quoted: bool = False
) -> tuple[str | None, list[Fix]]:
    """The did-you-mean hint for ``name`` written at ``span``, and the fix that writes the
    suggestion there (as a string literal when ``quoted``)."""
    match = closest(name, candidates)
    if match is None:
        return None, []
    text = literal(match) if quoted else match
    return f"did you mean `{match}`?", [replace_fix(f"Change to `{match}`", path, span, text)]


def span_at(text: str, offset: int, length: int = 1) -> Span:
    """A span for ``length`` characters at ``offset`` (for errors without a node)."""
    offset = max(0, min(offset, len(text)))
    end = min(len(text), offset + max(length, 0))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    end_line = text.count("\n", 0, end) + 1
    end_column = end - (text.rfind("\n", 0, end) + 1) + 1
    return Span(line=line, column=column, end_line=end_line, end_column=end_column, start=offset, end=end)


# C0 and C1 control characters (tab aside): printed raw they could move the
# cursor or recolour the user's terminal, since spec text reaches messages.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    """``text`` with control characters written as escapes (``\\x1b``)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _source_line(source: str, line: int) -> str | None:
    """Line ``line`` (1-based) as the parser counts lines: only ``\\n`` ends one
    (``str.splitlines`` would also split at form feeds and other separators)."""
    lines = source.split("\n")
    if not 1 <= line <= len(lines):
        return None
    # One column per character, so the caret stays under the span.
    return _CONTROL.sub("\ufffd", lines[line - 1].rstrip("\r").replace("\t", " "))


def display_width(text: str) -> int:
    """How many terminal cells ``text`` takes (``wcwidth``: a CJK character or an
    emoji two, a combining mark none, an emoji sequence joined by ZWJ, with a
    variation selector or a flag as the one picture a terminal draws; if
    ``wcswidth`` cannot measure the text, character by character, what it cannot
    measure counting as one)."""
    from wcwidth import wcswidth, wcwidth  # only when a diagnostic is shown

    if text.isascii():
        return len(text)
    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(1 if w < 0 else w for w in map(wcwidth, text))


def render(diagnostic: Diagnostic, source: str | None) -> str:
    """The human form: header, the source line, a caret under the span, a hint."""
    d = diagnostic
    header = f"{_visible(d.path)}:{d.span.line}:{d.span.column}: {d.severity}[{d.code}]: {_visible(d.message)}"
    lines = [header]
    text = _source_line(source, d.span.line) if source else None
    hint = _visible(d.hint) if d.hint else None
    if text is not None:
        number = str(d.span.line)
        gutter = " " * len(number)
        start = d.span.column - 1
        if d.span.end_line == d.span.line:
            end = start + max(1, d.span.end_column - d.span.column)
        else:
            end = max(start + 1, len(text.rstrip()))
        # columns count characters; the caret line counts terminal cells (a CJK
        # character or an emoji takes two), so it stays under the span
        indent, width = display_width(text[:start]), max(1, display_width(text[start:end]))
        lines += [
            f"{gutter} |",
            f"{number} | {text}",
            f"{gutter} | {' ' * indent}{'^' * width}",
        ]
        if hint:
            lines.append(f"{gutter} = hint: {hint}")
    elif hint:
        lines.append(f"  = hint: {hint}")
    return "\n".join(lines)


def render_all(diagnostics: Iterable[Diagnostic], sources: dict[str, str]) -> str:
    return "\n\n".join(render(d, sources.get(d.path)) for d in diagnostics)


def summary_line(diagnostics: list[Diagnostic], files_checked: int | None = None) -> str:
    """"2 errors, 1 warning in 1 file": the files counted are those with a problem;
    with none, "no problems in N files" counts the files checked."""
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if not parts:
        return "no problems" if files_checked is None else f"no problems in {_files(files_checked)}"
    counts = ", ".join(parts)
    return counts if files_checked is None else f"{counts} in {_files(len({d.path for d in diagnostics}))}"


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    """Stable JSON: a list of objects with code, severity, message, path,
    line/column/end_line/end_column (1-based) and hint."""
    items = [
        {
            "code": d.code,
            "severity": d.severity,
            "message": d.message,
            "path": d.path,
            "line": d.span.line,
            "column": d.span.column,
            "end_line": d.span.end_line,
            "end_column": d.span.end_column,
            "hint": d.hint,
        }
        for d in diagnostics
    ]
    return json.dumps(items, indent=2, ensure_ascii=False)
