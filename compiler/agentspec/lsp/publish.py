"""Publishing diagnostics: spec diagnostics as LSP diagnostics, debounced.

Each keystroke is a ``didChange``; checking after every one would waste work
on text that is gone a moment later. So a change (re)starts a short timer per
document and only the last change in a burst is checked. The delay is
configurable (``debounce_ms`` in the client's initializationOptions, or the
``AGENTSPEC_LSP_DEBOUNCE_MS`` environment variable) so tests and the latency
bench can set it to 0.

A change to one file can change the diagnostics of the open files that import
it, so those are re-checked too.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

from lsprotocol import types

from agentspec.checker.codes import reference_url
from agentspec.diagnostics import Diagnostic
from agentspec.lsp.documents import DocumentStore, uri_of
from agentspec.lsp.positions import LineIndex

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE_MS = 150.0
SOURCE = "agentspec"
INTERNAL_ERROR = "internal"


def debounce_from(options: object) -> float:
    """The debounce delay in milliseconds: initializationOptions, then the environment, then 150."""
    if isinstance(options, dict) and options.get("debounce_ms") is not None:
        try:
            return max(0.0, float(options["debounce_ms"]))
        except (TypeError, ValueError):
            log.warning("ignoring debounce_ms=%r (not a number)", options["debounce_ms"])
    env = os.environ.get("AGENTSPEC_LSP_DEBOUNCE_MS")
    if env:
        try:
            return max(0.0, float(env))
        except ValueError:
            log.warning("ignoring AGENTSPEC_LSP_DEBOUNCE_MS=%r (not a number)", env)
    return DEFAULT_DEBOUNCE_MS


def to_lsp(diagnostic: Diagnostic, index: LineIndex, sources: dict[str, str] | None = None) -> types.Diagnostic:
    """The LSP form: the code links to its section of the diagnostics reference, and each
    related place (in this file or another of ``sources``) becomes ``relatedInformation``."""
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\nhint: {diagnostic.hint}"
    url = reference_url(diagnostic.code)
    related = []
    for place in diagnostic.related:
        where = _index_for(place.path, diagnostic.path, index, sources).span_range(place.span)
        location = types.Location(uri=uri_of(place.path), range=where)
        related.append(types.DiagnosticRelatedInformation(location=location, message=place.message))
    return types.Diagnostic(
        range=index.span_range(diagnostic.span),
        severity=types.DiagnosticSeverity.Error if diagnostic.is_error else types.DiagnosticSeverity.Warning,
        code=diagnostic.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
        message=message,
        related_information=related or None,
    )


def _index_for(path: str, own: str, index: LineIndex, sources: dict[str, str] | None) -> LineIndex:
    """Positions in ``path``: this document's index, or one over that file's text as the loader read it."""
    if path == own:
        return index
    return LineIndex((sources or {}).get(path, ""), index.encoding)


class Publisher:
    def __init__(
        self,
        store: DocumentStore,
        send: Callable[[types.PublishDiagnosticsParams], None],
        delay_ms: float = DEFAULT_DEBOUNCE_MS,
    ):
        self.store = store
        self.send = send
        self.delay_ms = delay_ms
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def schedule(self, uri: str, with_dependents: bool = True, delay_ms: float | None = None) -> None:
        """Check ``uri`` (and the open files importing it) once the typing pauses."""
        delay = self.delay_ms if delay_ms is None else delay_ms
        uris = [uri] + (self.store.dependents(uri) if with_dependents else [])
        if with_dependents and len(uris) > 1:
            self.store.invalidate_all()  # what they import changed
        loop = asyncio.get_running_loop()
        for target in uris:
            timer = self._timers.pop(target, None)
            if timer is not None:
                timer.cancel()
            self._timers[target] = loop.call_later(delay / 1000.0, self._publish, target)

    def publish_now(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._publish(uri)

    def clear(self, uri: str) -> None:
        """Remove a closed document's diagnostics from the client."""
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.send(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _publish(self, uri: str) -> None:
        self._timers.pop(uri, None)
        try:
            if not self.store.is_open(uri):
                return
            analysis = self.store.analysis(uri)
            sources = analysis.program.sources
            diagnostics = [to_lsp(d, analysis.index, sources) for d in analysis.diagnostics]
            self.send(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=analysis.version))
        except Exception as exc:  # a bug in agentspec must not take the server down; the next edit retries
            log.exception("checking %s failed", uri)
            self._publish_internal_error(uri, exc)

    def _publish_internal_error(self, uri: str, exc: Exception) -> None:
        """Say so in the editor, rather than leave stale diagnostics standing."""
        try:
            message = (
                f"agentspec could not check this file: internal error ({type(exc).__name__}). "
                "This is a bug in agentspec, not in your spec; `AGENTSPEC_DEBUG=1 agentspec check FILE` "
                "shows the traceback."
            )
            zero = types.Position(line=0, character=0)
            diagnostic = types.Diagnostic(
                range=types.Range(start=zero, end=zero),
                severity=types.DiagnosticSeverity.Error,
                code=INTERNAL_ERROR,
                source=SOURCE,
                message=message,
            )
            version = self.store.workspace.get_text_document(uri).version
            self.send(types.PublishDiagnosticsParams(uri=uri, diagnostics=[diagnostic], version=version))
        except Exception:
            log.exception("cannot report the internal error for %s", uri)
