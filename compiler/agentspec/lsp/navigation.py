"""Hover, go-to-definition and find-references.

Hover over a construct's keyword (an expectation, a scenario setting, a
script step, an approval decision) shows its entry of the construct table
(``agentspec.constructs``).

All three start from the symbol under the cursor (go-to-definition also
jumps from an import's path to that file), found and resolved by
``agentspec.symbols`` (the same name resolution the checker uses), so a name
the checker accepts is exactly a name the editor can jump from. Locations in
other files are converted with those files' own text (an open buffer's
unsaved text, or the file on disk, as the loader read it).
"""

from __future__ import annotations

from typing import Iterator

from lsprotocol import types

from agentspec import symbols
from agentspec.constructs.construct import Construct
from agentspec.constructs.expectations import EXPECTATIONS
from agentspec.constructs.scenarios import DECISIONS, SCENARIO_SETTINGS, STEPS
from agentspec.lsp import describe
from agentspec.lsp.analysis import Analysis, import_target
from agentspec.lsp.documents import uri_of
from agentspec.lsp.positions import LineIndex
from agentspec.loader import Program
from agentspec.syntax import nodes


def symbol_under(analysis: Analysis, position: types.Position) -> symbols.Symbol | None:
    if analysis.spec is None:
        return None
    offset = analysis.index.offset(position)
    return symbols.symbol_at(analysis.program, analysis.path, offset)


def _location(program: Program, path: str, span, encoding: str) -> types.Location:
    index = LineIndex(program.sources.get(path, ""), encoding)
    return types.Location(uri=uri_of(path), range=index.span_range(span))


def _steps(steps: list) -> Iterator[tuple[Construct, int]]:
    for step in steps:
        if step.kind in STEPS:
            yield STEPS[step.kind], step.span.start
        yield from _steps(getattr(step, "steps", []))


def _constructs(spec: nodes.SpecFile) -> Iterator[tuple[Construct, int]]:
    """Every construct of the file that starts with a keyword: its table entry and where it
    starts (a construct's span starts at its keyword)."""
    for script in spec.of_kind("script"):
        yield from _steps(script.steps)
    for scenario in spec.of_kind("scenario"):
        for statement in scenario.statements:
            yield SCENARIO_SETTINGS[statement.key], statement.span.start
        for rule in scenario.approvals:
            for decision in rule.decisions:
                yield DECISIONS[decision.outcome], decision.span.start
        if scenario.run is not None:
            yield from _steps(scenario.run.steps)
        for exp in scenario.expectations:
            yield EXPECTATIONS[exp.kind], exp.span.start


def _construct_keyword_under(analysis: Analysis, offset: int) -> tuple[Construct, int, int] | None:
    """The construct whose leading keywords are under the cursor, and those keywords' offsets."""
    for entry, start in _constructs(analysis.spec) if analysis.spec is not None else []:
        # ``on approval``: both words, when written with one space as the table spells them
        lead = entry.lead if analysis.text.startswith(entry.lead, start) else entry.keyword
        if start <= offset <= start + len(lead):
            return entry, start, start + len(lead)
    return None


def hover(analysis: Analysis, position: types.Position) -> types.Hover | None:
    offset = analysis.index.offset(position)
    symbol = symbol_under(analysis, position)
    if symbol is None:
        found = _construct_keyword_under(analysis, offset)
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
