"""The document outline (``textDocument/documentSymbol``): one entry per
declaration, with plan actions and scenario names, for the editor's outline
view and breadcrumbs. Read off the AST (the partial one in a broken buffer).
Workspace symbols (``workspace/symbol``) list the same declarations across
every workspace file and open buffer."""

from __future__ import annotations

import os

from lsprotocol import types

from agentspec.loader import Program
from agentspec.lsp.analysis import Analysis
from agentspec.lsp.documents import uri_of
from agentspec.lsp.positions import LineIndex

_KIND = {
    "tool": types.SymbolKind.Function,
    "agent": types.SymbolKind.Class,
    "plan": types.SymbolKind.Struct,
    "reference": types.SymbolKind.Struct,
    "script": types.SymbolKind.Module,
    "scenario": types.SymbolKind.Event,
    "provider": types.SymbolKind.Object,
    "service": types.SymbolKind.Object,
}


def outline(analysis: Analysis) -> list[types.DocumentSymbol]:
    spec = analysis.spec
    if spec is None:
        return []
    index = analysis.index
    symbols: list[types.DocumentSymbol] = []
    for decl in spec.declarations:
        if decl.kind not in _KIND:
            continue
        if decl.kind == "scenario":
            name, name_span, detail = decl.name, decl.name_span, "scenario"
        else:
            name, name_span = decl.name.name, decl.name.span
            detail = decl.role if decl.kind == "agent" else decl.kind
        children = None
        if decl.kind == "plan" and decl.actions:
            children = [
                types.DocumentSymbol(
                    name=action.name.name,
                    kind=types.SymbolKind.EnumMember,
                    range=index.span_range(action.span),
                    selection_range=index.span_range(action.name.span),
                    detail="action",
                )
                for action in decl.actions
            ]
        symbols.append(
            types.DocumentSymbol(
                name=name,
                kind=_KIND[decl.kind],
                range=index.span_range(decl.span),
                selection_range=index.span_range(name_span),
                detail=detail,
                children=children,
            )
        )
    return symbols


def workspace_symbols(program: Program, query: str, encoding: str) -> list[types.WorkspaceSymbol]:
    """Every declaration in the workspace whose name contains ``query`` (ignoring case; an
    empty query lists all), for the editor's "go to symbol in workspace"."""
    wanted = query.casefold()
    found: list[types.WorkspaceSymbol] = []
    for path in sorted(program.files):
        index: LineIndex | None = None
        for decl in program.files[path].declarations:
            if decl.kind not in _KIND:
                continue
            name, span = (decl.name, decl.name_span) if decl.kind == "scenario" else (decl.name.name, decl.name.span)
            if wanted not in name.casefold():
                continue
            index = index or LineIndex(program.sources.get(path, ""), encoding)
            found.append(
                types.WorkspaceSymbol(
                    name=name,
                    kind=_KIND[decl.kind],
                    location=types.Location(uri=uri_of(path), range=index.span_range(span)),
                    container_name=os.path.basename(path),
                )
            )
    return found
