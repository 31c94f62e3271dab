"""The bridge to agentgate: runtime events → ``AgentTrace``, and an ``AgentAdapter``.

agentgate reasons about an ``AgentTrace`` of ``AgentStep`` s. The mapping
(documented in docs/runtime.md, "The bridge"):

===============================  ==============================================
event                            step
===============================  ==============================================
``step-start``                   ``LLM_CALL`` ``llm:<agent>``; metadata has the
                                 turn's ``input_tokens`` / ``output_tokens`` and
                                 ``agent`` (from ``data-latency-summary``)
``tool-invocation`` result       ``TOOL_CALL`` named after the tool; input = args,
                                 output = result, error = ``result["error"]``
                                 (none when ``result["rejected"]``: a decision)
storePlan / executePlan result   ``STATE_CHANGE`` ``plan:<id>`` = ``draft`` (stored) or
with a ``status``                ``executed`` / ``failed`` (dispatched), before the
                                 ``TOOL_CALL``: the stream has no event for these
executePlan result with          ``STATE_CHANGE`` ``dispatched``: output = the
``dispatched``                   normalised actions given to the dispatcher
``approval-required``            ``HUMAN_HANDOFF`` ``approval_request``: input
                                 ``{id, kind, target}``, output = payload
``approval-decision``            ``HUMAN_HANDOFF`` ``approval_decision``: input
                                 ``{id, kind, target}``, output = outcome
                                 (+ an ``ERROR`` ``unanswered_approval`` step when
                                 an ApprovalScript did not answer it)
``plan-status-change``           ``STATE_CHANGE`` ``plan:<planId>``: output = new status;
                                 ``pending_approval → draft`` after a plan's approval
                                 was rejected / revised is ``rejected`` /
                                 ``revision_requested``
``error``                        ``ERROR`` named after the error code
``text``                         ``trace.output``: consecutive text events are
                                 one message; messages are joined by newlines
``finish``                       ``trace.metadata["token_usage"]`` and ``finish_reason``
===============================  ==============================================

``tool-agent``, ``data-tool-agent`` and ``data-cost-summary`` events and
``call`` states add no steps (the routed agent's own steps and the
``call_agent`` result carry the information). In code the
mapping is :data:`TRACE_MAPPING`: one small function per event type.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import types
from contextlib import aclosing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable

from agentgate import AgentAdapter, AgentStep, AgentTrace, StepKind

from .. import events as ev
from . import loop
from .approval_script import UNANSWERED_FEEDBACK, ApprovalScript, ApprovalSession
from ..errors import StreamTimeout

if TYPE_CHECKING:
    from ..runtime import Runtime

DISPATCHED = "dispatched"
APPROVAL_REQUEST = "approval_request"
APPROVAL_DECISION = "approval_decision"
UNANSWERED_APPROVAL = "unanswered_approval"


def plan_state_key(plan_id: str) -> str:
    """The ``STATE_CHANGE`` step name holding a plan's status (``expect_state`` key)."""
    return f"plan:{plan_id}"


def _tool_error(result: Any) -> str | None:
    """The error a result reports; a declined approval (``"rejected": true``) is a decision, not an error."""
    if isinstance(result, dict) and "error" in result and result.get("rejected") is not True:
        error = result["error"]
        return error if isinstance(error, str) else str(error)
    return None


def _usage_metadata(usage: dict[str, Any]) -> dict[str, int]:
    return {"input_tokens": int(usage.get("promptTokens", 0)), "output_tokens": int(usage.get("completionTokens", 0))}


