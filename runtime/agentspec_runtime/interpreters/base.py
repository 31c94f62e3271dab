"""The interface every interpreter implements: the agent's next step, nothing more.

An interpreter stands where the model would. The engine asks it for one
*step* (one model call) at a time, showing it the conversation so far — a
:class:`~agentspec_runtime.conversation.StepRequest` with the system prompt,
the messages (the prompt, earlier steps, every tool result with ``is_error``)
and the agent's tool definitions as JSON schema, built-ins included — and the
interpreter yields what the model answers::

    class Echo(Interpreter):
        name = "echo"

        async def next_step(self, request):
            yield TextChunk(request.prompt)          # streamed as a ``text`` event
            yield ModelUsage(model=request.model, input_tokens=12, output_tokens=3)
            yield EndTurn()

Parts are :class:`TextChunk` (text to stream), :class:`ToolCall` (run at once
by the engine, whose :class:`ToolResult` is then the last message),
:class:`ModelUsage` (model and tokens as reported; ``None`` fields are
estimated) and :class:`EndTurn` (no further step). The engine asks for another
step when a step made tool calls and did not end the turn.

Everything else belongs to the engine, so an interpreter never touches it:
``step-start`` (emitted when the step yields its first part, or when it ends
without any), every event, tool dispatch, approvals, routed agents, plan state,
turn timing and usage bookkeeping, the final ``finish``/``error``.

To end a run with an error, raise :class:`agentspec_runtime.errors.StreamError`
(or ``ScriptError``) from ``next_step``; a routed agent's failure becomes its
caller's tool result, a top-level one the stream's ``error`` event. Any other
exception becomes an ``internal_error``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import AsyncIterator

from ..conversation import EndTurn, ModelUsage, StepPart, StepRequest, TextChunk, ToolCall

__all__ = ["EndTurn", "Interpreter", "ModelUsage", "StepPart", "StepRequest", "TextChunk", "ToolCall"]


class Interpreter(ABC):
    #: The name ``create_runtime(interpreter=...)`` selects it by.
    name: str = "interpreter"
    #: Tool-use ids (``toolInvocationId``) are ``f"{tool_id_prefix}-{n}"``.
    tool_id_prefix: str = "tool"
    #: Whether the stream carries the summaries (``data-cost-summary``, ``data-latency-summary``):
    #: after ``finish``, or before ``error``.
    emits_summary: bool = False

    @abstractmethod
    def next_step(self, request: StepRequest) -> AsyncIterator[StepPart]:
        """Yield the parts of the model's next step (an async generator; see the module docstring)."""
