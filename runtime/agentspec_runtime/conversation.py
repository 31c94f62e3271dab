"""The interpreter seam: what an interpreter is shown and what it may answer.

An interpreter is asked for an agent's *next step* — one model call — given
the conversation so far. This module holds the provider-neutral vocabulary of
that exchange; :class:`agentspec_runtime.interpreters.Interpreter` is the
interface itself, and the engine (``execution.py``) drives it.

Shown (a :class:`StepRequest`):

* ``system`` — the agent's system prompt;
* ``messages`` — :class:`UserMessage` (the prompt), :class:`AssistantMessage`
  (what earlier steps said: text and tool calls, in order) and
  :class:`ToolResult` (each executed call's JSON result and ``is_error``);
* ``tools`` — a :class:`ToolDefinition` (name, description, JSON schema) for
  every tool the agent may call, its role's built-ins included
  (``call_agent``, ``storePlan``, ``executePlan``);
* ``agent`` and ``provider`` — the agent's spec and its declared provider
  (model id, API key settings), for interpreters that call a real model.

Answered (yielded, in order, by the interpreter's ``next_step``):

* :class:`TextChunk` — text to stream; each becomes one ``text`` event;
* :class:`ToolCall` — a tool call; the engine runs it at once (schema check,
  approvals, handler) and appends its :class:`ToolResult` to ``messages``
  before asking the step for its next part;
* :class:`ModelUsage` — the model id and input/output tokens of this call, as
  the provider reported them; fields left ``None`` are estimated by the engine;
* :class:`EndTurn` — the agent is done: no further step is asked for.

After a step, the engine asks for another one if the step made at least one
tool call and did not yield :class:`EndTurn`; otherwise the agent's run is over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Union

from .usage import json_text

if TYPE_CHECKING:
    from .specs import AgentSpec, ProviderSpec


@dataclass(frozen=True)
class ToolDefinition:
    """A tool as a model is told about it: name, description and JSON schema of its input."""

    name: str
    description: str
    input_schema: dict[str, Any]


# -- what an interpreter yields ------------------------------------------------------


@dataclass(frozen=True)
class TextChunk:
    """Text the model streams; consecutive chunks of one step form one message."""

    text: str


@dataclass(frozen=True)
class ToolCall:
    """A call the model makes. ``id`` is the provider's id for it, if it has one."""

    name: str
    args: dict[str, Any]
    id: str | None = None


@dataclass(frozen=True)
class ModelUsage:
    """What one model call cost, as reported; ``None`` means "estimate it"."""

    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    #: how long the model call took; ``None``: the step's duration (which includes its tool calls)
    latency_ms: float | None = None


@dataclass(frozen=True)
class EndTurn:
    """The agent has finished: the engine asks for no further step (``reason`` is informative)."""

    reason: str = "end_turn"


StepPart = Union[TextChunk, ToolCall, ModelUsage, EndTurn]


# -- the conversation --------------------------------------------------------------


@dataclass(frozen=True)
class UserMessage:
    text: str
    role: ClassVar[str] = "user"


@dataclass
class AssistantMessage:
    """What the model said in a step, in order; consecutive text chunks are merged."""

    content: list[TextChunk | ToolCall] = field(default_factory=list)
    role: ClassVar[str] = "assistant"

    def add(self, part: TextChunk | ToolCall) -> None:
        last = self.content[-1] if self.content else None
        if isinstance(part, TextChunk) and isinstance(last, TextChunk):
            self.content[-1] = TextChunk(last.text + part.text)
        else:
            self.content.append(part)

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.content if isinstance(part, TextChunk))

    @property
    def tool_calls(self) -> list[ToolCall]:
        return [part for part in self.content if isinstance(part, ToolCall)]


@dataclass(frozen=True)
class ToolResult:
    """The result of an executed :class:`ToolCall` (``invocation_id`` is the events' ``toolInvocationId``)."""

    call: ToolCall
    invocation_id: str
    result: Any
    is_error: bool
    role: ClassVar[str] = "tool"

    @cached_property
    def json(self) -> str:
        """The result's canonical JSON text (``usage.json_text``), made once: the engine counts
        its tokens and the scripted interpreter echoes it."""
        return json_text(self.result)


Message = Union[UserMessage, AssistantMessage, ToolResult]


@dataclass
class StepRequest:
    """What an interpreter is asked to continue (see the module docstring).

    ``messages`` is the engine's own list: it grows while a step runs (a
    :class:`ToolResult` right after each executed :class:`ToolCall`), so an
    interpreter that needs a call's result within the same step finds it at
    ``messages[-1]``. Interpreters must not modify it.
    """

    agent: "AgentSpec"
    provider: "ProviderSpec | None"
    system: str
    messages: list[Message]
    tools: tuple[ToolDefinition, ...]
    #: 1 for the first step of this agent's run, then 2, 3, …
    step: int = 1

    @property
    def prompt(self) -> str:
        """The prompt this agent's run was given (its first user message)."""
        for message in self.messages:  # the first, in practice: a loop, not next() over a generator
            if isinstance(message, UserMessage):
                return message.text
        raise StopIteration  # as next() on no user message did

    @property
    def model(self) -> str:
        return self.agent.model_id

    def tool_calls(self) -> list[ToolCall]:
        """Every call the model has made so far in this run, in order."""
        return [call for m in self.messages if isinstance(m, AssistantMessage) for call in m.tool_calls]
