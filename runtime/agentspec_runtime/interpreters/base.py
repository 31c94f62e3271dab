"""The interface every interpreter implements.

An interpreter stands where the model would: given an :class:`AgentRun`
(the agent, its prompt, and handles to start turns and call tools) it yields
the events of that agent's run. The runtime adds what is common to all of them
— nesting of routed agents, approvals, the final ``finish``/``error`` — so an
interpreter only decides *what the model does*. This mirrors pydantic-ai's
``TestModel``/``FunctionModel``: the deterministic stand-ins sit behind the
same interface a live model will.

To end a run with an error, raise :class:`agentspec_runtime.errors.StreamError`
(or ``ScriptError``); never yield an ``error`` event yourself, because a routed
agent's failure must become its caller's tool result instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, AsyncIterator

if TYPE_CHECKING:
    from ..execution import AgentRun


class Interpreter(ABC):
    #: The name ``create_runtime(interpreter=...)`` selects it by.
    name: str = "interpreter"
    #: Tool-use ids are ``f"{tool_id_prefix}-{n}"``.
    tool_id_prefix: str = "tool"
    #: Whether the stream carries a ``data-latency-summary`` before its last event.
    emits_summary: bool = False

    @abstractmethod
    def run(self, run: "AgentRun") -> AsyncIterator[dict[str, Any]]:
        """Yield the events of one agent's run (an async generator)."""
