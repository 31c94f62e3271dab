"""The language server: pygls wiring, one small handler per LSP method.

Each handler only translates between LSP and the modules that do the work
(``publish``, ``completion``, ``navigation``, ``formatting``), and each is
guarded: whatever a half-typed file does to the code below, the handler logs
the exception and returns an empty result, so the server keeps answering.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from agentspec import __version__
from agentspec.lsp.actions import code_actions
from agentspec.lsp.completion import complete
from agentspec.lsp.documents import DocumentStore, path_of
from agentspec.lsp.folding import folding_ranges
from agentspec.lsp.formatting import format_document
from agentspec.lsp.navigation import definition, hover, references
from agentspec.lsp.outline import outline, workspace_symbols
from agentspec.lsp.positions import LineIndex, encoding_name
from agentspec.lsp.publish import Publisher, debounce_from
from agentspec.lsp.rename import RenameRefused, prepare_rename, rename
from agentspec.lsp.semantic import TOKEN_MODIFIERS, TOKEN_TYPES, semantic_tokens

log = logging.getLogger("agentspec.lsp")

F = TypeVar("F", bound=Callable[..., Any])

COMPLETION_TRIGGERS = ["(", "[", ","]


def guarded(default: Callable[[], Any]) -> Callable[[F], F]:
    """Never let an exception escape a handler: log it and answer ``default()``."""

    def wrap(handler: F) -> F:
        @functools.wraps(handler)
        def safe(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*args, **kwargs)
            except Exception:
                log.exception("%s failed", handler.__name__)
                return default()

        return safe  # type: ignore[return-value]

    return wrap


class AgentspecServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("agentspec", __version__)
        self.store = DocumentStore(lambda: self.workspace)
        self.publisher = Publisher(self.store, self.text_document_publish_diagnostics)

    @property
    def encoding(self) -> str:
        return encoding_name(self.workspace.position_encoding)


def warm_up() -> None:
    """Build the LALR tables and the completion context's tables (a few hundred ms, once)."""
    from agentspec.lsp.cursor import keywords_accepted_at_start
    from agentspec.syntax.parser import parse

    parse("", "<warm-up>")
    keywords_accepted_at_start()


def build_server() -> AgentspecServer:
    server = AgentspecServer()

    @server.feature(types.INITIALIZE)
    @guarded(lambda: None)
    def initialize(ls: AgentspecServer, params: types.InitializeParams) -> None:
        ls.publisher.delay_ms = debounce_from(params.initialization_options)
        log.info("debounce %.0f ms", ls.publisher.delay_ms)

    @server.feature(types.INITIALIZED)
    @guarded(lambda: None)
    def initialized(ls: AgentspecServer, params: types.InitializedParams) -> None:
        warm_up()  # build the parser now, not when the first file is opened

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(lambda: None)
    def did_open(ls: AgentspecServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publisher.schedule(params.text_document.uri, delay_ms=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(lambda: None)
    def did_change(ls: AgentspecServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publisher.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded(lambda: None)
    def did_save(ls: AgentspecServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.store.files_changed()  # a new file may now exist on disk, importing others

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(lambda: None)
    def did_change_watched_files(ls: AgentspecServer, params: types.DidChangeWatchedFilesParams) -> None:
        """A spec changed on disk (a checkout, another tool): what open files import may differ."""
        ls.store.files_changed()
        ls.store.invalidate_all()
        for uri in ls.store.open_uris():
            ls.publisher.schedule(uri, with_dependents=False)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(lambda: None)
    def did_close(ls: AgentspecServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        dependents = ls.store.dependents(uri)
        ls.store.forget(uri)
        ls.store.files_changed()
        ls.publisher.clear(uri)
        if dependents:  # they now read the file from disk instead of the buffer
            ls.store.invalidate_all()
            for other in dependents:
                ls.publisher.schedule(other, with_dependents=False)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=COMPLETION_TRIGGERS),
    )
    @guarded(lambda: types.CompletionList(is_incomplete=False, items=[]))
    def completion(ls: AgentspecServer, params: types.CompletionParams) -> types.CompletionList:
        uri = params.text_document.uri
        text = ls.store.text(uri)
        offset = LineIndex(text, ls.encoding).offset(params.position)
        items = complete(text, offset, ls.store.latest(uri))
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(lambda: None)
    def on_hover(ls: AgentspecServer, params: types.HoverParams) -> types.Hover | None:
        return hover(ls.store.analysis(params.text_document.uri), params.position)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(lambda: [])
    def on_definition(ls: AgentspecServer, params: types.DefinitionParams) -> list[types.Location]:
        return definition(ls.store.analysis(params.text_document.uri), params.position)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(lambda: [])
    def on_references(ls: AgentspecServer, params: types.ReferenceParams) -> list[types.Location]:
        analysis = ls.store.analysis(params.text_document.uri)
        include = bool(params.context and params.context.include_declaration)
        return references(analysis, params.position, ls.store.workspace_program(), include)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(lambda: [])
    def on_document_symbol(ls: AgentspecServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        return outline(ls.store.analysis(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded(lambda: [])
    def on_formatting(ls: AgentspecServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        uri = params.text_document.uri
        return format_document(ls.store.text(uri), path_of(uri), ls.encoding)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded(lambda: [])
    def on_code_action(ls: AgentspecServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        analysis = ls.store.analysis(params.text_document.uri)
        return code_actions(analysis, params.range, params.context.only)

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(lambda: None)
    def on_prepare_rename(ls: AgentspecServer, params: types.PrepareRenameParams):
        return prepare_rename(ls.store.analysis(params.text_document.uri), params.position)

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    def on_rename(ls: AgentspecServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        # not @guarded: a refused name is an error response the editor shows
        try:
            analysis = ls.store.analysis(params.text_document.uri)
            return rename(analysis, params.position, params.new_name, ls.store.workspace_program())
        except RenameRefused as refused:
            raise JsonRpcInvalidParams(str(refused)) from None
        except Exception:
            log.exception("on_rename failed")
            return None

    @server.feature(
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS),
    )
    @guarded(lambda: types.SemanticTokens(data=[]))
    def on_semantic_tokens(ls: AgentspecServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        return types.SemanticTokens(data=semantic_tokens(ls.store.analysis(params.text_document.uri)))

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    @guarded(lambda: [])
    def on_folding_range(ls: AgentspecServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        uri = params.text_document.uri
        text = ls.store.text(uri)
        return folding_ranges(text, LineIndex(text, ls.encoding))

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded(lambda: [])
    def on_workspace_symbol(ls: AgentspecServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        return workspace_symbols(ls.store.workspace_program(), params.query, ls.encoding)

    return server
