"""One stream's execution: tool calls, approvals, turns, usage and latency.

A :class:`Execution` lives for one top-level ``query``/``run_specialist``
stream and is shared by the nested runs of routed agents, so tool-use ids
(``scripted-tool-1``, ``-2``, …) and usage are counted across the whole stream.
:meth:`Execution.run_agent` is the agent loop at the interpreter seam: it asks
the interpreter for one step at a time (see ``conversation.py``), turns each
part into events, runs tool calls, grows the conversation, and does the
bookkeeping every interpreter shares — ``step-start``, turn timing, usage
(reported by the interpreter, else estimated; see ``usage.py``).

Tools reach the engine only through an ``Execution``'s public members (see
``tools.py``); the execution reads the runtime's shared state from its
:class:`~agentspec_runtime.engine.Engine`.

Everything here is an async generator of events, delegating with
``contextlib.aclosing`` so that a consumer who stops iterating closes every
nested generator and releases its pending approvals. ``run_agent`` drives its
steps and their tool calls itself (their bookkeeping is in :class:`_Step`), and
awaits a tool that adds no events (:meth:`Tool.quiet`) instead of iterating
it: every event passes through as few generators as possible.
"""

from __future__ import annotations

import time
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable

from . import events
from .conversation import (
    AssistantMessage,
    EndTurn,
    ModelUsage,
    StepRequest,
    TextChunk,
    ToolCall,
    ToolResult,
    UserMessage,
)
from .errors import StreamError
from .jsonable import NotJSONError, copy_value, jsonable
from .outcomes import DecisionBox, ToolOutcome, run_output
from .policy import PolicyResolver
from .references import ReferenceClient
from .specs import AgentSpec, RuntimeSpec
from .state import StoredReference
from .tool_context import ToolContext
from .tools import Tool
from .usage import AgentUsages, TurnRecord, Usage, estimate_tokens, json_text
from .validation import agent_provider

if TYPE_CHECKING:
    from .engine import Engine


