"""Quick fixes (``textDocument/codeAction``): the fixes the checker attached to its diagnostics.

The checker and parser describe each fix as data (``Diagnostic.fixes``: spans
and replacement text), so nothing here reads hint text: every diagnostic in
the requested range that carries fixes becomes one code action per fix. An
edit may be in another file (adding a tool to an agent declared in an
imported file); its positions are computed over that file's text as the
loader read it (the open buffer's, if it is open).
"""

from __future__ import annotations

from lsprotocol import types

from agentspec.diagnostics import Fix
from agentspec.lsp.analysis import Analysis
from agentspec.lsp.documents import uri_of
from agentspec.lsp.positions import LineIndex
from agentspec.lsp.publish import to_lsp


def code_actions(analysis: Analysis, selection: types.Range, only: list[str] | None = None) -> list[types.CodeAction]:
    if only is not None and not any(types.CodeActionKind.QuickFix.value.startswith(kind) for kind in only):
        return []
    start = analysis.index.offset(selection.start)
    end = analysis.index.offset(selection.end)
    actions = []
    for diagnostic in analysis.diagnostics:
        if not diagnostic.fixes or diagnostic.span.end < start or diagnostic.span.start > end:
            continue
        shown = to_lsp(diagnostic, analysis.index, analysis.program.sources)
        for fix in diagnostic.fixes:
            actions.append(
                types.CodeAction(
                    title=fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[shown],
                    edit=workspace_edit(analysis, fix),
                    is_preferred=len(diagnostic.fixes) == 1 or None,
                )
            )
    return actions


def workspace_edit(analysis: Analysis, fix: Fix) -> types.WorkspaceEdit:
    changes: dict[str, list[types.TextEdit]] = {}
    indexes: dict[str, LineIndex] = {analysis.path: analysis.index}
    for edit in fix.edits:
        index = indexes.get(edit.path)
        if index is None:
            index = indexes[edit.path] = LineIndex(analysis.program.sources.get(edit.path, ""), analysis.encoding)
        text_edit = types.TextEdit(range=index.span_range(edit.span), new_text=edit.new_text)
        changes.setdefault(uri_of(edit.path), []).append(text_edit)
    return types.WorkspaceEdit(changes=changes)

