"""Where the outcome of a tool call, an approval or an agent run lands.

The runtime's steps are async generators (they yield events as they go), and
async generators cannot return values; the caller passes one of these holders
in and reads it once the generator is exhausted.
"""

from __future__ import annotations

from typing import Any

from .state import Decision


class ToolOutcome:
    """The result of one tool call; an error result is ``{"error": message, ...}``."""

    __slots__ = ("result",)

    def __init__(self) -> None:
        self.result: Any = None

    def fail(self, message: str, **extra: Any) -> None:
        self.result = {"error": message, **extra}

    @property
    def ok(self) -> bool:
        return not (isinstance(self.result, dict) and "error" in self.result)


class DecisionBox:
    """The decision an approval request received."""

    __slots__ = ("decision",)

    def __init__(self) -> None:
        self.decision: Decision | None = None


def run_output(texts: list[str]) -> str:
    """An agent run's output (history, ``call_agent`` result): its text events, one per line."""
    return "\n".join(texts)
