"""The document outline (``textDocument/documentSymbol``): one entry per
declaration, with plan actions and scenario names, for the editor's outline
view and breadcrumbs. Read off the AST (the partial one in a broken buffer)."""

from __future__ import annotations

from lsprotocol import types

from agentspec.lsp.analysis import Analysis

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