class _Trace:
    """What :func:`events_to_trace` gathers while it reads a run's events, in order."""

    def __init__(self) -> None:
        self.steps: list[AgentStep] = []
        self.llm_steps: list[AgentStep] = []
        self.tool_steps: dict[str, AgentStep] = {}  # by toolInvocationId
        self.messages: list[list[str]] = []  # consecutive text events are one message
        self.in_text = False
        self.approvals: dict[Any, tuple[Any, Any]] = {}  # approval id -> (kind, target)
        self.plan_decisions: dict[Any, Any] = {}  # plan id -> the outcome of its last approval
        self.summary: dict[str, Any] | None = None
        self.finish: Mapping[str, Any] | None = None

    def build(self, input: str, duration_ms: float | None) -> AgentTrace:
        """The trace: steps get the latency summary's timing and usage; usage and output are added up."""
        turns = (self.summary or {}).get("turns") or []
        for step, turn in zip(self.llm_steps, turns):
            step.name = f"llm:{turn.get('agent')}"
            step.duration_ms = float(turn.get("durationMs", 0.0))
            step.metadata.update(agent=turn.get("agent"), **_usage_metadata(turn.get("usage") or {}))
            if turn.get("model"):
                step.metadata["model"] = turn["model"]
        for tool in (self.summary or {}).get("tools") or []:
            step = self.tool_steps.get(str(tool.get("toolInvocationId")))
            if step is not None:
                step.duration_ms = float(tool.get("durationMs", 0.0))

        metadata: dict[str, Any] = {}
        usage: dict[str, int] | None = None
        if self.finish is not None:
            usage = _usage_metadata(self.finish.get("usage") or {})
            metadata["finish_reason"] = self.finish.get("finishReason")
            if not turns and len(self.llm_steps) == 1:
                self.llm_steps[0].metadata.update(usage)
        elif self.summary is not None:  # the run ended with an error: add up the turns it made
            usage = {"input_tokens": 0, "output_tokens": 0}
            for turn in turns:
                for key, value in _usage_metadata(turn.get("usage") or {}).items():
                    usage[key] += value
        if usage is not None:
            metadata["token_usage"] = {"input": usage["input_tokens"], "output": usage["output_tokens"]}

        if duration_ms is None:
            duration_ms = float((self.summary or {}).get("totalMs", 0.0))
        output = "\n".join("".join(message) for message in self.messages if message)
        return AgentTrace(input=input, output=output, steps=self.steps, total_duration_ms=duration_ms, metadata=metadata)


# -- one function per event type: what the event adds to the trace ----------------------


def _step_start(trace: _Trace, event: Mapping[str, Any]) -> None:
    step = AgentStep(kind=StepKind.LLM_CALL, name="llm", input={}, metadata={"turn": len(trace.llm_steps) + 1})
    trace.steps.append(step)
    trace.llm_steps.append(step)


def _text(trace: _Trace, event: Mapping[str, Any]) -> None:
    if not trace.in_text:
        trace.messages.append([])
    trace.messages[-1].append(str(event.get("text", "")))


#: what an executed plan's dispatch ends in (the stored status; the stream has no event for it)
_DISPATCH_ENDS = ("executed", "failed")


def _stored_status(tool: Any, result: Any) -> tuple[str, str] | None:
    """``(plan id, status)`` a storePlan or executePlan result shows, which no ``plan-status-change`` announced."""
    if not isinstance(result, dict):
        return None
    if tool == "storePlan" and result.get("status") == "draft" and "error" not in result:
        return str(result.get("id")), "draft"
    if tool == "executePlan" and result.get("status") in _DISPATCH_ENDS:
        return str(result.get("planId")), str(result["status"])
    return None
#: a plan that was back to draft after its approval was answered so: the language's status for it
_DECLINED = {"reject": "rejected", "revise": "revision_requested"}


def _tool_invocation(trace: _Trace, event: Mapping[str, Any]) -> None:
    if event.get("state") != "result":
        return  # the call: its result carries everything
    result = event.get("result")
    invocation = event.get("toolInvocationId")
    stored = _stored_status(event.get("toolName"), result)
    if stored is not None:  # a status the stream has no event for: its step comes before the tool's, as the change did
        plan_id, status = stored
        trace.steps.append(AgentStep(kind=StepKind.STATE_CHANGE, name=plan_state_key(plan_id), input={}, output=status))
    step = AgentStep(
        kind=StepKind.TOOL_CALL,
        name=str(event.get("toolName")),
        input=event.get("args", {}),
        output=result,
        error=_tool_error(result),
        metadata={"toolInvocationId": invocation},
    )
    trace.steps.append(step)
    trace.tool_steps[str(invocation)] = step
    if event.get("toolName") == "executePlan" and isinstance(result, dict) and DISPATCHED in result:
        trace.steps.append(
            AgentStep(
                kind=StepKind.STATE_CHANGE,
                name=DISPATCHED,
                input={"planId": result.get("planId")},
                output=result[DISPATCHED],
                metadata={"toolInvocationId": invocation},
            )
        )


