"""Rename (``textDocument/prepareRename`` and ``textDocument/rename``).

A tool, agent, plan, script, provider, reference or service is renamed where
it is declared and everywhere it is used, in every workspace file and open
buffer, across imports in both directions: exactly the places
find-references lists (``symbols.references_to``), so rename never touches a
different thing that happens to have the same name. Keywords, strings,
comments and the runtime's built-in tools are not symbols, so prepareRename
refuses them; a new name must be a name the grammar reads as one, not a
keyword, and not already taken by a declaration of the same kind.
"""

from __future__ import annotations

from lsprotocol import types

from agentspec import symbols
from agentspec.loader import Program
from agentspec.lsp.analysis import Analysis
from agentspec.lsp.documents import uri_of
from agentspec.lsp.navigation import symbol_under, word_under
from agentspec.lsp.positions import LineIndex
from agentspec.lsp.textscan import grammar_keywords, name_pattern


class RenameRefused(ValueError):
    """The new name cannot be used; the message says why (the editor shows it)."""


def prepare_rename(analysis: Analysis, position: types.Position) -> types.PrepareRenamePlaceholder | None:
    """The name under the cursor and its range, or None where nothing can be renamed."""
    symbol = symbol_under(analysis, position)
    if symbol is None:
        return None
    span = word_under(analysis, symbol, analysis.index.offset(position))
    if span is None:
        return None
    return types.PrepareRenamePlaceholder(range=analysis.index.span_range(span), placeholder=symbol.name)


def check_new_name(symbol: symbols.Symbol, new_name: str, workspace: Program) -> None:
    if not name_pattern().fullmatch(new_name):
        raise RenameRefused(f"`{new_name}` is not a name: use letters, digits and `_`, not starting with a digit")
    if new_name in grammar_keywords():
        raise RenameRefused(f"`{new_name}` is a keyword")
    if new_name == symbol.name:
        return
    for path in sorted(_seeing(workspace, symbol)):  # where the new name would be ambiguous
        taken = symbols.scope_for(workspace, path).lookup(symbol.kind, new_name)
        if taken is not None:
            raise RenameRefused(f"a {symbol.kind} `{new_name}` is already declared in {taken.path}:{taken.span.line}")


def _seeing(workspace: Program, symbol: symbols.Symbol) -> set[str]:
    """The files that can see ``symbol`` (its own and every file importing it)."""
    return {path for path in workspace.files if any(spec.path == symbol.path for spec in workspace.visible(path))}


def rename(
    analysis: Analysis, position: types.Position, new_name: str, workspace: Program
) -> types.WorkspaceEdit | None:
    symbol = symbol_under(analysis, position)
    if symbol is None:
        return None
    check_new_name(symbol, new_name, workspace)
    changes: dict[str, list[types.TextEdit]] = {}
    indexes: dict[str, LineIndex] = {}
    for place in symbols.references_to(workspace, symbol, include_declaration=True):
        source = workspace.sources.get(place.path) or analysis.program.sources.get(place.path, "")
        index = indexes.setdefault(place.path, LineIndex(source, analysis.encoding))
        edit = types.TextEdit(range=index.span_range(place.span), new_text=new_name)
        changes.setdefault(uri_of(place.path), []).append(edit)
    return types.WorkspaceEdit(changes=changes)
