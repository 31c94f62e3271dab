"""OpenAI Chat Completions through the official ``openai`` SDK (``AsyncOpenAI``).

Turns the neutral conversation into chat ``messages`` — the system prompt as a
``system`` message, assistant turns with ``tool_calls``, each result as a
``tool`` message (an error result is the JSON ``{"error": ...}``: the API has
no error flag) — streams the answer with usage included, and yields each text
delta as it arrives and then one :class:`ModelReply`. Every SDK or transport
failure becomes a :class:`ProviderFailure`.
"""

from __future__ import annotations

import json
from typing import Any, AsyncIterator, Sequence

import httpx2
import openai

from ..conversation import TextChunk, ToolCall
from ..usage import json_text
from .failures import ProviderFailure, cause, guarded, retry_after, retryable_status
from .reply import ModelReply, tool_arguments
from .settings import ProviderSettings
from .transport import http_client

#: Chat Completions finish reasons in the neutral words the loop uses.
_STOP_REASONS = {"stop": "end_turn", "tool_calls": "tool_use", "function_call": "tool_use", "length": "max_tokens", "content_filter": "refusal"}


class OpenAIAdapter:
    provider = "openai"

    def __init__(self, settings: ProviderSettings, *, max_tokens: int, stream: bool = True) -> None:
        self.settings = settings
        self.max_tokens = max_tokens
        self.stream = stream

    def client(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key=self.settings.api_key.reveal(),
            base_url=self.settings.base_url,
            timeout=self.settings.timeout,
            max_retries=0,  # the loop retries (see retry.py)
            http_client=http_client(openai),
        )

    def request(self, model: str, system: str, messages: Sequence[Any], tools: Sequence[Any]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": model,
            "max_completion_tokens": self.max_tokens,
            "messages": ([{"role": "system", "content": system}] if system else []) + to_messages(messages),
        }
        if tools:
            params["tools"] = [
                {"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.input_schema}}
                for t in tools
            ]
        return params

    async def step(self, client: openai.AsyncOpenAI, params: dict[str, Any]) -> AsyncIterator[TextChunk | ModelReply]:
        try:
            if self.stream:
                async for part in self._streamed(client, params):
                    yield part
            else:
                completion = await client.chat.completions.create(**params)
                if not completion.choices:
                    raise ProviderFailure("openai", "provider_response", "the response has no choices")
                choice = completion.choices[0]
                if choice.message.content:
                    yield TextChunk(choice.message.content)
                yield ModelReply(
                    model=completion.model or params["model"],
                    stop_reason=_STOP_REASONS.get(choice.finish_reason or "stop", choice.finish_reason or "end_turn"),
                    tool_calls=[
                        ToolCall(call.function.name, tool_arguments(call.function.arguments), call.id)
                        for call in choice.message.tool_calls or []
                        if getattr(call, "function", None) is not None
                    ],
                    input_tokens=completion.usage.prompt_tokens if completion.usage else None,
                    output_tokens=completion.usage.completion_tokens if completion.usage else None,
                )
        except openai.APIStatusError as exc:
            raise _status_failure(exc) from None
        except openai.APITimeoutError:
            raise ProviderFailure(
                "openai", "provider_timeout", f"no answer within {self.settings.timeout:g} s", retryable=True
            ) from None
        except openai.APIConnectionError as exc:
            raise ProviderFailure("openai", "provider_unreachable", f"cannot connect: {cause(exc)}", retryable=True) from None
        except httpx2.HTTPError as exc:  # the transport failed mid-stream
            raise ProviderFailure("openai", "provider_stream_cut", f"the stream broke off: {exc}", retryable=True) from None

    async def _streamed(self, client: openai.AsyncOpenAI, params: dict[str, Any]) -> AsyncIterator[TextChunk | ModelReply]:
        stream = await client.chat.completions.create(**params, stream=True, stream_options={"include_usage": True})
        request_id = stream.response.headers.get("x-request-id")
        reply = ModelReply(model=params["model"], stop_reason="")
        calls: dict[int, dict[str, Any]] = {}
        finished = False
        try:
            async for chunk in guarded(stream, "openai", openai, httpx2.HTTPError, request_id, self.settings.timeout):
                reply.model = chunk.model or reply.model
                if chunk.usage is not None:
                    reply.input_tokens = chunk.usage.prompt_tokens
                    reply.output_tokens = chunk.usage.completion_tokens
                for choice in chunk.choices:
                    delta = choice.delta
                    if delta.content:
                        yield TextChunk(delta.content)
                    for call in delta.tool_calls or []:
                        entry = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
                        entry["id"] = call.id or entry["id"]
                        if call.function is not None:
                            entry["name"] += call.function.name or ""
                            entry["arguments"] += call.function.arguments or ""
                    if choice.finish_reason:
                        finished = True
                        reply.stop_reason = _STOP_REASONS.get(choice.finish_reason, choice.finish_reason)
        finally:
            await stream.close()
        if not finished:
            raise ProviderFailure(
                "openai",
                "provider_stream_cut",
                "the stream ended before a finish_reason (incomplete response)",
                request_id=request_id,
                retryable=True,
            )
        reply.tool_calls = [
            ToolCall(call["name"], tool_arguments(call["arguments"]), call["id"] or f"call_{index}")
            for index, call in sorted(calls.items())
        ]
        yield reply


def to_messages(messages: Sequence[Any]) -> list[dict[str, Any]]:
    """The neutral conversation as chat ``messages`` (without the system message)."""
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "user":
            out.append({"role": "user", "content": message.text})
        elif message.role == "assistant":
            text = "".join(part.text for part in message.content if isinstance(part, TextChunk))
            calls = [
                {"id": part.id, "type": "function", "function": {"name": part.name, "arguments": json.dumps(part.args)}}
                for part in message.content
                if not isinstance(part, TextChunk)
            ]
            entry: dict[str, Any] = {"role": "assistant", "content": text or None}
            if calls:
                entry["tool_calls"] = calls
            out.append(entry)
        elif message.role == "tool":
            out.append(
                {"role": "tool", "tool_call_id": message.call.id or message.invocation_id, "content": json_text(message.result)}
            )
    return out


def _status_failure(exc: openai.APIStatusError) -> ProviderFailure:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else body
    kind = error.get("type") or error.get("code") or ""
    detail = error.get("message") or exc.message
    return ProviderFailure(
        "openai",
        "provider_error",
        f"{kind}: {detail}" if kind else str(detail),
        status=exc.status_code,
        request_id=exc.request_id,
        retryable=retryable_status(exc.status_code),
        retry_after=retry_after(exc.response),
    )
