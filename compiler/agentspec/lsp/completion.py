"""Completion: the keywords and names valid at the cursor.

``context.cursor_context`` asks the grammar what may come next (keywords) and
what kind of name fits (tool, agent, script, plan, provider, or an argument of
a scripted tool call); this module fills the name slots from the document's
scope (``agentspec.symbols``: own and imported declarations). Names come from
the latest analysis of the document, which may lag one keystroke behind;
that is fine for names and keeps completion instant.
"""

from __future__ import annotations

from lsprotocol import types

from agentspec.constructs.construct import Construct
from agentspec.constructs.expectations import EXPECTATIONS
from agentspec.constructs.scenarios import DECISIONS, SCENARIO_SETTINGS, STEPS
from agentspec.lsp import describe
from agentspec.lsp.analysis import Analysis
from agentspec.lsp.cursor import CursorContext, cursor_context
from agentspec.symbols import BUILTIN_TOOLS, scope_for

_ITEM_KIND = {
    "tool": types.CompletionItemKind.Function,
    "agent": types.CompletionItemKind.Class,
    "plan": types.CompletionItemKind.Struct,
    "script": types.CompletionItemKind.Module,
    "provider": types.CompletionItemKind.Reference,
    "service": types.CompletionItemKind.Variable,
}


def _builtin_params() -> dict[str, list]:
    """Parameters of the runtime's built-in tools, as the checker declares them."""
    try:
        from agentspec.checker.scripts import BUILTIN_PARAMS
    except ImportError:  # pragma: no cover - the checker defines them; without it, no argument names
        return {}
    return BUILTIN_PARAMS


def _names(ctx: CursorContext, analysis: Analysis) -> list[types.CompletionItem]:
    scope = scope_for(analysis.program, analysis.path)
    items: list[types.CompletionItem] = []
    if ctx.name_kind == "arg":
        symbol = scope.lookup("tool", ctx.tool or "")
        params = symbol.decl.params if symbol is not None else _builtin_params().get(ctx.tool or "", [])
        for param in params:
            if param.name.name in ctx.given_args:
                continue
            items.append(
                types.CompletionItem(
                    label=param.name.name,
                    kind=types.CompletionItemKind.Field,
                    detail=describe.param_text(param),
                    insert_text=f"{param.name.name}: ",
                    sort_text=f"0{params.index(param):03d}",  # in declaration order
                )
            )
        return items
    if ctx.name_kind is None:
        return items
    for name, symbol in sorted(scope.of_kind(ctx.name_kind).items()):
        if name in ctx.listed:
            continue
        items.append(
            types.CompletionItem(
                label=name,
                kind=_ITEM_KIND.get(ctx.name_kind),
                detail=describe.detail(symbol.kind, symbol.decl),
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.Markdown,
                    value=describe.markdown(symbol.kind, symbol.decl, symbol.path, analysis.path),
                ),
                sort_text=f"0{name}",
            )
        )
    if ctx.name_kind == "tool" and ctx.in_steps:
        for name in BUILTIN_TOOLS:
            if name in _builtin_params() and name not in scope.tools:
                items.append(
                    types.CompletionItem(
                        label=name, kind=types.CompletionItemKind.Function, detail="built-in tool", sort_text=f"1{name}"
                    )
                )
    return items


def complete(text: str, offset: int, analysis: Analysis) -> list[types.CompletionItem]:
    """Completion items at ``offset`` of ``text`` (the document as it is now)."""
    ctx = cursor_context(text, offset)
    if ctx is None:
        return []
    items = _names(ctx, analysis) if ctx.accepts_name else []
    words = list(ctx.keywords)
    if ctx.accepts_bool:
        words += ["true", "false"]
    documented = _construct_docs(ctx.keywords)
    items += [
        types.CompletionItem(
            label=word,
            kind=types.CompletionItemKind.Keyword,
            sort_text=f"2{word}",
            **documented.get(word, {}),
        )
        for word in words
    ]
    return items


#: the constructs that start with a keyword, in groups the grammar offers together
_GROUPS: tuple[dict[str, Construct], ...] = (EXPECTATIONS, SCENARIO_SETTINGS, STEPS, DECISIONS)


def _construct_docs(keywords: list[str]) -> dict[str, dict]:
    """Detail and documentation, from the construct table, for the keywords that start a
    construct, where the parser accepts that group of constructs (every keyword of the group:
    ``max_steps`` is a scenario setting after ``scenario "s" {``, an expectation in ``expect``)."""
    documented: dict[str, dict] = {}
    for group in _GROUPS:
        starts = {entry.keyword: entry for entry in group.values()}
        if not set(starts) <= set(keywords):
            continue
        for word, entry in starts.items():
            documented[word] = {
                "detail": entry.spellings[0],
                "documentation": types.MarkupContent(kind=types.MarkupKind.Markdown, value=entry.hover()),
            }
    return documented
