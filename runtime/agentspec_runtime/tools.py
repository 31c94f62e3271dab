"""Tools as the engine runs them: one interface for user tools and built-ins alike.

A :class:`Tool` has a name, a :class:`ToolDefinition` (what a model is shown)
and ``run``, an async generator of the events its call adds between the
``tool-invocation`` ``call`` and ``result`` events (approvals, plan status,
a routed agent's run). A tool that knows a call will add none (a user tool
needing no approval) says so with ``quiet``, and the engine awaits its
``call`` instead: the same work without an async generator to drive. It
reports its result in the :class:`ToolOutcome` it is given — an error result
is ``{"error": message, ...}`` — and never raises for a mistake the model made. The engine does the rest of a call: the events
around it, the tool-use id, the JSON check of the result, its timing.

A tool reaches the engine only through the :class:`Execution` it is given:
``context``, ``request_approval``, ``run_agent``, ``state``, ``spec``,
``policies``, ``tool_timeout``, ``action_dispatcher`` and ``find_reference``.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, AsyncIterator

from pydantic import BaseModel

from .conversation import ToolDefinition
from .errors import ToolFailure
from .handlers import HandlerTimeout, call_handler, immediate_twin
from .jsonable import copy_value
from .outcomes import DecisionBox, ToolOutcome
from .policy import PolicyError
from .specs import AgentSpec, RuntimeSpec, ToolSpec

if TYPE_CHECKING:
    from .execution import Execution


class Tool(ABC):
    """Something an agent can call (see the module docstring)."""

    name: str

    @abstractmethod
    def definition(self, spec: RuntimeSpec, agent: AgentSpec) -> ToolDefinition:
        """The tool as ``agent`` is shown it."""

    @abstractmethod
    def run(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> AsyncIterator[dict[str, Any]]:
        """Run one call (an async generator of events); the result goes into ``outcome``."""

    def quiet(self, execution: "Execution", agent: AgentSpec) -> bool:
        """Whether a call by ``agent`` adds no events (then the engine awaits :meth:`call`, not ``run``)."""
        return False

    async def call(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> None:
        """Run one call that :meth:`quiet` said adds no events; the result goes into ``outcome``."""
        raise NotImplementedError(f"tool {self.name!r} has no quiet call")


class UserTool(Tool):
    """A tool defined with ``define_tool``: schema check, approval policy, then its handler."""

    def __init__(self, spec: ToolSpec) -> None:
        self.spec = spec
        self.name = spec.name

    def definition(self, spec: RuntimeSpec, agent: AgentSpec) -> ToolDefinition:
        return ToolDefinition(self.spec.name, self.spec.description, self.spec.input_schema)

    def quiet(self, execution: "Execution", agent: AgentSpec) -> bool:
        # no approval to ask for: the call is the schema check and the handler, no events
        return execution.policies.for_tool(agent, self.spec) == "never"

    async def call(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> None:
        value, errors = self.spec.validator.validate(args)
        if errors:
            outcome.fail(f"invalid arguments for tool {self.spec.name!r}: {'; '.join(errors)}")
            return
        await self._handle(execution, agent, tool_id, value, outcome)

    async def run(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> AsyncIterator[dict[str, Any]]:
        tool = self.spec
        value, errors = tool.validator.validate(args)
        if errors:
            outcome.fail(f"invalid arguments for tool {tool.name!r}: {'; '.join(errors)}")
            return
        policy = execution.policies.for_tool(agent, tool)
        if policy != "never":
            ctx = execution.context(agent, tool_id, target=tool.name, kind="tool")
            try:
                needed = await execution.policies.requires_approval(policy, own_copy(value), ctx, _timeout(execution, tool))
            except PolicyError as exc:
                outcome.fail(f"{exc}; tool {tool.name!r} was not run")
                return
            if needed:
                box = DecisionBox()
                async with aclosing(execution.request_approval("tool", tool.name, own_copy(args), box)) as stream:
                    async for event in stream:
                        yield event
                decision = box.decision
                assert decision is not None
                if decision.outcome == "reject":
                    # the published rejection (an error result telling the model not to retry), and ours
                    reason = decision.feedback or "Approval rejected"
                    outcome.fail(
                        "approval_rejected", rejected=True, reason=reason, do_not_retry=True,
                        tool=tool.name, feedback=decision.feedback,
                    )
                    return
                if decision.outcome == "revise":
                    outcome.result = {"should_revise": True, "partial": decision.partial}
                    return
        await self._handle(execution, agent, tool_id, value, outcome)

    async def _handle(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, value: Any, outcome: ToolOutcome
    ) -> None:
        """The handler on the checked arguments, within its timeout; what it raises is the tool's error.

        The handler gets ``value`` itself, not a copy: ``args`` is the engine's copy for this call alone, and
        ``value`` is ``args`` or the model pydantic made of it, which only a predicate saw before (as a copy)."""
        tool = self.spec
        if tool.handler is None:
            outcome.fail(f"tool {tool.name!r} has no handler")
            return
        twin = immediate_twin(tool.handler)
        try:
            if twin is not None:  # one of the runtime's own fixtures: it reads no context, so none is made
                result = twin(value)
            else:
                result = await call_handler(
                    tool.handler, value, execution.context(agent, tool_id), _timeout(execution, tool)
                )
        except HandlerTimeout as exc:
            outcome.fail(f"tool {tool.name!r} {exc}")
        except ToolFailure as exc:
            outcome.fail(exc.message)
        except (Exception, SystemExit) as exc:  # a handler bug is the tool's error, never the stream's
            outcome.fail(f"tool {tool.name!r} raised {type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            if _being_cancelled():
                raise  # the consumer's task is being cancelled: that must go on
            outcome.fail(f"tool {tool.name!r} raised CancelledError")
        else:
            outcome.result = result


def _timeout(execution: "Execution", tool: ToolSpec) -> float | None:
    """How long the tool's handler, and its approval predicate, may each run: the tool's own
    ``timeout`` (a user who gave one meant it for everything the call runs), else the runtime's."""
    return tool.timeout if tool.timeout is not None else execution.tool_timeout


def own_copy(value: Any) -> Any:
    """Handlers and predicates get their own copy, so they cannot alter the events."""
    return value.model_copy(deep=True) if isinstance(value, BaseModel) else copy_value(value)


def _being_cancelled() -> bool:
    """Whether someone asked to cancel the running task (as opposed to a handler
    raising ``CancelledError`` of its own accord)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
