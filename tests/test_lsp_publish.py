"""Debounced publishing, in process and deterministic: changes scheduled in
one go (no await between them, so no timer can fire in between) give exactly
one check, of the last version; the delay setting is read from the client's
options, then the environment."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pygls.workspace import Workspace

from agentspec.lsp.documents import DocumentStore
from agentspec.lsp.publish import DEFAULT_DEBOUNCE_MS, Publisher, debounce_from

URI = "file:///nowhere/t.agentspec"


def _workspace(text: str) -> Workspace:
    workspace = Workspace(None)
    workspace.put_text_document(
        types.TextDocumentItem(uri=URI, language_id="agentspec", version=1, text=text)
    )
    return workspace


def _change(workspace: Workspace, version: int, text: str) -> None:
    workspace.update_text_document(
        types.VersionedTextDocumentIdentifier(uri=URI, version=version),
        types.TextDocumentContentChangeWholeDocument(text=text),
    )


async def _until(condition, what: str) -> None:
    for _ in range(3000):  # a deadline against hangs (30 s), not a measurement
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_burst_of_changes_is_checked_once_at_its_last_version():
    workspace = _workspace("tenant t\n")
    sent: list[types.PublishDiagnosticsParams] = []
    publisher = Publisher(DocumentStore(lambda: workspace), sent.append, delay_ms=20)

    async def scenario():
        for version in range(2, 7):  # no await in between: the timers cannot fire
            _change(workspace, version, f"tenant t\ntool t{version}( {{\n")
            publisher.schedule(URI)
        await _until(lambda: sent, "the publish")
        assert not publisher._timers  # nothing else is pending: no second publish can come

    asyncio.run(scenario())
    (only,) = sent
    assert only.version == 6
    assert [d.code for d in only.diagnostics] == ["E001"]
    assert only.diagnostics[0].range.start == types.Position(line=1, character=9)


def test_clear_cancels_a_pending_check_and_empties_the_diagnostics():
    workspace = _workspace("tool broken(\n")
    sent: list[types.PublishDiagnosticsParams] = []
    publisher = Publisher(DocumentStore(lambda: workspace), sent.append, delay_ms=10_000)

    async def scenario():
        publisher.schedule(URI)
        publisher.clear(URI)
        assert not publisher._timers

    asyncio.run(scenario())
    assert [(p.uri, p.diagnostics) for p in sent] == [(URI, [])]


def test_the_delay_comes_from_the_client_then_the_environment(monkeypatch):
    monkeypatch.delenv("AGENTSPEC_LSP_DEBOUNCE_MS", raising=False)
    assert debounce_from(None) == DEFAULT_DEBOUNCE_MS == 150
    assert debounce_from({"debounce_ms": 0}) == 0
    assert debounce_from({"debounce_ms": "25"}) == 25
    assert debounce_from({"debounce_ms": -5}) == 0
    assert debounce_from({"debounce_ms": "soon"}) == DEFAULT_DEBOUNCE_MS
    monkeypatch.setenv("AGENTSPEC_LSP_DEBOUNCE_MS", "40")
    assert debounce_from({}) == 40
    assert debounce_from({"debounce_ms": 5}) == 5
    monkeypatch.setenv("AGENTSPEC_LSP_DEBOUNCE_MS", "x")
    assert debounce_from({}) == DEFAULT_DEBOUNCE_MS


def test_a_failing_check_publishes_an_internal_error_instead_of_stale_diagnostics(monkeypatch):
    workspace = _workspace("tenant t\n")
    sent: list[types.PublishDiagnosticsParams] = []
    store = DocumentStore(lambda: workspace)
    publisher = Publisher(store, sent.append, delay_ms=0)

    def explode(uri):
        raise RecursionError("deep")

    monkeypatch.setattr(store, "analysis", explode)
    publisher.publish_now(URI)
    (params,) = sent
    assert [d.code for d in params.diagnostics] == ["internal"]
    assert "bug in agentspec" in params.diagnostics[0].message
    assert params.version == 1
