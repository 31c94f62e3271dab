"""Retrying a model call: exponential backoff, honouring ``retry-after`` up to a cap.

The SDKs retry on their own too, but they are told not to (``max_retries=0``):
doing it here lets the loop cap how long a ``retry-after`` may make it wait
(a 429 storm must not outlast the scenario's timeout in one sleep), count the
attempts for the failure message, and never retry a stream that has already
streamed text to the consumer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0-based)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_delay)
        backoff = min(self.initial_delay * (2.0**retry), self.max_delay)
        return backoff * (1.0 - 0.25 * random.random())  # jitter: concurrent runs spread out
