"""One stream's execution: tool calls, approvals, turns, usage and latency.

A :class:`Execution` lives for one top-level ``query``/``run_specialist``
stream and is shared by the nested runs of routed agents, so tool-use ids
(``scripted-tool-1``, ``-2``, …) and usage are counted across the whole stream.
An :class:`AgentRun` is the handle an interpreter gets for one agent's run:
it starts and ends model turns and calls tools.

Everything here is an async generator of events, delegating with
``contextlib.aclosing`` so that a consumer who stops iterating closes every
nested generator and releases its pending approvals.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import time
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, AsyncIterator

from pydantic import BaseModel

from . import events
from .builtins import BUILTINS
from .context import ToolContext
from .errors import ToolFailure
from .jsonable import NotJSONError, jsonable
from .outcomes import DecisionBox, ToolOutcome, run_output
from .policy import PolicyError
from .specs import AgentSpec, ToolSpec
from .state import Decision, PendingApproval
from .usage import Usage, estimate_tokens, json_text

if TYPE_CHECKING:
    from .runtime import Runtime


class Execution:
    """State of one top-level stream (see module docstring)."""

    def __init__(self, runtime: "Runtime", thread_id: str) -> None:
        self.runtime = runtime
        self.thread_id = thread_id
        self.resource_id = runtime.spec.tenant.resource_id
        self.state = runtime._store.thread(self.resource_id, thread_id)
        self.usage = Usage()
        self.turns: list[dict[str, Any]] = []
        self.tools: list[dict[str, Any]] = []
        self.started = time.perf_counter()
        self._tool_counter = 0
        self._open_approvals: set[str] = set()

    # -- ids and context ---------------------------------------------------

    def next_tool_id(self) -> str:
        self._tool_counter += 1
        return f"{self.runtime._interpreter.tool_id_prefix}-{self._tool_counter}"

    def context(self, agent: AgentSpec, tool_use_id: str, **extra: Any) -> ToolContext:
        values = {
            "tool_use_id": tool_use_id,
            "agent": agent.name,
            "thread_id": self.thread_id,
            "resource_id": self.resource_id,
            **extra,
        }
        return ToolContext(values, self.runtime._services)

    # -- agent runs ----------------------------------------------------------

    async def run_agent(
        self, agent: AgentSpec, prompt: str, texts: list[str] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Run ``agent`` on ``prompt``; ``texts`` (if given) receives the run's text events.

        A run's output — in a stateful agent's history and in a ``call_agent``
        result — is its text events joined by newlines (see :func:`run_output`).
        """
        run = AgentRun(self, agent, prompt)
        texts = [] if texts is None else texts
        async with aclosing(self.runtime._interpreter.run(run)) as stream:
            async for event in stream:
                if event["type"] == events.TEXT:
                    texts.append(event["text"])
                yield event
        if agent.stateful:
            self.state.history.setdefault(agent.name, []).append({"prompt": prompt, "output": run_output(texts)})

    # -- tool calls ----------------------------------------------------------

    async def call_tool(
        self, agent: AgentSpec, name: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> AsyncIterator[dict[str, Any]]:
        tool_id = self.next_tool_id()
        # the tool works on its own copy of the args: the consumer may do what it likes with the
        # events (which carry ``args``), but must not change a tool's input or a stored plan that way
        own_args = copy.deepcopy(args)
        yield events.tool_call(tool_id, name, args)
        started = time.perf_counter()
        entry = self.runtime._agent_tools[agent.name].get(name)
        if entry is None:
            available = ", ".join(self.runtime._agent_tools[agent.name]) or "none"
            outcome.fail(f"agent {agent.name!r} has no tool {name!r} (its tools: {available})")
        else:
            if isinstance(entry, str):
                body = BUILTINS[entry](self, agent, tool_id, own_args, outcome)
            else:
                body = self._user_tool(agent, entry, tool_id, own_args, outcome)
            async with aclosing(body) as stream:
                async for event in stream:
                    yield event
        try:
            result = jsonable(outcome.result)
        except NotJSONError as exc:
            outcome.fail(f"tool {name!r} returned a value that is not JSON-serialisable: {exc}")
            result = outcome.result
        outcome.result = result
        self.tools.append(
            {"toolInvocationId": tool_id, "toolName": name, "durationMs": _ms_since(started)}
        )
        yield events.tool_result(tool_id, name, args, result)

    async def _user_tool(
        self, agent: AgentSpec, tool: ToolSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> AsyncIterator[dict[str, Any]]:
        value, errors = tool.schema_.validate(args)
        if errors:
            outcome.fail(f"invalid arguments for tool {tool.name!r}: {'; '.join(errors)}")
            return
        policy = self.runtime._policies.for_tool(agent, tool.approval)
        if policy != "never":
            ctx = self.context(agent, tool_id, target=tool.name, kind="tool")
            try:
                needed = await self.runtime._policies.requires_approval(policy, _copy(value), ctx)
            except PolicyError as exc:
                outcome.fail(f"{exc}; tool {tool.name!r} was not run")
                return
            if needed:
                box = DecisionBox()
                async with aclosing(self.request_approval("tool", tool.name, _copy(args), box)) as stream:
                    async for event in stream:
                        yield event
                decision = box.decision
                assert decision is not None
                if decision.outcome == "reject":
                    outcome.result = {"rejected": True, "tool": tool.name, "feedback": decision.feedback}
                    return
                if decision.outcome == "revise":
                    outcome.result = {"should_revise": True, "partial": decision.partial}
                    return
        if tool.handler is None:
            outcome.fail(f"tool {tool.name!r} has no handler")
            return
        try:
            result = tool.handler(_copy(value), self.context(agent, tool_id))
            if inspect.isawaitable(result):
                result = await result
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

    # -- approvals -------------------------------------------------------------

    async def request_approval(
        self, kind: str, target: str, payload: Any, box: DecisionBox
    ) -> AsyncIterator[dict[str, Any]]:
        """Emit ``approval-required``, wait for ``respond_to_approval``, emit the decision."""
        runtime = self.runtime
        approval_id = runtime._next_approval_id()
        future: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        pending = PendingApproval(approval_id, kind, target, (self.resource_id, self.thread_id), future)
        runtime._approvals[approval_id] = pending
        self.state.approvals[approval_id] = pending
        self._open_approvals.add(approval_id)
        try:
            yield events.approval_required(
                approval_id, kind, target, payload, self.resource_id, self.thread_id
            )
            decision = await future
        finally:
            self._release(approval_id)
        box.decision = decision
        yield events.approval_decision(approval_id, decision.outcome, decision.feedback)

    def _release(self, approval_id: str) -> None:
        self.runtime._approvals.pop(approval_id, None)
        self.state.approvals.pop(approval_id, None)
        self._open_approvals.discard(approval_id)

    def release_all(self) -> None:
        """Forget approvals this stream still waits on (it was closed or failed)."""
        for approval_id in list(self._open_approvals):
            pending = self.runtime._approvals.get(approval_id)
            if pending is not None and not pending.future.done():
                pending.future.cancel()
            self._release(approval_id)

    # -- summary ---------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        return {"totalMs": _ms_since(self.started), "turns": self.turns, "tools": self.tools}


class AgentRun:
    """What an interpreter sees of one agent's run: its spec, prompt, turns and tools."""

    def __init__(self, execution: Execution, agent: AgentSpec, prompt: str) -> None:
        self.execution = execution
        self.agent = agent
        self.prompt = prompt
        self.context_tokens = estimate_tokens(agent.system_prompt) + estimate_tokens(prompt)
        self._turn_started: float | None = None
        self._turn_prompt_tokens = 0
        self._turn_record: dict[str, Any] | None = None

    @property
    def tool_names(self) -> list[str]:
        return list(self.execution.runtime._agent_tools[self.agent.name])

    def start_turn(self) -> dict[str, Any]:
        """Begin a model turn; returns the ``step-start`` event to yield.

        The turn's record is added now, so the summary lists turns in the order
        their ``step-start`` events appear even when routed agents nest turns.
        """
        self._turn_started = time.perf_counter()
        self._turn_prompt_tokens = self.context_tokens
        self._turn_record = {"agent": self.agent.name, "durationMs": 0.0, "usage": Usage().as_event()}
        self.execution.turns.append(self._turn_record)
        return events.step_start()

    def end_turn(self, completion_tokens: int, prompt_tokens: int | None = None) -> None:
        """End the turn; prompt tokens default to what the model had seen when the turn started."""
        if self._turn_record is None:
            raise RuntimeError("end_turn() without start_turn()")
        usage = Usage(self._turn_prompt_tokens if prompt_tokens is None else prompt_tokens, completion_tokens)
        self.execution.usage.add(usage)
        self._turn_record["durationMs"] = _ms_since(self._turn_started or time.perf_counter())
        self._turn_record["usage"] = usage.as_event()
        self._turn_record = None
        self._turn_started = None

    async def call_tool(self, name: str, args: dict[str, Any], outcome: ToolOutcome) -> AsyncIterator[dict[str, Any]]:
        """Dispatch a tool call for real; its result lands in ``outcome`` and in the model's context."""
        async with aclosing(self.execution.call_tool(self.agent, name, args, outcome)) as stream:
            async for event in stream:
                yield event
        self.context_tokens += estimate_tokens(json_text(outcome.result))


def _being_cancelled() -> bool:
    """Whether someone asked to cancel the running task (as opposed to a handler
    raising ``CancelledError`` of its own accord)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _copy(value: Any) -> Any:
    """Handlers and predicates get their own copy, so they cannot alter the events."""
    return value.model_copy(deep=True) if isinstance(value, BaseModel) else copy.deepcopy(value)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 3)
