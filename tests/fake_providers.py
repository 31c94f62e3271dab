"""Local fakes of the Anthropic Messages and OpenAI Chat Completions HTTP APIs.

Real HTTP on 127.0.0.1 (stdlib ``ThreadingHTTPServer`` in a daemon thread), so
the official SDKs talk to them exactly as they would to the providers: JSON
responses, or server-sent events when the request says ``"stream": true``,
with the providers' request-id headers and error bodies.

What the "model" answers is decided by a *responder*: a callable that gets the
request in a neutral form (:class:`FakeRequest`: system prompt, messages, tool
names, whether it streams) and returns a :class:`Turn` (text and/or tool calls,
usage) or a :class:`Fault` (an HTTP error, a delay, a stream cut after N
events). :class:`Replies` plays a fixed list in order; tests can write any
other responder (``tests/live_spec_model.py`` plays a scenario's own script).

Every request is recorded (:attr:`FakeProvider.requests`) with what was
answered, so tests and benches can count retries.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


# -- what the model answers ------------------------------------------------------


@dataclass(frozen=True)
class ToolUse:
    name: str
    #: a string is sent as is (Chat Completions only: arguments that are not JSON)
    args: dict[str, Any] | str


@dataclass(frozen=True)
class Turn:
    """One model response: text, then tool calls; ``stop`` defaults from the content."""

    text: str = ""
    tool_calls: tuple[ToolUse, ...] = ()
    input_tokens: int = 11
    output_tokens: int = 7
    stop: str | None = None  # "end_turn" / "tool_use" / "max_tokens"; default from tool_calls

    @property
    def stop_reason(self) -> str:
        return self.stop or ("tool_use" if self.tool_calls else "end_turn")


@dataclass(frozen=True)
class Fault:
    """A failure instead of (or in the middle of) a response.

    ``status``: answer with this HTTP error (and ``retry_after`` seconds if set);
    ``delay``: wait this long before answering ``then`` (or an empty turn);
    ``cut_after``: stream ``then`` but drop the connection after this many SSE events.
    """

    status: int | None = None
    message: str = "fake failure"
    retry_after: float | None = None
    delay: float = 0.0
    cut_after: int | None = None
    then: Turn | None = None


Reply = Turn | Fault


@dataclass
class FakeRequest:
    """A request in neutral form, whichever wire format it came in."""

    wire: str
    model: str
    system: str
    #: ``{"role": "user", "text"}``, ``{"role": "assistant", "text", "tool_calls": [ToolUse]}``,
    #: ``{"role": "tool", "id", "content", "is_error"}``
    messages: list[dict[str, Any]]
    tools: list[str]
    tool_schemas: dict[str, dict[str, Any]]
    stream: bool
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def first_user_text(self) -> str:
        return next((m["text"] for m in self.messages if m["role"] == "user"), "")

    @property
    def tool_results(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["role"] == "tool"]


Responder = Callable[[FakeRequest], Reply]


class Replies:
    """Plays the given replies in order; when they run out, answers HTTP 500."""

    def __init__(self, *replies: Reply) -> None:
        self._replies = list(replies)
        self._lock = threading.Lock()

    def __call__(self, request: FakeRequest) -> Reply:
        with self._lock:
            if not self._replies:
                return Fault(status=500, message="fake provider: no scripted reply left")
            return self._replies.pop(0)


def always(reply: Reply) -> Responder:
    return lambda request: reply


# -- the server -----------------------------------------------------------------


@dataclass
class Recorded:
    request: FakeRequest
    status: int
    reply: Reply | None = None
    request_id: str = ""


@dataclass
class FakeProvider:
    """A fake provider API on 127.0.0.1; use as a context manager."""

    wire: str  # "anthropic" | "openai"
    responder: Responder
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.wire not in ("anthropic", "openai"):
            raise ValueError(f"wire must be 'anthropic' or 'openai', got {self.wire!r}")
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # the SDKs' base URLs: Anthropic's paths start with /v1, OpenAI's base URL ends with it
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}" + ("/v1" if self.wire == "openai" else "")

    def __enter__(self) -> "FakeProvider":
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, name=f"fake-{self.wire}", daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def next_request_id(self) -> str:
        with self._lock:
            return f"req_fake_{next(self._ids):04d}"

    def record(self, entry: Recorded) -> None:
        with self._lock:
            self.requests.append(entry)

    @property
    def statuses(self) -> list[int]:
        with self._lock:
            return [entry.status for entry in self.requests]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that hangs up (a timeout, a cut stream) is part of the tests, not an error;
        # anything else is printed as usual
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def unused_port() -> int:
    """A port nothing listens on (for connection-refused tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeProvider
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read .requests instead
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        request_id = self.fake.next_request_id()
        wire = self.fake.wire
        expected = "/v1/messages" if wire == "anthropic" else "/v1/chat/completions"
        if self.path.split("?")[0] != expected:
            self._error(404, "not_found_error", f"fake {wire}: no route {self.path}", request_id)
            return
        try:
            body = json.loads(raw)
            request = (_parse_anthropic if wire == "anthropic" else _parse_openai)(body, dict(self.headers))
        except (ValueError, KeyError, TypeError) as exc:
            self._error(400, "invalid_request_error", f"fake {wire}: bad request: {exc}", request_id)
            return
        reply = self.fake.responder(request)
        # recorded on arrival (a client that times out still made the request)
        status = (reply.status or 200) if isinstance(reply, Fault) else 200
        self.fake.record(Recorded(request, status, reply, request_id))
        turn: Turn | None = reply if isinstance(reply, Turn) else None
        cut_after = None
        if isinstance(reply, Fault):
            if reply.delay:
                time.sleep(reply.delay)
            if reply.status is not None:
                self._error(reply.status, _error_type(reply.status), reply.message, request_id, reply.retry_after)
                return
            turn = reply.then or Turn()
            cut_after = reply.cut_after
        assert turn is not None
        if request.stream:
            events = (_anthropic_events if wire == "anthropic" else _openai_events)(turn, request.model, request_id)
            self._stream(events, request_id, cut_after)
        else:
            payload = (_anthropic_message if wire == "anthropic" else _openai_completion)(turn, request.model, request_id)
            self._json(200, payload, request_id)

    # -- responses ---------------------------------------------------------------

    def _headers(self, status: int, content_type: str, request_id: str, extra: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("request-id" if self.fake.wire == "anthropic" else "x-request-id", request_id)
        for key, value in extra.items():
            self.send_header(key, value)

    def _json(self, status: int, payload: Any, request_id: str, extra: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self._headers(status, "application/json", request_id, extra or {})
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, kind: str, message: str, request_id: str, retry_after: float | None = None) -> None:
        extra = {} if retry_after is None else {"retry-after": f"{retry_after:g}"}
        if self.fake.wire == "anthropic":
            payload: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": message}}
        else:
            payload = {"error": {"message": message, "type": kind, "code": None, "param": None}}
        self._json(status, payload, request_id, extra)

    def _stream(self, events: list[str], request_id: str, cut_after: int | None) -> None:
        self._headers(200, "text/event-stream", request_id, {"transfer-encoding": "chunked", "cache-control": "no-cache"})
        self.end_headers()
        for index, event in enumerate(events):
            if cut_after is not None and index >= cut_after:
                # drop the connection mid-stream: no terminating chunk, no final events
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            data = event.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _error_type(status: int) -> str:
    return {
        400: "invalid_request_error",
        401: "authentication_error",
        403: "permission_error",
        404: "not_found_error",
        429: "rate_limit_error",
        529: "overloaded_error",
    }.get(status, "api_error")


# -- Anthropic Messages wire format ------------------------------------------------


def _anthropic_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content if block.get("type") == "text")


def _parse_anthropic(body: dict[str, Any], headers: dict[str, str]) -> FakeRequest:
    messages: list[dict[str, Any]] = []
    for message in body["messages"]:
        content = message["content"]
        if message["role"] == "user":
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
            for block in blocks:
                if block["type"] == "tool_result":
                    messages.append(
                        {
                            "role": "tool",
                            "id": block["tool_use_id"],
                            "content": _anthropic_text(block.get("content", "")),
                            "is_error": bool(block.get("is_error", False)),
                        }
                    )
                elif block["type"] == "text":
                    messages.append({"role": "user", "text": block["text"]})
        else:
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
            messages.append(
                {
                    "role": "assistant",
                    "text": _anthropic_text(blocks),
                    "tool_calls": [ToolUse(b["name"], b["input"]) for b in blocks if b["type"] == "tool_use"],
                }
            )
    tools = body.get("tools") or []
    return FakeRequest(
        wire="anthropic",
        model=body["model"],
        system=_anthropic_text(body.get("system", "")),
        messages=messages,
        tools=[tool["name"] for tool in tools],
        tool_schemas={tool["name"]: tool.get("input_schema", {}) for tool in tools},
        stream=bool(body.get("stream", False)),
        body=body,
        headers=headers,
    )


def _anthropic_blocks(turn: Turn, request_id: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if turn.text:
        blocks.append({"type": "text", "text": turn.text})
    for index, call in enumerate(turn.tool_calls, 1):
        blocks.append({"type": "tool_use", "id": f"toolu_{request_id}_{index}", "name": call.name, "input": call.args})
    return blocks


def _anthropic_message(turn: Turn, model: str, request_id: str) -> dict[str, Any]:
    return {
        "id": f"msg_{request_id}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": _anthropic_blocks(turn, request_id),
        "stop_reason": turn.stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": turn.input_tokens, "output_tokens": turn.output_tokens},
    }


def _sse(event: str | None, data: Any) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data if isinstance(data, str) else json.dumps(data)}\n\n"


def _pieces(text: str, size: int = 5) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _anthropic_events(turn: Turn, model: str, request_id: str) -> list[str]:
    start = _anthropic_message(turn, model, request_id)
    start.update(content=[], stop_reason=None, usage={"input_tokens": turn.input_tokens, "output_tokens": 1})
    events = [_sse("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(_anthropic_blocks(turn, request_id)):
        if block["type"] == "text":
            events.append(_sse("content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}))
            for piece in _pieces(block["text"]):
                delta = {"type": "text_delta", "text": piece}
                events.append(_sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}))
        else:
            opening = dict(block, input={})
            events.append(_sse("content_block_start", {"type": "content_block_start", "index": index, "content_block": opening}))
            for piece in _pieces(json.dumps(block["input"]), 12):
                delta = {"type": "input_json_delta", "partial_json": piece}
                events.append(_sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}))
        events.append(_sse("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        _sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": turn.stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": turn.output_tokens},
            },
        )
    )
    events.append(_sse("message_stop", {"type": "message_stop"}))
    return events


