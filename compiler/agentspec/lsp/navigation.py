"""Hover, go-to-definition and find-references.

Hover over an expectation's keyword shows its entry of the construct table
(``agentspec.constructs.expectations``).

All three start from the symbol under the cursor (go-to-definition also
jumps from an import's path to that file), found and resolved by
``agentspec.symbols`` (the same name resolution the checker uses), so a name
the checker accepts is exactly a name the editor can jump from. Locations in
other files are converted with those files' own text (an open buffer's
unsaved text, or the file on disk, as the loader read it).
"""

from __future__ import annotations

from lsprotocol import types

from agentspec import symbols
from agentspec.constructs.expectations import EXPECTATIONS, Expectation
from agentspec.lsp import describe
from agentspec.lsp.analysis import Analysis, import_target
from agentspec.lsp.documents import uri_of
from agentspec.lsp.positions import LineIndex
from agentspec.loader import Program


def symbol_under(analysis: Analysis, position: types.Position) -> symbols.Symbol | None:
    if analysis.spec is None:
        return None
    offset = analysis.index.offset(position)
    return symbols.symbol_at(analysis.program, analysis.path, offset)


def _location(program: Program, path: str, span, encoding: str) -> types.Location:
    index = LineIndex(program.sources.get(path, ""), encoding)
    return types.Location(uri=uri_of(path), range=index.span_range(span))


def _expectation_keyword_under(analysis: Analysis, offset: int) -> tuple[Expectation, int, int] | None:
    """The expectation whose first keyword is under the cursor, and that keyword's offsets."""
    for scenario in analysis.spec.of_kind("scenario") if analysis.spec is not None else []:
        for exp in scenario.expectations:
            entry = EXPECTATIONS[exp.kind]
            end = exp.span.start + len(entry.keyword)  # an expectation's span starts at its keyword
            if exp.span.start <= offset <= end:
                return entry, exp.span.start, end
    return None


def hover(analysis: Analysis, position: types.Position) -> types.Hover | None:
    offset = analysis.index.offset(position)
    symbol = symbol_under(analysis, position)
    if symbol is None:
        found = _expectation_keyword_under(analysis, offset)
        if found is None:
            return None
        entry, start, end = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=entry.hover()),
            range=analysis.index.range(start, end),
        )
    word = word_under(analysis, symbol, offset)
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown,
            value=describe.markdown(symbol.kind, symbol.decl, symbol.path, analysis.path),
        ),
        range=analysis.index.span_range(word) if word is not None else None,
    )


def word_under(analysis: Analysis, symbol: symbols.Symbol, offset: int):
    """The span of the name under the cursor that names ``symbol``: a reference, or the declared name."""
    for reference in symbols.references_in(analysis.spec):
        if reference.ident.span.contains(offset):
            return reference.ident.span
    return symbol.span if symbol.path == analysis.path else None


def _import_under(analysis: Analysis, offset: int) -> str | None:
    """The file an ``import "..."`` under the cursor points to, if it was loaded."""
    for decl in analysis.spec.of_kind("import") if analysis.spec is not None else []:
        if decl.path_span.contains(offset):
            target = import_target(analysis.path, decl)
            return target if target in analysis.program.sources else None
    return None


def definition(analysis: Analysis, position: types.Position) -> list[types.Location]:
    target = _import_under(analysis, analysis.index.offset(position))
    if target is not None:  # an import's path: the top of that file
        start = types.Position(line=0, character=0)
        return [types.Location(uri=uri_of(target), range=types.Range(start=start, end=start))]
    symbol = symbol_under(analysis, position)
    if symbol is None:
        return []
    return [_location(analysis.program, symbol.path, symbol.span, analysis.encoding)]


def references(
    analysis: Analysis, position: types.Position, workspace: Program, include_declaration: bool
) -> list[types.Location]:
    """Uses of the symbol under the cursor in every file of ``workspace`` (the
    workspace's specs and open buffers), including files that import this one."""
    symbol = symbol_under(analysis, position)
    if symbol is None:
        return []
    found = symbols.references_to(workspace, symbol, include_declaration=include_declaration)
    return [_location(workspace, loc.path, loc.span, analysis.encoding) for loc in found]
