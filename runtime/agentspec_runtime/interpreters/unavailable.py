"""Interpreters that are accepted by name but cannot run yet (the live models)."""

from __future__ import annotations

from typing import AsyncIterator

from ..conversation import StepPart, StepRequest
from ..errors import StreamError
from .base import Interpreter


class UnavailableInterpreter(Interpreter):
    """Ends every run with an ``interpreter_unavailable`` error event (before any ``step-start``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def next_step(self, request: StepRequest) -> AsyncIterator[StepPart]:
        raise StreamError(
            f"the {self.name!r} interpreter is not available yet in agentspec_runtime; "
            "use interpreter='scripted' or testing={'mock_response': ...}",
            code="interpreter_unavailable",
        )
        yield  # pragma: no cover - makes this an async generator