def _approval_required(trace: _Trace, event: Mapping[str, Any]) -> None:
    data = event.get("data", {})
    trace.approvals[data.get("id")] = (data.get("kind"), data.get("target"))
    trace.steps.append(
        AgentStep(
            kind=StepKind.HUMAN_HANDOFF,
            name=APPROVAL_REQUEST,
            input={"id": data.get("id"), "kind": data.get("kind"), "target": data.get("target")},
            output=data.get("payload"),
            metadata={"resourceId": data.get("resourceId"), "threadId": data.get("threadId")},
        )
    )


def _approval_decision(trace: _Trace, event: Mapping[str, Any]) -> None:
    data = event.get("data", {})
    kind, target = trace.approvals.get(data.get("id"), (None, None))
    which = {"id": data.get("id"), "kind": kind, "target": target}
    feedback = data.get("feedback")
    outcome = (data.get("outcome") or {}).get("outcome")
    if kind == "plan":
        trace.plan_decisions[target] = outcome
    trace.steps.append(
        AgentStep(kind=StepKind.HUMAN_HANDOFF, name=APPROVAL_DECISION, input=which, output=outcome, metadata={"feedback": feedback})
    )
    if feedback == UNANSWERED_FEEDBACK:
        trace.steps.append(
            AgentStep(
                kind=StepKind.ERROR,
                name=UNANSWERED_APPROVAL,
                input=dict(which),
                error=f"the scenario did not answer the approval for {kind} {target!r}; it was rejected",
            )
        )


def _plan_status_change(trace: _Trace, event: Mapping[str, Any]) -> None:
    data = event.get("data", {})
    status = data.get("to")
    if data.get("from") == "pending_approval" and status == "draft":
        status = _DECLINED.get(trace.plan_decisions.get(data.get("planId")), status)
    trace.steps.append(
        AgentStep(
            kind=StepKind.STATE_CHANGE,
            name=plan_state_key(str(data.get("planId"))),
            input={"from": data.get("from")},
            output=status,
        )
    )


def _latency_summary(trace: _Trace, event: Mapping[str, Any]) -> None:
    trace.summary = event.get("data") or {}


def _finish(trace: _Trace, event: Mapping[str, Any]) -> None:
    trace.finish = event


def _error(trace: _Trace, event: Mapping[str, Any]) -> None:
    error = event.get("error") or {}
    trace.steps.append(AgentStep(kind=StepKind.ERROR, name=str(error.get("code", "error")), error=str(error.get("message", ""))))


#: The mapping, one entry per event type (docs/runtime.md, "The bridge to agentgate").
#: ``tool-agent`` adds nothing: the routed agent's own steps and the ``call_agent``
#: result carry what it says.
TRACE_MAPPING: dict[str, Callable[[_Trace, Mapping[str, Any]], None]] = {
    ev.STEP_START: _step_start,
    ev.TEXT: _text,
    ev.TOOL_INVOCATION: _tool_invocation,
    ev.APPROVAL_REQUIRED: _approval_required,
    ev.APPROVAL_DECISION: _approval_decision,
    ev.PLAN_STATUS_CHANGE: _plan_status_change,
    ev.LATENCY_SUMMARY: _latency_summary,
    ev.FINISH: _finish,
    ev.ERROR: _error,
}


def events_to_trace(events: list[dict[str, Any]], *, input: str, duration_ms: float | None = None) -> AgentTrace:
    """Build an agentgate ``AgentTrace`` from a run's events (see the module docstring)."""
    trace = _Trace()
    for event in events:
        kind = event.get("type")
        handler = TRACE_MAPPING.get(kind)  # type: ignore[arg-type]
        if handler is not None:
            handler(trace, event)
        trace.in_text = kind == ev.TEXT
    return trace.build(input, duration_ms)


@types.coroutine
def _resumed(coroutine: Any, waiting: Any) -> Any:
    """Await the rest of ``coroutine``, whose first step (``coroutine.send(None)``) yielded ``waiting``.

    ``waiting`` (the future it waits on, or None for a bare yield) goes to the task as if ``coroutine`` had
    been awaited from the start; what the task throws in while it waits (the timeout's cancellation) is
    thrown into ``coroutine``, and from its next step on ``yield from`` delegates as ``await`` does.
    """
    while True:
        try:
            yield waiting
        except GeneratorExit:
            coroutine.close()
            raise
        except BaseException as exc:
            try:
                waiting = coroutine.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            break
    return (yield from coroutine)


