"""The Anthropic Messages API through the official ``anthropic`` SDK (``AsyncAnthropic``).

Turns the neutral conversation (``agentspec_runtime.conversation``) into a
Messages request — system prompt, alternating user/assistant messages, tool
results as ``tool_result`` blocks with ``is_error`` — streams the answer, and
yields each text delta as it arrives and then one :class:`ModelReply` (tool
calls with their parsed input, stop reason, usage, request id). Every SDK or
transport failure becomes a :class:`ProviderFailure`.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Sequence

import anthropic
import httpx2

from ..conversation import TextChunk, ToolCall
from ..usage import json_text
from .failures import ProviderFailure, cause, guarded, retry_after, retryable_status
from .reply import ModelReply, tool_arguments
from .settings import ProviderSettings
from .transport import http_client


class AnthropicAdapter:
    provider = "anthropic"

    def __init__(self, settings: ProviderSettings, *, max_tokens: int, stream: bool = True) -> None:
        self.settings = settings
        self.max_tokens = max_tokens
        self.stream = stream

    def client(self) -> anthropic.AsyncAnthropic:
        return anthropic.AsyncAnthropic(
            api_key=self.settings.api_key.reveal(),
            base_url=self.settings.base_url,
            timeout=self.settings.timeout,
            max_retries=0,  # the loop retries (see retry.py)
            http_client=http_client(anthropic),
        )

    def request(self, model: str, system: str, messages: Sequence[Any], tools: Sequence[Any]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": model,
            "max_tokens": self.max_tokens,
            "messages": to_messages(messages),
        }
        if system:
            params["system"] = system
        if tools:
            params["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.input_schema} for t in tools
            ]
        return params

    async def step(
        self, client: anthropic.AsyncAnthropic, params: dict[str, Any]
    ) -> AsyncIterator[TextChunk | ModelReply]:
        try:
            if self.stream:
                async for part in self._streamed(client, params):
                    yield part
            else:
                message = await client.messages.create(**params)
                for block in message.content:
                    if block.type == "text" and block.text:
                        yield TextChunk(block.text)
                yield ModelReply(
                    model=message.model,
                    stop_reason=message.stop_reason or "end_turn",
                    tool_calls=[
                        ToolCall(b.name, tool_arguments(b.input), b.id) for b in message.content if b.type == "tool_use"
                    ],
                    input_tokens=message.usage.input_tokens,
                    output_tokens=message.usage.output_tokens,
                )
        except anthropic.APIStatusError as exc:
            raise _status_failure(exc) from None
        except anthropic.APITimeoutError:
            raise ProviderFailure(
                "anthropic", "provider_timeout", f"no answer within {self.settings.timeout:g} s", retryable=True
            ) from None
        except anthropic.APIConnectionError as exc:
            raise ProviderFailure(
                "anthropic", "provider_unreachable", f"cannot connect: {cause(exc)}", retryable=True
            ) from None
        except httpx2.HTTPError as exc:  # the transport failed mid-stream
            raise ProviderFailure("anthropic", "provider_stream_cut", f"the stream broke off: {exc}", retryable=True) from None

    async def _streamed(self, client: anthropic.AsyncAnthropic, params: dict[str, Any]) -> AsyncIterator[TextChunk | ModelReply]:
        stream = await client.messages.create(**params, stream=True)
        request_id = stream.response.headers.get("request-id")
        reply = ModelReply(model=params["model"], stop_reason="")
        tools: dict[int, dict[str, Any]] = {}
        complete = False
        try:
            async for event in guarded(stream, "anthropic", anthropic, httpx2.HTTPError, request_id, self.settings.timeout):
                if event.type == "message_start":
                    reply.model = event.message.model or reply.model
                    reply.input_tokens = event.message.usage.input_tokens
                    reply.output_tokens = event.message.usage.output_tokens
                elif event.type == "content_block_start":
                    block = event.content_block
                    if block.type == "tool_use":
                        tools[event.index] = {"id": block.id, "name": block.name, "json": ""}
                    elif block.type == "text" and block.text:
                        yield TextChunk(block.text)
                elif event.type == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta" and delta.text:
                        yield TextChunk(delta.text)
                    elif delta.type == "input_json_delta" and event.index in tools:
                        tools[event.index]["json"] += delta.partial_json
                elif event.type == "message_delta":
                    reply.stop_reason = event.delta.stop_reason or reply.stop_reason
                    if event.usage.output_tokens is not None:
                        reply.output_tokens = event.usage.output_tokens
                    if getattr(event.usage, "input_tokens", None):
                        reply.input_tokens = event.usage.input_tokens
                elif event.type == "message_stop":
                    complete = True
        finally:
            await stream.close()
        if not complete:
            raise ProviderFailure(
                "anthropic",
                "provider_stream_cut",
                "the stream ended before message_stop (incomplete response)",
                request_id=request_id,
                retryable=True,
            )
        reply.tool_calls = [
            ToolCall(tool["name"], tool_arguments(tool["json"]), tool["id"]) for _, tool in sorted(tools.items())
        ]
        reply.stop_reason = reply.stop_reason or "end_turn"
        yield reply


def to_messages(messages: Sequence[Any]) -> list[dict[str, Any]]:
    """The neutral conversation as Messages API ``messages`` (roles alternate; results go in user turns)."""
    out: list[dict[str, Any]] = []

    def user_blocks() -> list[dict[str, Any]]:
        if out and out[-1]["role"] == "user":
            return out[-1]["content"]
        out.append({"role": "user", "content": []})
        return out[-1]["content"]

    for message in messages:
        if message.role == "user":
            user_blocks().append({"type": "text", "text": message.text})
        elif message.role == "assistant":
            content: list[dict[str, Any]] = []
            for part in message.content:
                if isinstance(part, TextChunk):
                    if part.text:
                        content.append({"type": "text", "text": part.text})
                else:
                    content.append({"type": "tool_use", "id": part.id, "name": part.name, "input": part.args})
            if content:
                out.append({"role": "assistant", "content": content})
        elif message.role == "tool":
            user_blocks().append(
                {
                    "type": "tool_result",
                    "tool_use_id": message.call.id or message.invocation_id,
                    "content": json_text(message.result),
                    "is_error": bool(message.is_error),
                }
            )
    return out


def _status_failure(exc: anthropic.APIStatusError) -> ProviderFailure:
    kind = getattr(exc, "type", None) or ""
    detail = getattr(exc, "api_message", None) or _body_message(exc.body) or str(exc)
    return ProviderFailure(
        "anthropic",
        "provider_error",
        f"{kind}: {detail}" if kind else detail,
        status=exc.status_code,
        request_id=exc.request_id,
        retryable=retryable_status(exc.status_code),
        retry_after=retry_after(exc.response),
    )


def _body_message(body: object) -> str | None:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
    return None
