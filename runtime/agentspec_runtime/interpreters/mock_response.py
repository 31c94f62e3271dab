"""The mock-response interpreter: ``create_runtime(spec, testing={"mock_response": ...})``.

Every agent run is one model turn that answers with the mock response as a
single ``text`` event. No tools run.
"""

from __future__ import annotations

from typing import AsyncIterator

from ..conversation import EndTurn, StepPart, StepRequest, TextChunk
from .base import Interpreter


class TestingInterpreter(Interpreter):
    """Answers every prompt with ``mock_response`` (selected by ``testing=``, hence its name)."""

    __test__ = False  # not a pytest test class
    name = "testing"

    def __init__(self, mock_response: str) -> None:
        self.mock_response = mock_response

    async def next_step(self, request: StepRequest) -> AsyncIterator[StepPart]:
        yield TextChunk(self.mock_response)
        yield EndTurn()