# -- OpenAI Chat Completions wire format -----------------------------------------------


def _openai_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if part.get("type") == "text")


def _parse_openai(body: dict[str, Any], headers: dict[str, str]) -> FakeRequest:
    system = ""
    messages: list[dict[str, Any]] = []
    for message in body["messages"]:
        role = message["role"]
        if role in ("system", "developer"):
            system += _openai_text(message.get("content"))
        elif role == "user":
            messages.append({"role": "user", "text": _openai_text(message.get("content"))})
        elif role == "assistant":
            calls = [ToolUse(call["function"]["name"], _arguments(call["function"]["arguments"])) for call in message.get("tool_calls") or []]
            messages.append({"role": "assistant", "text": _openai_text(message.get("content")), "tool_calls": calls})
        elif role == "tool":
            content = _openai_text(message.get("content"))
            messages.append({"role": "tool", "id": message["tool_call_id"], "content": content, "is_error": _looks_like_error(content)})
    tools = [tool["function"] for tool in body.get("tools") or []]
    return FakeRequest(
        wire="openai",
        model=body["model"],
        system=system,
        messages=messages,
        tools=[tool["name"] for tool in tools],
        tool_schemas={tool["name"]: tool.get("parameters", {}) for tool in tools},
        stream=bool(body.get("stream", False)),
        body=body,
        headers=headers,
    )


