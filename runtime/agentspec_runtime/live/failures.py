"""A provider call that failed, in words a test report can show.

Adapters turn whatever the SDK raised into a :class:`ProviderFailure` — the
provider, the HTTP status and request id when there was a response, and
whether retrying can help — and the agent loop turns the last one into a
:class:`~agentspec_runtime.errors.StreamError`: an ``error`` event for a
top-level run, the ``call_agent`` error result for a routed one. Messages are
redacted of the API key before they leave.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable

from ..errors import StreamError

#: HTTP statuses worth retrying: timeout, conflict, rate limit, and every server error.
RETRYABLE_STATUSES = frozenset({408, 409, 429})


def retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status >= 500


@dataclass
class ProviderFailure(Exception):
    provider: str
    #: ``provider_error`` (an HTTP error status), ``provider_timeout``, ``provider_unreachable``,
    #: ``provider_stream_cut`` (a stream that stopped before the message was complete),
    #: ``provider_response`` (a response the adapter could not read)
    code: str
    detail: str
    status: int | None = None
    request_id: str | None = None
    retryable: bool = False
    retry_after: float | None = None

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    def describe(self, attempts: int) -> str:
        parts = [f"{self.provider} API"]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        parts.append(f"request id {self.request_id or 'unknown'}")
        tried = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        return f"{', '.join(parts)}: {self.detail} ({tried})"

    def as_stream_error(self, attempts: int, redact: Callable[[str], str] = str) -> StreamError:
        return StreamError(redact(self.describe(attempts)), code=self.code)


def retry_after(response: Any) -> float | None:
    """The ``retry-after`` header of a response, in seconds, if it is a number."""
    try:
        return float(response.headers.get("retry-after", ""))
    except (AttributeError, ValueError):
        return None


def cause(exc: BaseException) -> str:
    """What is behind an SDK connection error, e.g. ``ConnectError: All connection attempts failed``."""
    behind = exc.__cause__ or exc.__context__
    return f"{type(behind).__name__}: {behind}" if behind else str(exc)


async def guarded(
    stream: Any, provider: str, sdk: Any, transport_error: type[BaseException], request_id: str | None, timeout: float
) -> AsyncIterator[Any]:
    """A response stream's events; a failure once the response has begun is a stalled or cut stream."""
    iterator = stream.__aiter__()
    while True:
        try:
            event = await iterator.__anext__()
        except StopAsyncIteration:
            return
        except sdk.APITimeoutError:
            raise ProviderFailure(
                provider, "provider_timeout", f"the stream stalled: nothing for {timeout:g} s",
                request_id=request_id, retryable=True,
            ) from None
        except (sdk.APIConnectionError, transport_error) as exc:
            raise ProviderFailure(
                provider, "provider_stream_cut", f"the stream broke off: {cause(exc)}",
                request_id=request_id, retryable=True,
            ) from None
        yield event
