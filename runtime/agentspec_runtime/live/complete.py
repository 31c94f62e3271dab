"""One plain model call — a system prompt and a user message in, the text out.

For callers that need a model's answer rather than an agent run (the
model-backed judge): same adapters, settings, retries and failures as the
live interpreter, no tools, temperature 0 unless told otherwise — where the
API has one: the Messages API of the ``anthropic`` SDK this runtime supports
(2.x) takes no ``temperature``, so Anthropic calls go without it.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from ..conversation import TextChunk, UserMessage
from ..errors import StreamError
from . import require_sdk
from .loop import adapter_for, model_call
from .settings import ProviderConfigError, resolve_settings

Complete = Callable[[str, str], Awaitable[str]]


def completion(
    provider: str, model: str, declared: Any = None, *, temperature: float = 0.0, max_tokens: int = 1024
) -> Complete:
    """``async complete(system, user) -> text`` on ``provider``'s ``model``.

    ``declared`` is the spec's provider declaration (key, base URL, timeout,
    retries). A failure raises ``StreamError`` with the same redacted message
    (provider, HTTP status, request id) a live run's ``error`` event carries.
    """
    require_sdk(provider)

    async def complete(system: str, user: str) -> str:
        try:
            settings = resolve_settings(provider, declared)
        except ProviderConfigError as exc:
            raise StreamError(str(exc), code="provider_config") from None
        adapter = adapter_for(settings, max_tokens=max_tokens, stream=False)
        params = adapter.request(model, system, [UserMessage(user)], [])
        if provider == "openai":
            params["temperature"] = temperature
        texts = [part.text async for part in model_call(adapter, params, settings) if isinstance(part, TextChunk)]
        return "".join(texts)

    return complete
