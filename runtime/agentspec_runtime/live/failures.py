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
from typing import Callable

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