class RuntimeAdapter(AgentAdapter):
    """An agentgate adapter running one runtime stream per ``run`` call.

    Each run builds a fresh runtime with ``runtime_factory`` and uses a fresh
    thread id; it sends ``prompt`` (or, if ``None``, the scenario's input) to
    ``runtime.query`` — or to ``runtime.run_specialist(agent, ...)`` when
    ``agent`` is given — answers every approval from ``approvals`` (a fresh
    :meth:`~ApprovalScript.session` per run, so decision sequences start over), and
    returns the trace with ``trace.input`` = the scenario input. A stream that
    has not finished after ``timeout_seconds`` raises :class:`StreamTimeout`,
    which agentgate reports as a failed run.

    ``script`` is the scripted interpreter's decisions (a scenario's ``run``
    block): it is sent instead of the input only when the runtime's
    interpreter is ``scripted``. Any other interpreter — a live model above
    all — gets the scenario's input (or ``prompt``), so one adapter serves a
    scenario in scripted and in live mode.
    """

    def __init__(
        self,
        runtime_factory: Callable[[], "Runtime"],
        *,
        agent: str | None = None,
        prompt: str | None = None,
        script: str | None = None,
        approvals: ApprovalScript | None = None,
        timeout_seconds: float = 60.0,
    ) -> None:
        self.runtime_factory = runtime_factory
        self.agent = agent
        self.prompt = prompt
        self.script = script
        self._approvals = approvals
        self.timeout_seconds = timeout_seconds
        self._runs = itertools.count(1)

    @property
    def approvals(self) -> ApprovalScript:
        """The decisions for this adapter's approvals (an empty script, made when first read, if none was given)."""
        if not self._approvals:  # None, or an empty script given (``approvals or ApprovalScript()``, as before)
            self._approvals = ApprovalScript()
        return self._approvals

    @approvals.setter
    def approvals(self, approvals: ApprovalScript) -> None:
        self._approvals = approvals

    def run(self, input_text: str) -> AgentTrace:
        # on the main thread, on the event loop every scenario shares (see .loop)
        return loop.run(self.arun(input_text))

    async def arun(self, input_text: str, *, timeout_seconds: float | None = None) -> AgentTrace:
        """The async form of :meth:`run`; ``timeout_seconds`` lowers the adapter's own bound for this run."""
        limit = self.timeout_seconds if timeout_seconds is None else min(self.timeout_seconds, timeout_seconds)
        runtime = self.runtime_factory()
        thread_id = f"agentgate-run-{next(self._runs)}"
        if self.script is not None and runtime.interpreter == "scripted":
            prompt = self.script
        else:
            prompt = self.prompt if self.prompt is not None else input_text
        collected: list[dict[str, Any]] = []
        started = time.perf_counter()
        deadline = asyncio.get_running_loop().time() + limit
        consume = self._consume(runtime, prompt, thread_id, collected)
        try:
            # The stream's first stretch runs here, before any timer is set: a timer can fire only while the
            # stream waits, and a scripted stream usually never does (a timer and asyncio.timeout cost ~4.5 us).
            # Once it waits, the rest runs within the same deadline, as under asyncio.timeout(limit) from the start.
            try:
                waiting = consume.send(None)
            except StopIteration:
                pass
            else:
                async with asyncio.timeout_at(deadline):
                    await _resumed(consume, waiting)
        except TimeoutError:
            last = collected[-1]["type"] if collected else "none"
            raise StreamTimeout(
                f"the runtime stream did not finish within {limit:g} s "
                f"({len(collected)} events, last: {last})"
            ) from None
        trace = events_to_trace(collected, input=input_text, duration_ms=(time.perf_counter() - started) * 1000.0)
        trace.metadata.update(thread_id=thread_id, agent=self.agent, events=collected)
        return trace

    async def _consume(self, runtime: "Runtime", prompt: str, thread_id: str, collected: list[dict[str, Any]]) -> None:
        if self.agent is None:
            stream = runtime.query(prompt, thread_id=thread_id)
        else:
            stream = runtime.run_specialist(self.agent, prompt, thread_id=thread_id)
        approvals: ApprovalSession | None = None  # each run counts its own requests (made at the first one)
        async with aclosing(stream):  # type: ignore[type-var]
            async for event in stream:
                collected.append(event)
                if event.get("type") == ev.APPROVAL_REQUIRED:
                    data = event["data"]
                    if approvals is None:
                        approvals = self.approvals.session()
                    answer = approvals.decide(data["kind"], data["target"])
                    await runtime.respond_to_approval(
                        data["id"], answer.outcome, feedback=answer.feedback, partial=answer.partial
                    )
