"""A minimal LSP client for the language-server tests: JSON-RPC with
Content-Length framing over a spawned ``python -m agentspec lsp``'s stdio.

It does what an editor does and nothing more: initialize, open/change/close
documents, send requests and wait for their responses, and collect the
notifications the server sends (``textDocument/publishDiagnostics``). A reader
thread owns the server's stdout; tests wait on conditions with generous
timeouts (they are deadlines against hangs, not timing assertions).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

WAIT = 30.0  # seconds; a deadline, never an expectation

DATA = Path(__file__).parent / "data" / "lsp"
TRAVEL = DATA / "travel.agentspec"  # imports common.agentspec
COMMON = DATA / "common.agentspec"
INVENTORY = DATA / "inventory.agentspec"  # has plans


def uri(path: str | Path) -> str:
    return Path(path).resolve().as_uri()


class ServerDied(AssertionError):
    pass


class LspClient:
    def __init__(
        self,
        *,
        debounce_ms: float | None = 0,
        env: dict[str, str] | None = None,
        root: Path | None = None,
        encodings: list[str] | None = None,
    ):
        handle, name = tempfile.mkstemp(prefix="agentspec-lsp-", suffix=".log")
        os.close(handle)
        self.stderr_path = Path(name)
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "agentspec", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, **(env or {})},
        )
        self._next_id = 0
        self._lock = threading.Condition()
        self._responses: dict[int, dict] = {}
        self.notifications: list[dict] = []
        self._write_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self.versions: dict[str, int] = {}
        self._marks: dict[str, int] = {}
        options = {} if debounce_ms is None else {"debounce_ms": debounce_ms}
        root = root or DATA
        self.initialize_result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": root.name}],
                "capabilities": {
                    "general": {"positionEncodings": encodings or ["utf-16"]},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": False}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                    },
                },
                "initializationOptions": options,
            },
        )
        self.notify("initialized", {})

    # ---- framing -----------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        with self._write_lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read_message(self) -> dict | None:
        stdout = self.proc.stdout
        assert stdout is not None
        length = None
        while True:
            line = stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        assert length is not None, "frame without Content-Length"
        return json.loads(stdout.read(length).decode("utf-8"))

    def _read_loop(self) -> None:
        while True:
            message = self._read_message()
            if message is None:
                with self._lock:
                    self._lock.notify_all()
                return
            if "id" in message and "method" in message:  # a request from the server: say ok
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                continue
            with self._lock:
                if "id" in message:
                    self._responses[message["id"]] = message
                else:
                    self.notifications.append(message)
                self._lock.notify_all()

    def _wait(self, ready: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = ready()
                if value:
                    return value
                if self.proc.poll() is not None:
                    raise ServerDied(f"server exited ({self.proc.returncode}) waiting for {what}:\n{self.stderr()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}:\n{self.stderr()}")
                self._lock.wait(min(left, 0.5))

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")[-4000:]

    # ---- JSON-RPC ----------------------------------------------------------------

    def request_message(self, method: str, params: Any) -> dict:
        """Send a request; return the whole response (``result`` or ``error``)."""
        self._next_id += 1
        msg_id = self._next_id
        self._send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return self._wait(lambda: self._responses.pop(msg_id, None), f"response to {method}")

    def request(self, method: str, params: Any) -> Any:
        response = self.request_message(method, params)
        assert "error" not in response, response["error"]
        return response.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    # ---- documents ---------------------------------------------------------------

    def open(self, path: str | Path, text: str | None = None) -> str:
        doc = uri(path)
        text = Path(path).read_text(encoding="utf-8") if text is None else text
        self.versions[doc] = 1
        self._marks[doc] = len(self.diagnostics_messages(doc))  # what came before this open is history
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": doc, "languageId": "agentspec", "version": 1, "text": text}},
        )
        return doc

    def change(self, doc: str, text: str) -> int:
        """Replace the whole text (a full-content change); returns the new version."""
        self.versions[doc] += 1
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": doc, "version": self.versions[doc]}, "contentChanges": [{"text": text}]},
        )
        return self.versions[doc]

    def edit(self, doc: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        """An incremental change, as editors send while typing."""
        self.versions[doc] += 1
        change = {"range": _range(start, end), "text": text}
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": doc, "version": self.versions[doc]}, "contentChanges": [change]},
        )
        return self.versions[doc]

    def close(self, doc: str) -> None:
        """Close and wait for the server to clear the document's diagnostics
        (so nothing of this opening can be mistaken for the next one's)."""
        seen = len(self.diagnostics_messages(doc))
        self.notify("textDocument/didClose", {"textDocument": {"uri": doc}})
        self._wait(
            lambda: any(
                p["diagnostics"] == [] and p.get("version") is None for p in self.diagnostics_messages(doc)[seen:]
            ),
            f"diagnostics of {doc} cleared on close",
        )

    def diagnostics_messages(self, doc: str) -> list[dict]:
        with self._lock:
            return [
                n["params"]
                for n in self.notifications
                if n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == doc
            ]

    def wait_diagnostics(self, doc: str, version: int | None = None, after: int | None = None) -> list[dict]:
        """The diagnostics of the first publish for ``doc`` (for ``version``, if given)
        among those received after the first ``after`` publishes (default: since it was opened)."""
        if after is None:
            after = self._marks.get(doc, 0)

        def ready():
            for params in self.diagnostics_messages(doc)[after:]:
                if version is None or params.get("version") == version:
                    return [params]
            return None

        return self._wait(ready, f"diagnostics for {doc} v{version}")[0]["diagnostics"]

    def wait_diagnostics_where(self, doc: str, predicate: Callable[[list[dict]], bool]) -> list[dict]:
        """The diagnostics of the first publish for ``doc`` that satisfies ``predicate``."""

        def ready():
            for params in self.diagnostics_messages(doc)[self._marks.get(doc, 0) :]:
                if predicate(params["diagnostics"]):
                    return [params]
            return None

        return self._wait(ready, f"matching diagnostics for {doc}")[0]["diagnostics"]

    def wait_cleared(self, doc: str, after: int) -> None:
        self._wait(
            lambda: any(p["diagnostics"] == [] for p in self.diagnostics_messages(doc)[after:]),
            f"cleared diagnostics for {doc}",
        )

    # ---- features ----------------------------------------------------------------

    def completion(self, doc: str, line: int, character: int) -> list[dict]:
        result = self.request(
            "textDocument/completion", {"textDocument": {"uri": doc}, "position": _pos(line, character)}
        )
        return result["items"] if isinstance(result, dict) else (result or [])

    def hover(self, doc: str, line: int, character: int) -> dict | None:
        return self.request("textDocument/hover", {"textDocument": {"uri": doc}, "position": _pos(line, character)})

    def definition(self, doc: str, line: int, character: int) -> list[dict]:
        result = self.request(
            "textDocument/definition", {"textDocument": {"uri": doc}, "position": _pos(line, character)}
        )
        return [result] if isinstance(result, dict) else (result or [])

    def references(self, doc: str, line: int, character: int, include_declaration: bool = True) -> list[dict]:
        return (
            self.request(
                "textDocument/references",
                {
                    "textDocument": {"uri": doc},
                    "position": _pos(line, character),
                    "context": {"includeDeclaration": include_declaration},
                },
            )
            or []
        )

    def formatting(self, doc: str) -> list[dict]:
        return (
            self.request(
                "textDocument/formatting",
                {"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": True}},
            )
            or []
        )

    def code_actions(self, doc: str, start: tuple[int, int], end: tuple[int, int], diagnostics=()) -> list[dict]:
        return (
            self.request(
                "textDocument/codeAction",
                {
                    "textDocument": {"uri": doc},
                    "range": _range(start, end),
                    "context": {"diagnostics": list(diagnostics)},
                },
            )
            or []
        )

    def prepare_rename(self, doc: str, line: int, character: int) -> dict | None:
        return self.request(
            "textDocument/prepareRename", {"textDocument": {"uri": doc}, "position": _pos(line, character)}
        )

    def rename_message(self, doc: str, line: int, character: int, new_name: str) -> dict:
        """The whole response (``result`` or ``error``: a refused name is an error)."""
        return self.request_message(
            "textDocument/rename",
            {"textDocument": {"uri": doc}, "position": _pos(line, character), "newName": new_name},
        )

    def semantic_tokens(self, doc: str) -> list[int]:
        return self.request("textDocument/semanticTokens/full", {"textDocument": {"uri": doc}})["data"]

    def folding_ranges(self, doc: str) -> list[dict]:
        return self.request("textDocument/foldingRange", {"textDocument": {"uri": doc}}) or []

    def workspace_symbols(self, query: str) -> list[dict]:
        return self.request("workspace/symbol", {"query": query}) or []

    def shutdown(self) -> int:
        """Polite shutdown; returns the exit code."""
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None)
                self.notify("exit", None)
            return self.proc.wait(timeout=WAIT)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except Exception:
                pass
        self._stderr.close()
        self.stderr_path.unlink(missing_ok=True)


