"""The testing interpreter: ``create_runtime(spec, testing={"mock_response": ...})``.

Every agent run is one model turn that answers with the mock response as a
single ``text`` event. No tools run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator

from ..events import text
from ..usage import estimate_tokens
from .base import Interpreter

if TYPE_CHECKING:
    from ..execution import AgentRun


class TestingInterpreter(Interpreter):
    """Answers every prompt with ``mock_response``."""

    __test__ = False  # not a pytest test class
    name = "testing"

    def __init__(self, mock_response: str) -> None:
        self.mock_response = mock_response

    async def run(self, run: "AgentRun") -> AsyncIterator[dict[str, Any]]:
        yield run.start_turn()
        yield text(self.mock_response)
        run.end_turn(estimate_tokens(self.mock_response))
