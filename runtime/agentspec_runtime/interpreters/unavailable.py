"""Interpreters that are accepted by name but cannot run yet (the live models)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator

from ..errors import StreamError
from .base import Interpreter

if TYPE_CHECKING:
    from ..execution import AgentRun


class UnavailableInterpreter(Interpreter):
    """Ends every run with an ``interpreter_unavailable`` error event."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def run(self, run: "AgentRun") -> AsyncIterator[dict[str, Any]]:
        raise StreamError(
            f"the {self.name!r} interpreter is not available yet in agentspec_runtime; "
            "use interpreter='scripted' or testing={'mock_response': ...}",
            code="interpreter_unavailable",
        )
        yield {}  # pragma: no cover - makes this an async generator
