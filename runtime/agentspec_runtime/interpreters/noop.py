"""The default interpreter: one empty model turn. Useful to smoke-test wiring."""

from __future__ import annotations

from typing import AsyncIterator

from ..conversation import EndTurn, ModelUsage, StepPart, StepRequest
from .base import Interpreter


class NoopInterpreter(Interpreter):
    """One step that says nothing and reports zero usage (the run is ``step-start`` inside its ``tool-agent`` pair)."""

    name = "noop"

    async def next_step(self, request: StepRequest) -> AsyncIterator[StepPart]:
        yield ModelUsage(input_tokens=0, output_tokens=0)
        yield EndTurn()
