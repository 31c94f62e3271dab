"""Run one sample on a runtime and record what an eval scores.

The sample's prompt goes to the agent under test; the event stream is read to
the end and turned into:

* ``actual_trajectory`` — every tool call in order, sub-agents included;
* ``trajectoryEvents`` — the same calls plus agent entries, each with the
  agent it ran in and its depth (the root agent is depth 1, a routed agent
  one deeper), which trajectory projection uses;
* ``plannedActions`` — the actions of the last plan stored with ``storePlan``;
* ``resolvedActions`` — the actions the last executed plan dispatched;
* the final response — the root agent's text in its last turn that had text;
* token usage and latency.

Evals bypass approvals: an ``approval-required`` event is approved at once,
as the published harness runs eval samples without stopping for people.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..action_dispatcher import DispatchError, normalize_actions

if TYPE_CHECKING:
    from ..runtime import Runtime
    from ..specs import AgentSpec


class SampleFailed(Exception):
    """The run ended with an error event or timed out; ``capture`` holds what was seen until then."""

    def __init__(self, message: str, capture: "Capture", *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.capture = capture
        self.timed_out = timed_out


@dataclass
class Capture:
    actual_trajectory: list[str] = field(default_factory=list)
    trajectory_events: list[dict[str, Any]] = field(default_factory=list)
    planned_actions: list[dict[str, Any]] = field(default_factory=list)
    resolved_actions: list[dict[str, Any]] = field(default_factory=list)
    response_text: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    duration_ms: int = 0
    error: str | None = None
    #: every tool call in order, sub-agents included: ``{"toolName", "toolCallId", "args"}``, plus
    #: ``"result"`` once it came (the steps of the sample's trace, ``traces.py``)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


def _as_actions(dispatched: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": action["kind"], "payload": action["payload"]} for action in dispatched]


class _Reader:
    """Folds a stream's events into a :class:`Capture`."""

    def __init__(self, root: "AgentSpec") -> None:
        self.capture = Capture()
        self.stack: list[tuple[str, str]] = [(root.name, "root")]  # (agent name, invocation id)
        self.seen_calls: set[str] = set()
        self.open_calls: dict[str, dict[str, Any]] = {}  # scoped call id -> its entry in capture.tool_calls
        self.plan_args: dict[str, Any] = {}
        self.turn_text: list[str] = []
        self.latency_ms: int | None = None
        self.capture.trajectory_events.append({"kind": "agent", "name": root.name, "invocationId": "root", "depth": 1})

    def read(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "tool-invocation":
            self._tool(event)
        elif kind == "tool-agent":
            self._agent(event)
        elif kind == "step-start" and len(self.stack) == 1:
            self.turn_text = []
        elif kind == "text" and len(self.stack) == 1:
            self.turn_text.append(event.get("text", ""))
            self.capture.response_text = "".join(self.turn_text)
        elif kind == "finish":
            usage = event.get("usage") or {}
            self.capture.input_tokens = int(usage.get("promptTokens", 0))
            self.capture.output_tokens = int(usage.get("completionTokens", 0))
        elif kind == "data-latency-summary":
            self.latency_ms = int((event.get("data") or {}).get("totalMs", 0))
        elif kind == "error":
            error = event.get("error") or {}
            self.capture.error = f"{error.get('code', 'error')}: {error.get('message', '')}"

    def _tool(self, event: dict[str, Any]) -> None:
        call_id, name = event.get("toolInvocationId", ""), event.get("toolName", "")
        scoped = "/".join(frame_id for _, frame_id in self.stack) + "::" + call_id
        if event.get("state") == "call":
            if scoped in self.seen_calls:
                return
            self.seen_calls.add(scoped)
            self.open_calls[scoped] = {"toolName": name, "toolCallId": call_id, "args": event.get("args")}
            self.capture.tool_calls.append(self.open_calls[scoped])
            self.capture.actual_trajectory.append(name)
            self.capture.trajectory_events.append(
                {"kind": "tool", "name": name, "agent": self.stack[-1][0], "invocationId": call_id, "depth": len(self.stack)}
            )
            if name == "storePlan":
                self.plan_args[call_id] = event.get("args")
            return
        result = event.get("result")
        if scoped in self.open_calls:
            self.open_calls.pop(scoped)["result"] = result
        if not isinstance(result, dict):
            return
        if name == "storePlan" and result.get("status") == "draft":
            args = self.plan_args.get(call_id) or {}
            try:
                self.capture.planned_actions = _as_actions(normalize_actions(args.get("body")))
            except DispatchError:
                pass  # a plan the executor could not dispatch either; nothing was planned
        elif name == "executePlan" and result.get("status") == "executed":
            self.capture.resolved_actions = _as_actions(result.get("dispatched") or [])

    def _agent(self, event: dict[str, Any]) -> None:
        invocation = event.get("toolInvocationId", "")
        if len(self.stack) == 1 and invocation == f"entry-{self.stack[0][0]}":
            return  # the pair around the whole run: its agent is the root, already on the stack
        if event.get("state") == "call":
            self.capture.trajectory_events.append(
                {
                    "kind": "agent",
                    "name": event.get("agentName", ""),
                    "agent": self.stack[-1][0],
                    "invocationId": invocation,
                    "depth": len(self.stack) + 1,
                }
            )
            self.stack.append((event.get("agentName", ""), invocation))
        elif event.get("state") == "result":
            for position in range(len(self.stack) - 1, 0, -1):
                if self.stack[position][1] == invocation:
                    del self.stack[position:]
                    break


async def run_sample(
    runtime: "Runtime", agent: "AgentSpec", prompt: str, thread_id: str, timeout_s: float | None
) -> Capture:
    """Run ``prompt`` on ``agent`` and capture it; raises :class:`SampleFailed`."""
    reader = _Reader(agent)
    started = time.perf_counter()

    async def consume() -> None:
        stream = runtime._stream(agent, prompt, thread_id)
        async with aclosing(stream):
            async for event in stream:
                reader.read(event)
                if event.get("type") == "approval-required":
                    await runtime.respond_to_approval(event["data"]["id"], "approve")

    try:
        async with asyncio.timeout(timeout_s):
            await consume()
    except TimeoutError:
        reader.capture.duration_ms = round((time.perf_counter() - started) * 1000)
        raise SampleFailed(f"sample timed out after {timeout_s} s", reader.capture, timed_out=True) from None
    capture = reader.capture
    measured = round((time.perf_counter() - started) * 1000)
    capture.duration_ms = reader.latency_ms if reader.latency_ms is not None else measured
    if capture.error is not None:
        raise SampleFailed(f"the run ended with an error event ({capture.error})", capture)
    return capture