def _arguments(text: str) -> dict[str, Any] | str:
    try:
        return json.loads(text or "{}")
    except ValueError:
        return text


def _looks_like_error(content: str) -> bool:
    try:
        value = json.loads(content)
    except ValueError:
        return False
    return isinstance(value, dict) and "error" in value


def _openai_finish(turn: Turn) -> str:
    return {"tool_use": "tool_calls", "max_tokens": "length"}.get(turn.stop_reason, "stop")


def _openai_calls(turn: Turn, request_id: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"call_{request_id}_{index}",
            "type": "function",
            "function": {"name": call.name, "arguments": call.args if isinstance(call.args, str) else json.dumps(call.args)},
        }
        for index, call in enumerate(turn.tool_calls, 1)
    ]


def _openai_usage(turn: Turn) -> dict[str, int]:
    return {
        "prompt_tokens": turn.input_tokens,
        "completion_tokens": turn.output_tokens,
        "total_tokens": turn.input_tokens + turn.output_tokens,
    }


def _openai_completion(turn: Turn, model: str, request_id: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.text or None}
    if turn.tool_calls:
        message["tool_calls"] = _openai_calls(turn, request_id)
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": _openai_finish(turn), "logprobs": None}],
        "usage": _openai_usage(turn),
    }


def _openai_events(turn: Turn, model: str, request_id: str) -> list[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        return _sse(
            None,
            {
                "id": f"chatcmpl-{request_id}",
                "object": "chat.completion.chunk",
                "created": 1_700_000_000,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            },
        )

    events = [chunk({"role": "assistant", "content": ""})]
    if turn.text:
        events.extend(chunk({"content": piece}) for piece in _pieces(turn.text))
    for index, call in enumerate(_openai_calls(turn, request_id)):
        opening = {"index": index, "id": call["id"], "type": "function", "function": {"name": call["function"]["name"], "arguments": ""}}
        events.append(chunk({"tool_calls": [opening]}))
        for piece in _pieces(call["function"]["arguments"], 12):
            events.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}))
    events.append(chunk({}, _openai_finish(turn)))
    usage = {"id": f"chatcmpl-{request_id}", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model, "choices": [], "usage": _openai_usage(turn)}
    events.append(_sse(None, usage))
    events.append(_sse(None, "[DONE]"))
    return events
