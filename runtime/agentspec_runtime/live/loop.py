"""The live interpreter: each step of an agent is one call to a real model.

The engine shows the interpreter the conversation (system prompt = the agent's
prompt, the messages so far, every tool result with ``is_error``, the agent's
tools as JSON schema with the built-ins of its role); this loop sends it to
the provider, streams the text back as it arrives (each delta becomes a
``text`` event), reports the model and the tokens the provider counted, and
hands each tool call to the engine — which dispatches it exactly as it does
for the scripted interpreter (schema check, approvals, handlers, fixtures,
plans, the action dispatcher; a routed agent runs its own loop on the prompt
the model wrote). The engine asks for the next step while the model keeps
calling tools; the run ends when the model ends its turn, or with a
``turn_limit`` error after the agent's ``max_turns`` steps (as published: the
agent's own, else :attr:`LiveInterpreter.max_turns`).

Failures never raise out of a stream and never hang it: a rate limit (429),
an overloaded or failing server (5xx), a timeout or a refused connection is
retried with backoff (``retries`` per provider, see ``retry.py``); what still
fails ends the run with a ``StreamError`` naming the provider, the HTTP status
and the request id (an ``error`` event, or the caller's ``call_agent`` error
result for a routed agent).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, AsyncIterator

from ..conversation import EndTurn, ModelUsage, StepPart, StepRequest, TextChunk
from ..errors import StreamError
from ..interpreters.base import Interpreter
from .failures import ProviderFailure
from .reply import ModelReply
from .retry import RetryPolicy
from .settings import ProviderConfigError, ProviderSettings, resolve_settings

#: Model turns one agent run may take before it is stopped (a model that never stops calling tools),
#: unless the agent sets ``max_turns``: the published harness's live interpreters default to 16.
DEFAULT_MAX_TURNS = 16
#: ``max_tokens`` of every model call.
DEFAULT_MAX_TOKENS = 4096


class LiveInterpreter(Interpreter):
    """Calls ``provider``'s API for every agent step (see the module docstring).

    ``declared`` is the spec's declaration of ``provider`` (a ``ProviderSpec``)
    if the runtime has one; an agent whose own model resolves to ``provider``
    brings its declaration with the step request as well.
    """

    emits_summary = True

    def __init__(
        self,
        provider: str,
        declared: Any = None,
        *,
        max_turns: int = DEFAULT_MAX_TURNS,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        stream: bool = True,
        initial_retry_delay: float = 0.5,
        temperature: float | None = None,
    ) -> None:
        if provider not in ("anthropic", "openai"):
            raise ValueError(f"no live interpreter for provider {provider!r} (live: anthropic, openai)")
        if max_turns < 1:
            raise ValueError(f"max_turns must be at least 1, got {max_turns}")
        self.name = provider
        self.tool_id_prefix = f"{provider}-tool"
        self.provider = provider
        self.declared = declared
        self.max_turns = max_turns
        self.max_tokens = max_tokens
        self.stream = stream
        self.initial_retry_delay = initial_retry_delay
        self.temperature = temperature

    def for_judging(self) -> "LiveInterpreter":
        """The same provider, for one plain answer (the model-backed judge): temperature 0, no streaming.

        The Messages API of the ``anthropic`` SDK this runtime supports (2.x)
        takes no temperature, so there it is left out.
        """
        return LiveInterpreter(
            self.provider, self.declared, max_turns=1, max_tokens=1024, stream=False,
            initial_retry_delay=self.initial_retry_delay, temperature=0.0,
        )

    def __repr__(self) -> str:
        return f"LiveInterpreter({self.provider!r}, max_turns={self.max_turns}, stream={self.stream})"

    def settings(self, request: StepRequest) -> ProviderSettings:
        declared = request.provider if getattr(request.provider, "name", None) == self.provider else self.declared
        try:
            return resolve_settings(self.provider, declared)
        except ProviderConfigError as exc:
            raise StreamError(str(exc), code="provider_config") from None

    async def next_step(self, request: StepRequest) -> AsyncIterator[StepPart]:
        own = request.agent.max_turns
        limit = own or self.max_turns
        if request.step > limit:
            source = "its max_turns" if own else "the live interpreter's turn limit"
            raise StreamError(
                f"agent {request.agent.name!r} was still calling tools after {limit} model turns ({source})",
                code="turn_limit",
            )
        settings = self.settings(request)
        adapter = adapter_for(settings, max_tokens=self.max_tokens, stream=self.stream)
        params = adapter.request(request.model, request.system, request.messages, request.tools)
        if self.temperature is not None and self.provider == "openai":
            params["temperature"] = self.temperature
        reply: ModelReply | None = None
        started = time.perf_counter()
        async for part in model_call(adapter, params, settings, self.initial_retry_delay):
            if isinstance(part, TextChunk):
                yield part
            else:
                reply = part
        assert reply is not None
        latency = (time.perf_counter() - started) * 1000.0  # the call, retries included; not the tools after it
        yield ModelUsage(reply.model, reply.input_tokens, reply.output_tokens, latency)
        for call in reply.tool_calls:
            yield call
        if not reply.tool_calls:
            yield EndTurn(reply.stop_reason)


def adapter_for(settings: ProviderSettings, *, max_tokens: int = DEFAULT_MAX_TOKENS, stream: bool = True) -> Any:
    """The adapter that speaks ``settings.provider``'s API (imports its SDK)."""
    if settings.provider == "anthropic":
        from .anthropic import AnthropicAdapter

        return AnthropicAdapter(settings, max_tokens=max_tokens, stream=stream)
    from .openai import OpenAIAdapter

    return OpenAIAdapter(settings, max_tokens=max_tokens, stream=stream)


async def model_call(
    adapter: Any, params: dict[str, Any], settings: ProviderSettings, initial_retry_delay: float = 0.5
) -> AsyncIterator[TextChunk | ModelReply]:
    """One model call with retries: its text chunks as they stream, then its :class:`ModelReply`.

    Raises ``StreamError`` (redacted of the key) when the call fails for good.
    """
    policy = RetryPolicy(settings.retries, initial_delay=initial_retry_delay)
    async with adapter.client() as client:
        for attempt in range(1, policy.retries + 2):
            streamed = False
            try:
                async for part in adapter.step(client, params):
                    streamed = streamed or isinstance(part, TextChunk)
                    yield part
                return
            except ProviderFailure as failure:
                # text already streamed cannot be taken back: only a call that showed nothing is retried
                if streamed or not failure.retryable or attempt > policy.retries:
                    raise failure.as_stream_error(attempt, settings.redact) from None
                await asyncio.sleep(policy.delay(attempt - 1, failure.retry_after))