# ---- setups the test modules share ----------------------------------------------------------


@contextlib.contextmanager
def lsp_server(**options: Any) -> Iterator[LspClient]:
    """A running server (``LspClient(**options)``), shut down when the block ends."""
    client = LspClient(**options)
    try:
        yield client
    finally:
        client.shutdown()


def server_fixture(scope: str = "module", in_workspace: bool = False, **options: Any):
    """A ``client`` fixture: one server with ``debounce_ms=0`` for the fixture's scope, rooted at
    tests/data/lsp, or (``in_workspace``) at the folder the module's ``workspace`` fixture gives."""
    options = {"debounce_ms": 0, **options}
    if in_workspace:

        @pytest.fixture(scope=scope)
        def client(workspace: Path) -> Iterator[LspClient]:
            with lsp_server(root=workspace, **options) as running:
                yield running

    else:

        @pytest.fixture(scope=scope)
        def client() -> Iterator[LspClient]:
            with lsp_server(**options) as running:
                yield running

    return client


def workspace_fixture(files: dict[str, str]):
    """A ``workspace`` fixture: a temporary folder holding ``files`` (name -> text)."""

    @pytest.fixture
    def workspace(tmp_path: Path) -> Path:
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    return workspace


CURSOR = "‸"  # marks the cursor in a text to complete at
KEYWORD = 14  # CompletionItemKind.Keyword


