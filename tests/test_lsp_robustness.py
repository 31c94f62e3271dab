"""A broken file never crashes the language server: garbage, half-typed
statements, a file typed character by character, odd positions. After each,
the server must still answer every request (with an empty answer if need be)
and still publish correct diagnostics for good text."""

from __future__ import annotations

import random

import pytest

from lsp_support import DATA, TRAVEL, LspClient, server_fixture

pytestmark = pytest.mark.slow

NASTY = [
    "",
    "\x00\x01\x02 tool",
    "}}}}]]]))))",
    "{{{{[[[[((((",
    "tool",
    "tool t(",
    "tool t(a: ) {",
    'tool t() { description "unterminated',
    'specialist s { prompt """never closed',
    "import",
    'import "does_not_exist.agentspec"',
    'import "travel.agentspec"\nimport "travel.agentspec"',
    'scenario "x" { run { call',
    'scenario "x" { run { call booker book_cheapest search_flights(origin: ',
    'scenario "x" { expect { tool_call search_flights( before',
    "specialist s { tools [search_flights,, ,] routes [[[ }",
    "🚀🚀🚀 tool 🚀(x: str) { description \"🚀\" }",
    "tenant a\r\ntool t() {\r\n  description \"crlf\"\r\n}\r\n",
    "tenant a\rtool t() {}\r",
    "tool t() { returns " + "[" * 3000,  # deep, unclosed
    "tool t() { returns " + "[" * 3000 + "]" * 3000 + " }",  # deep, closed
    "\t\t\t\n\n\n      \n",
    "# only a comment",
    "plan P { action a { x: int } action a { x: int } }",
]


def _random_text(seed: int) -> str:
    rng = random.Random(seed)
    alphabet = 'abcxyz_(){}[]:,"\'#/\\ \n=?.0123456789' + "toolspecialistscenarioexpectcall"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400)))


client = server_fixture()


def _no_exception_logged(client: LspClient) -> None:
    """Handlers answer with an empty result when the code below them raises
    (``server.guarded``), so an answer alone does not show that nothing broke:
    the server's log must hold no new traceback either."""
    log = client.stderr_path.read_text(errors="replace")
    new, _log_checked[id(client)] = log[_log_checked.get(id(client), 0) :], len(log)
    assert "Traceback" not in new, new[-4000:]


_log_checked: dict[int, int] = {}  # how much of each client's log was checked already


def _every_request(client: LspClient, doc: str, text: str) -> None:
    """Ask for everything at a few positions; every answer must be a result, not
    an error, and no handler may have failed behind it."""
    lines = text.splitlines() or [""]
    positions = [(0, 0), (len(lines) - 1, len(lines[-1])), (len(lines) // 2, 3), (9999, 9999)]
    for line, character in positions:
        pos = {"line": line, "character": character}
        ident = {"uri": doc}
        for method, params in [
            ("textDocument/completion", {"textDocument": ident, "position": pos}),
            ("textDocument/hover", {"textDocument": ident, "position": pos}),
            ("textDocument/definition", {"textDocument": ident, "position": pos}),
            (
                "textDocument/references",
                {"textDocument": ident, "position": pos, "context": {"includeDeclaration": True}},
            ),
            ("textDocument/prepareRename", {"textDocument": ident, "position": pos}),
            ("textDocument/rename", {"textDocument": ident, "position": pos, "newName": "renamed"}),
            (
                "textDocument/codeAction",
                {"textDocument": ident, "range": {"start": {"line": 0, "character": 0}, "end": pos}, "context": {"diagnostics": []}},
            ),
        ]:
            response = client.request_message(method, params)
            assert "error" not in response, (method, text[:80], response)
    for method, params in [
        ("textDocument/formatting", {"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": True}}),
        ("textDocument/semanticTokens/full", {"textDocument": {"uri": doc}}),
        ("textDocument/foldingRange", {"textDocument": {"uri": doc}}),
        ("workspace/symbol", {"query": "t"}),
    ]:
        response = client.request_message(method, params)
        assert "error" not in response, (method, text[:80], response)
    _no_exception_logged(client)


@pytest.mark.parametrize("index", range(len(NASTY)))
def test_nasty_text_gets_diagnostics_and_answers(client, index):
    text = NASTY[index]
    doc = client.open(DATA / f"scratch_nasty_{index}.agentspec", text)
    try:
        client.wait_diagnostics(doc, version=1)  # published (whatever they say)
        _every_request(client, doc, text)
    finally:
        client.close(doc)


def test_random_garbage(client):
    doc = client.open(DATA / "scratch_random.agentspec", "")
    try:
        for seed in range(40):
            text = _random_text(seed)
            version = client.change(doc, text)
            client.wait_diagnostics(doc, version=version)
            response = client.request_message(
                "textDocument/completion",
                {"textDocument": {"uri": doc}, "position": {"line": 0, "character": min(5, len(text))}},
            )
            assert "error" not in response, (seed, response)
        _no_exception_logged(client)
    finally:
        client.close(doc)


def test_typing_a_whole_file_keystroke_by_keystroke(client):
    """Type travel.agentspec a few characters at a time (incremental edits, as
    an editor sends them), asking for completion after each; at the end the
    text is whole again and has no diagnostics."""
    final = TRAVEL.read_text()
    doc = client.open(DATA / "scratch_typing.agentspec", "")
    # the scratch file sits next to common.agentspec, so its import resolves
    typed = ""
    line, character = 0, 0
    step = 5
    try:
        for start in range(0, len(final), step):
            chunk = final[start : start + step]
            client.edit(doc, (line, character), (line, character), chunk)
            typed += chunk
            line = typed.count("\n")
            character = len(typed[typed.rfind("\n") + 1 :].encode("utf-16-le")) // 2
            response = client.request_message(
                "textDocument/completion",
                {"textDocument": {"uri": doc}, "position": {"line": line, "character": character}},
            )
            assert "error" not in response, (typed[-40:], response)
        assert typed == final
        assert client.wait_diagnostics(doc, version=client.versions[doc]) == []
        _every_request(client, doc, final)
    finally:
        client.close(doc)


def test_requests_for_a_document_that_was_never_opened(client):
    ghost = (DATA / "never_opened_and_missing.agentspec").resolve().as_uri()
    for method, extra in [
        ("textDocument/completion", {}),
        ("textDocument/hover", {}),
        ("textDocument/definition", {}),
        ("textDocument/references", {"context": {"includeDeclaration": True}}),
    ]:
        params = {"textDocument": {"uri": ghost}, "position": {"line": 0, "character": 0}, **extra}
        assert "error" not in client.request_message(method, params)


def test_server_still_works_after_all_that(client):
    doc = client.open(TRAVEL)
    try:
        assert client.wait_diagnostics(doc, version=1) == []
        assert client.hover(doc, 4, 14)["contents"]["value"].startswith("```agentspec\ncoordinator front_desk")
    finally:
        client.close(doc)
