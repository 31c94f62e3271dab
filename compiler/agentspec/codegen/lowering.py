"""What the two module builders share: the declarations a spec file sees, and
how a spec location and the spec's own text are written in the output.
"""

from __future__ import annotations

from typing import Any

from agentspec.loader import Program
from agentspec.symbols import Scope
from agentspec.syntax import nodes


def dependency_order(program: Program, path: str) -> list[str]:
    """``path`` and its transitive imports, each imported file before its importer."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(current: str) -> None:
        if current in seen or current not in program.files:
            return
        seen.add(current)
        for imported in program.imports.get(current, []):
            visit(imported)
        order.append(current)

    visit(path)
    return order


def declarations(program: Program, path: str, scope: Scope, kind: str) -> list[tuple[str, Any]]:
    """(file, decl) of every visible declaration of ``kind``, imported files first.

    Named declarations are taken from the scope (the one the checker resolved),
    so a name declared twice is never emitted twice.
    """
    found: list[tuple[str, Any]] = []
    for file in dependency_order(program, path):
        for decl in program.files[file].declarations:
            if decl.kind != kind:
                continue
            if hasattr(decl, "name") and isinstance(decl.name, nodes.Ident):
                symbol = scope.lookup(kind, decl.name.name)
                if symbol is None or symbol.decl is not decl:
                    continue
            found.append((file, decl))
    return found


def where(path: str, span: nodes.Span) -> str:
    return f"{path}:{span.line}"


def where_exactly(path: str, span: nodes.Span) -> str:
    """``file:line:col``, as diagnostics and editors point at a spot."""
    return f"{path}:{span.line}:{span.column}"


def spec_text(source: str, span: nodes.Span, comments: list[nodes.Comment]) -> str:
    """The text of ``span`` as the user wrote it, on one line: comments inside
    it dropped, each line's indentation and line break read as one space."""
    text = source[span.start : span.end]
    for comment in sorted(comments, key=lambda c: c.span.start, reverse=True):
        if span.start <= comment.span.start < span.end:
            start, end = comment.span.start - span.start, comment.span.end - span.start
            text = text[:start] + text[end:]
    return " ".join(line.strip() for line in text.splitlines() if line.strip())