class Execution:
    """State of one top-level stream (see module docstring)."""

    def __init__(self, engine: "Engine", thread_id: str) -> None:
        self.engine = engine
        self.thread_id = thread_id
        self.resource_id = engine.spec.tenant.resource_id
        self.state = engine.store.thread(self.resource_id, thread_id)
        self.usage = Usage()
        self.agent_usages = AgentUsages()
        self.turns: list[TurnRecord] = []
        self.tools: list[dict[str, Any]] = []
        self.started = time.perf_counter()
        self._tool_counter = 0
        self._open_approvals: set[str] = set()

    # -- what tools may use --------------------------------------------------

    @property
    def spec(self) -> RuntimeSpec:
        return self.engine.spec

    @property
    def policies(self) -> PolicyResolver:
        return self.engine.policies

    @property
    def action_dispatcher(self) -> Callable[..., Any] | None:
        return self.engine.action_dispatcher

    @property
    def tool_timeout(self) -> float | None:
        """Seconds a tool handler may take unless its tool says otherwise (``None``: no limit)."""
        return self.engine.tool_timeout

    def find_reference(self, kind: str, ref_id: str) -> StoredReference | None:
        """This thread's reference first, then the tenant-wide one."""
        return self.engine.store.find_reference(self.resource_id, self.thread_id, kind, ref_id)

    def reference(self, reference: Any) -> StoredReference:
        """The live reference ``{kind, id}`` this thread sees (``ValueError`` if none: unknown or expired)."""
        return self.engine.references.find(reference, from_thread=self.thread_id)

    def next_tool_id(self) -> str:
        self._tool_counter += 1
        return f"{self.engine.interpreter.tool_id_prefix}-{self._tool_counter}"

    def context(self, agent: AgentSpec, tool_use_id: str, **extra: Any) -> ToolContext:
        values = {
            "tool_use_id": tool_use_id,
            "agent": agent.name,
            "thread_id": self.thread_id,
            "resource_id": self.resource_id,
            "references": ReferenceClient(self.engine.references, self.thread_id),
            **extra,
        }
        return ToolContext(values, self.engine.services)

    # -- agent runs: the interpreter seam ------------------------------------

    async def run_agent(
        self, agent: AgentSpec, prompt: str, invocation_id: str, *, routed: bool, texts: list[str] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Run ``agent`` on ``prompt`` step by step; ``texts`` (if given) receives the run's messages.

        The run is wrapped in a ``tool-agent`` ``call`` … ``result`` pair with
        ``invocation_id`` (the stream's own agent: ``entry-<name>``; a routed
        one: its ``call_agent`` call's id); a ``routed`` agent's usage comes in a
        ``data-tool-agent`` just before its ``result``. A routed run that fails
        raises :class:`StreamError` after its ``call`` (the caller decides what
        follows). A run's output — in a stateful agent's history and in a
        ``call_agent`` result — is its text messages joined by newlines (see
        :func:`run_output`).

        The stream's own agent (``routed=False``) is the whole stream: its run
        is followed by ``finish`` and the summaries, or, if it fails, by the
        summaries and an ``error`` event; the approvals it still waits on are
        released however it ends. That is done here rather than by a generator
        around this one, through which every event would pass once more.
        """
        summaries = self.engine.interpreter.emits_summary
        if not routed:  # the stream's clock starts when it is first pulled (the Execution is made by query)
            self.started = time.perf_counter()
        try:
            yield events.tool_agent(agent.name, "call", invocation_id)
            run = AgentRun(self, agent, prompt)
            interpreter = self.engine.interpreter
            while not run.finished:
                # one model call: the interpreter's parts become events, tool calls run, usage is recorded.
                # The step and its tool calls are driven here, not by nested generators: each event would
                # otherwise pass through one more async generator on its way out.
                step = _Step(self, run)
                async with aclosing(interpreter.next_step(run.request)) as parts:
                    async for part in parts:
                        if step.turn is None:  # the step said something: a model turn began
                            yield step.begin()
                        if isinstance(part, TextChunk):
                            yield step.text(part)
                        elif isinstance(part, ToolCall):
                            step.tool_call(part)
                            tool_id = self.next_tool_id()
                            outcome = ToolOutcome()
                            # the tool works on its own copy of the args: the consumer may do what it likes with
                            # the events (which carry ``args``), but must not change a tool's input or a stored
                            # plan that way
                            own_args = copy_value(part.args)
                            yield events.tool_call(tool_id, part.name, part.args)
                            started = time.perf_counter()
                            tool = self._tool(agent, part.name, outcome)
                            if tool is None:
                                pass
                            elif tool.quiet(self, agent):
                                await tool.call(self, agent, tool_id, own_args, outcome)
                            else:
                                async with aclosing(tool.run(self, agent, tool_id, own_args, outcome)) as stream:
                                    async for event in stream:
                                        yield event
                            yield self._tool_result(tool_id, part.name, part.args, outcome, started)
                            step.tool_result(ToolResult(part, tool_id, outcome.result, not outcome.ok))
                        elif isinstance(part, ModelUsage):
                            step.reported = _merged(step.reported, part)
                        elif isinstance(part, EndTurn):
                            run.finished = True
                        else:
                            raise TypeError(
                                f"interpreter {interpreter.name!r} yielded {part!r}; "
                                "a step yields TextChunk, ToolCall, ModelUsage or EndTurn"
                            )
                step.finish()
            if texts is not None:
                texts.extend(run.texts)
            if agent.stateful:
                self.state.history.setdefault(agent.name, []).append({"prompt": prompt, "output": run_output(run.texts)})
            if routed:
                yield events.data_tool_agent(agent.name, run.model, run.usage.as_event())
            yield events.tool_agent(agent.name, "result", invocation_id)
        except Exception as exc:
            if routed:
                raise
            # the stream's own run: what went wrong is the stream's last event, not an exception
            failure = _failure(exc)
        else:
            failure = None
        finally:
            if not routed:
                self.release_all()
        if routed:
            return
        # the order follows the published runtime-events reference (events.py, docs/runtime.md "Fidelity"):
        # tool-agent call … tool-agent result, finish, then the summaries; or … error, and nothing after it
        if failure is not None:
            if summaries:  # what the run cost so far; before the error, after which nothing may follow
                yield events.cost_summary(self.cost_summary())
                yield events.latency_summary(self.latency_summary())
            yield failure
            return
        yield events.finish("stop", self.usage.as_event())
        if summaries:
            yield events.cost_summary(self.cost_summary())
            yield events.latency_summary(self.latency_summary())

    # -- tool calls ----------------------------------------------------------

    def _tool(self, agent: AgentSpec, name: str, outcome: ToolOutcome) -> Tool | None:
        """``agent``'s tool ``name``; if it has none, that is the call's error result."""
        toolbox = self.engine.toolboxes[agent.name]
        tool = toolbox.get(name)
        if tool is None:
            available = ", ".join(toolbox) or "none"
            outcome.fail(f"agent {agent.name!r} has no tool {name!r} (its tools: {available})")
        return tool

    def _tool_result(
        self, tool_id: str, name: str, args: dict[str, Any], outcome: ToolOutcome, started: float
    ) -> dict[str, Any]:
        """The call's ``tool-invocation`` ``result`` event, once its result is checked and its timing kept."""
        try:
            result = jsonable(outcome.result)
        except NotJSONError as exc:
            outcome.fail(f"tool {name!r} returned a value that is not JSON-serialisable: {exc}")
            result = outcome.result
        outcome.result = result
        self.tools.append(
            {
                "toolInvocationId": tool_id,
                "toolName": name,
                "durationMs": _ms_since(started),
                "status": "completed" if outcome.ok else "error",
            }
        )
        return events.tool_result(tool_id, name, args, result)

    # -- approvals -------------------------------------------------------------

    async def request_approval(
        self, kind: str, target: str, payload: Any, box: DecisionBox, then: dict[str, Any] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Emit ``approval-required`` (and ``then``, if given), wait for ``respond_to_approval``, emit the decision."""
        pending = self.engine.approvals.open(kind, target, (self.resource_id, self.thread_id))
        self._open_approvals.add(pending.id)
        try:
            yield events.approval_required(pending.id, kind, target, payload, self.resource_id, self.thread_id)
            if then is not None:
                yield then
            decision = await pending.future
        finally:
            self._open_approvals.discard(pending.id)
            self.engine.approvals.close(pending.id)
        box.decision = decision
        yield events.approval_decision(pending.id, decision.outcome, decision.feedback, decision.partial)

    def release_all(self) -> None:
        """Forget approvals this stream still waits on (it was closed or failed)."""
        for approval_id in list(self._open_approvals):
            self.engine.approvals.close(approval_id)
        self._open_approvals.clear()

    # -- summary ---------------------------------------------------------------

    def cost_summary(self) -> dict[str, Any]:
        """``data-cost-summary``: usage per agent, and the totals."""
        return self.agent_usages.as_event()

    def latency_summary(self) -> dict[str, Any]:
        """``data-latency-summary``: the published keys (whole ms), then ours (turns and tools, to the µs)."""
        total = _ms_since(self.started)
        llm_ms = sum(turn.duration_ms for turn in self.turns)
        tool_ms = agent_ms = 0  # summed in the order sum() would: ints 0 + floats give the same floats
        for tool in self.tools:
            if tool["toolName"] == "call_agent":
                agent_ms += tool["durationMs"]
            else:
                tool_ms += tool["durationMs"]
        return {
            "totalDurationMs": round(total),
            "phases": {
                "llmTimeMs": round(llm_ms),
                "toolTimeMs": round(tool_ms),
                "subAgentTimeMs": round(agent_ms),
                "llmCalls": len(self.turns),
            },
            "toolTimings": [
                {
                    "toolName": tool["toolName"],
                    "toolCallId": tool["toolInvocationId"],
                    "durationMs": round(tool["durationMs"]),
                    "status": tool["status"],
                }
                for tool in self.tools
            ],
            "retryCount": 0,
            "hadTimeout": False,
            "totalMs": total,
            "turns": [turn.as_event() for turn in self.turns],
            "tools": [{key: tool[key] for key in ("toolInvocationId", "toolName", "durationMs")} for tool in self.tools],
        }


class AgentRun:
    """The engine's bookkeeping for one agent's run: the conversation and what it has said."""

    def __init__(self, execution: Execution, agent: AgentSpec, prompt: str) -> None:
        self.agent = agent
        spec = execution.spec
        provider_name = agent_provider(agent)
        self.request = StepRequest(
            agent=agent,
            provider=spec.providers.get(provider_name) if provider_name else None,
            system=agent.system_prompt,
            messages=[UserMessage(prompt)],
            tools=execution.engine.tool_definitions[agent.name],
        )
        #: the estimate of what the model has seen: system prompt, prompt, every tool result so far
        self.context_tokens = estimate_tokens(agent.system_prompt) + estimate_tokens(prompt)
        #: the run's text messages (consecutive text chunks of a step are one message)
        self.texts: list[str] = []
        #: this run's own model turns (not its routed agents'), and the model that reported them
        self.usage = Usage()
        self.model = agent.model_id
        self.finished = False


#: a step's usage before the interpreter reports any (frozen: ``_merged`` makes a new one for each report)
_NOTHING_REPORTED = ModelUsage()


class _Step:
    """The bookkeeping of one model call (``run_agent`` drives it): its turn, token counts and transcript."""

    def __init__(self, execution: Execution, run: AgentRun) -> None:
        self.execution = execution
        self.run = run
        self.started = time.perf_counter()
        self.prompt_tokens = run.context_tokens  # what the model has seen when the step starts
        self.completion_tokens = 0
        self.reported = _NOTHING_REPORTED
        self.turn: TurnRecord | None = None
        self.transcript = _Transcript(run)
        self.made_calls = False

    def begin(self) -> dict[str, Any]:
        """The turn starts (the step said something): its ``step-start`` event."""
        run = self.run
        self.turn = TurnRecord(run.agent.name, run.agent.model_id)
        self.execution.turns.append(self.turn)  # now, so turns keep step-start order when agents nest
        self.execution.agent_usages.add(run.agent.name, run.model, Usage())  # agents, too, in step-start order
        return events.step_start()

    def text(self, part: TextChunk) -> dict[str, Any]:
        if not isinstance(part.text, str):
            raise TypeError(f"TextChunk.text must be a str, got {type(part.text).__name__}")
        self.transcript.said(part)
        self.completion_tokens += estimate_tokens(part.text)
        return events.text(part.text)

    def tool_call(self, part: ToolCall) -> None:
        self.transcript.said(part)
        self.completion_tokens += estimate_tokens(json_text({"tool": part.name, "args": part.args}))

    def tool_result(self, result: ToolResult) -> None:
        self.transcript.result(result)
        self.made_calls = True

    def finish(self) -> None:
        """Usage (reported, else estimated) and timing of the turn; whether the run goes on."""
        run = self.run
        turn = self.turn
        if turn is None:  # a step that says nothing is no model turn, and the run is over
            run.finished = True
            return
        reported = self.reported
        usage = Usage(
            self.prompt_tokens if reported.input_tokens is None else reported.input_tokens,
            self.completion_tokens if reported.output_tokens is None else reported.output_tokens,
        )
        self.execution.usage.add(usage)
        run.usage.add(usage)
        if reported.model:
            run.model = reported.model
        self.execution.agent_usages.add(run.agent.name, run.model, usage)
        duration = _ms_since(self.started) if reported.latency_ms is None else round(reported.latency_ms, 3)
        turn.finish(usage, duration, reported.model)
        if not self.made_calls:
            run.finished = True
        run.request.step += 1


class _Transcript:
    """Where one step's parts go: the conversation (for the next step) and the run's output.

    A step's tool calls share one assistant message, which their results
    follow; only text after a result starts a new message. Consecutive text
    chunks are one message of the run's output (as in the trace).
    """

    def __init__(self, run: AgentRun) -> None:
        self.run = run
        self.message: AssistantMessage | None = None
        self.after_result = False
        self.in_text = False

    def said(self, part: TextChunk | ToolCall) -> None:
        if self.message is None or (self.after_result and isinstance(part, TextChunk)):
            self.message = AssistantMessage()
            self.run.request.messages.append(self.message)
            self.after_result = False
        self.message.add(part)
        if isinstance(part, TextChunk):
            if not self.in_text:
                self.run.texts.append("")
            self.run.texts[-1] += part.text
        self.in_text = isinstance(part, TextChunk)

    def result(self, result: ToolResult) -> None:
        self.run.request.messages.append(result)
        self.run.context_tokens += estimate_tokens(result.json)
        self.after_result = True


def _failure(exc: Exception) -> dict[str, Any]:
    """The ``error`` event ending a stream whose run raised ``exc``: a bug becomes an event, not a traceback."""
    if isinstance(exc, StreamError):
        return events.error(exc.message, exc.code)
    return events.error(f"internal error: {type(exc).__name__}: {exc}", "internal_error")


def _merged(reported: ModelUsage, part: ModelUsage) -> ModelUsage:
    """Usage reported so far, with the fields ``part`` sets replacing them."""
    return ModelUsage(
        part.model or reported.model,
        reported.input_tokens if part.input_tokens is None else part.input_tokens,
        reported.output_tokens if part.output_tokens is None else part.output_tokens,
        reported.latency_ms if part.latency_ms is None else part.latency_ms,
    )


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 3)