def complete_at(client: LspClient, path: Path, text_with_cursor: str) -> list[dict]:
    """Open ``path`` with the text (the cursor mark removed), complete at the mark, close it again."""
    index = text_with_cursor.index(CURSOR)
    text = text_with_cursor.replace(CURSOR, "")
    line = text.count("\n", 0, index)
    character = len(text[text.rfind("\n", 0, index) + 1 : index].encode("utf-16-le")) // 2
    doc = client.open(path, text)
    try:
        return client.completion(doc, line, character)
    finally:
        client.close(doc)


def in_travel(before: str, after: str = "") -> str:
    """travel.agentspec with a block appended (``before``, the cursor, ``after``): for ``complete_at``."""
    return TRAVEL.read_text() + "\n" + before + CURSOR + after


def keywords(items: list[dict]) -> set[str]:
    """The keywords among completion items."""
    return {i["label"] for i in items if i["kind"] == KEYWORD}


def names(items: list[dict]) -> set[str]:
    """The names (everything but keywords) among completion items."""
    return {i["label"] for i in items if i["kind"] != KEYWORD}


def _pos(line: int, character: int) -> dict:
    return {"line": line, "character": character}


def _range(start: tuple[int, int], end: tuple[int, int]) -> dict:
    return {"start": _pos(*start), "end": _pos(*end)}


def position_of(text: str, needle: str, occurrence: int = 0, delta: int = 0) -> tuple[int, int]:
    """(line, UTF-16 character) of the ``occurrence``-th ``needle`` in ``text``, plus ``delta`` chars."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += delta
    line = text.count("\n", 0, index)
    column_text = text[text.rfind("\n", 0, index) + 1 : index]
    return line, len(column_text.encode("utf-16-le")) // 2


def labels(items: list[dict]) -> set[str]:
    return {item["label"] for item in items}


def apply_edits(text: str, edits: list[dict]) -> str:
    """``text`` with LSP ``TextEdit``s (UTF-16 positions) applied, as an editor applies them."""

    def offset(position: dict) -> int:
        lines = text.split("\n")
        start = sum(len(line) + 1 for line in lines[: position["line"]])
        line = lines[position["line"]] if position["line"] < len(lines) else ""
        units = 0
        for i, ch in enumerate(line):
            if units >= position["character"]:
                return start + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return start + len(line)

    spans = sorted(
        ((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits), reverse=True
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
