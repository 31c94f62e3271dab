"""The default interpreter: one empty model turn. Useful to smoke-test wiring."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator

from .base import Interpreter

if TYPE_CHECKING:
    from ..execution import AgentRun


class NoopInterpreter(Interpreter):
    """Yields a ``step-start`` and nothing else; reports zero usage."""

    name = "noop"

    async def run(self, run: "AgentRun") -> AsyncIterator[dict[str, Any]]:
        yield run.start_turn()
        run.end_turn(0, prompt_tokens=0)
