"""A run's trajectory, read back from its runtime events, as spec text.

``agentspec record`` needs what an agent *did* in a run — which tools it
called with which arguments, which agents it routed to and what they did in
turn, how each approval was answered — in the form a scenario's ``run``
block replays. The events say all of it (docs/runtime.md):

* a ``tool-invocation`` in state ``call`` is one call by the agent whose turn
  it is (the ``call`` event, not the result: a call whose approval was
  rejected was still made);
* the whole run is one ``tool-agent`` pair for the entry agent (id
  ``entry-<agent>``, no ``call_agent`` before it), which adds nothing;
* ``call_agent``'s ``call`` is followed by ``tool-agent`` ``call`` (the routed
  agent starts) … ``tool-agent`` ``result`` (it is done); everything between
  is the routed agent's, which becomes a nested ``call AGENT { ... }``;
* ``approval-required`` / ``approval-decision`` pairs give the answers;
* ``text`` events are what the agent whose turn it is said: consecutive ones
  are one message, a ``say`` step where it was said. The scripted
  interpreter's echo of a tool result (the result's JSON, right after it) is
  not something the model said, so it is left out.

Calls the harness refused before running them — a tool the agent does not
have, arguments that fail the tool's schema — are a model's mistakes: the
checker would reject them in a script, so they are left out and listed in
``Trajectory.dropped``. Everything here is pure (events in, text out).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Union

from agentspec.syntax.strings import encode
from agentspec_runtime.usage import json_text

CALL_AGENT = "call_agent"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# the runtime's messages for calls it refused before running them (runtime/execution.py, builtins.py)
_REFUSED = (re.compile(r"agent '.*' has no tool '"), re.compile(r"invalid arguments for "))


class TrajectoryError(ValueError):
    """The events do not describe a run that a script can replay."""


@dataclass
class ToolCall:
    tool: str
    args: dict[str, Any]
    invocation: str = ""


@dataclass
class AgentCall:
    agent: str
    steps: list["Step"] = field(default_factory=list)


@dataclass
class Say:
    """One message the agent wrote."""

    text: str


Step = Union[ToolCall, AgentCall, Say]


@dataclass(frozen=True)
class Answer:
    """How one approval was answered."""

    kind: str  # "tool" or "plan"
    target: str
    outcome: str  # approve / reject / revise
    feedback: str | None


@dataclass
class Trajectory:
    steps: list[Step] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    dropped: list[ToolCall] = field(default_factory=list)
    error: str | None = None  # the message of an ``error`` event that ended the run
    text: str = ""  # what the entry agent said, as the bridge makes the output

    @property
    def text_only(self) -> bool:
        """No tool was called: a reply that ``mock_response`` replays exactly."""
        return all(isinstance(step, Say) for step in self.steps) and not self.dropped and bool(self.text)


def _refused(result: Any) -> bool:
    if not isinstance(result, dict) or not isinstance(result.get("error"), str):
        return False
    return any(pattern.match(result["error"]) for pattern in _REFUSED)


def from_events(events: list[dict[str, Any]]) -> Trajectory:
    """Read the trajectory of one run from its events (see the module docstring)."""
    trajectory = Trajectory()
    frames: list[list[Step]] = [trajectory.steps]
    calls: dict[str, tuple[ToolCall, list[Step]]] = {}  # invocation id -> the call and its frame
    routed: list[tuple[str, AgentCall]] = []  # open call_agent invocations with a started agent
    pending: dict[str, tuple[str, str]] = {}  # approval id -> (kind, target)
    messages: list[list[str]] = []
    in_text = False
    said: Say | None = None  # the message being written
    echoes: list[tuple[Say, str, list[Step]]] = []  # messages right after a result, with its JSON
    last_result: tuple[str, list[Step]] | None = None  # JSON of the result just seen, and its frame
    for index, event in enumerate(events):
        kind = event.get("type")
        if kind == "text":
            if said is None:
                said = Say("")
                frames[-1].append(said)
                if last_result is not None and last_result[1] is frames[-1]:
                    echoes.append((said, *last_result))
            said.text += str(event.get("text", ""))
            last_result = None
            if not routed:  # the entry agent's words; a routed agent's reach it as call_agent's result
                if not in_text:
                    messages.append([])
                messages[-1].append(str(event.get("text", "")))
                in_text = True
            continue
        in_text = False
        said = None
        last_result = None
        if kind == "tool-invocation":
            invocation = str(event.get("toolInvocationId"))
            name = event.get("toolName")
            if not isinstance(name, str) or not name:
                raise TrajectoryError(f"event {index + 1}: a tool-invocation without a toolName")
            if event.get("state") == "call":
                args = event.get("args", {})
                if not isinstance(args, dict):
                    raise TrajectoryError(f"event {index + 1}: the arguments of {name} are not an object")
                call = ToolCall(name, args, invocation)
                frames[-1].append(call)
                calls[invocation] = (call, frames[-1])
            elif event.get("state") == "result" and invocation in calls:
                call, frame = calls.pop(invocation)
                last_result = (json_text(event.get("result")), frame)
                if call.tool == CALL_AGENT:
                    continue  # replaced by its AgentCall when the routed agent started; dropped below if not
                if _refused(event.get("result")):
                    frame.remove(call)
                    trajectory.dropped.append(call)
        elif kind == "tool-agent":
            invocation = str(event.get("toolInvocationId"))
            agent = event.get("agentName")
            if not routed and invocation == f"entry-{agent}":
                continue  # the entry agent's own pair, around the whole run (the runtime's id for it)
            if event.get("state") == "call":
                if invocation not in calls or calls[invocation][0].tool != CALL_AGENT or not isinstance(agent, str):
                    raise TrajectoryError(f"event {index + 1}: agent {agent!r} starts without a call_agent call")
                call, frame = calls[invocation]
                nested = AgentCall(agent)
                frame[frame.index(call)] = nested
                routed.append((invocation, nested))
                frames.append(nested.steps)
            elif event.get("state") == "result":
                if not routed or routed[-1][0] != invocation:
                    raise TrajectoryError(f"event {index + 1}: agent {agent!r} ends but was not the one running")
                routed.pop()
                frames.pop()
        elif kind == "approval-required":
            data = event.get("data") or {}
            pending[str(data.get("id"))] = (str(data.get("kind")), str(data.get("target")))
        elif kind == "approval-decision":
            data = event.get("data") or {}
            approval = pending.pop(str(data.get("id")), None)
            if approval is None:
                raise TrajectoryError(f"event {index + 1}: a decision for approval {data.get('id')!r}, which was never requested")
            outcome = (data.get("outcome") or {}).get("outcome")
            if outcome not in ("approve", "reject", "revise"):
                raise TrajectoryError(f"event {index + 1}: unknown approval outcome {outcome!r}")
            trajectory.answers.append(Answer(approval[0], approval[1], outcome, data.get("feedback")))
        elif kind == "error":
            error = event.get("error") or {}
            trajectory.error = str(error.get("message") or error.get("code") or "error")
    for message, echoed, frame in echoes:
        if message.text == echoed and message in frame:
            frame.remove(message)  # the scripted interpreter's echo of the result, not the model's words
    _drop_unstarted_routes(trajectory.steps, trajectory.dropped)
    trajectory.text = "\n".join("".join(message) for message in messages if message)
    return trajectory


def _drop_unstarted_routes(steps: list[Step], dropped: list[ToolCall]) -> None:
    """A ``call_agent`` whose agent never started was refused (unknown route, bad arguments)."""
    for step in list(steps):
        if isinstance(step, ToolCall) and step.tool == CALL_AGENT:
            steps.remove(step)
            dropped.append(step)
        elif isinstance(step, AgentCall):
            _drop_unstarted_routes(step.steps, dropped)


# ---- spec text ----------------------------------------------------------------------


def value_text(value: Any) -> str:
    """``value`` spelled as an agentspec literal (one line; ``agentspec fmt`` lays it out)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TrajectoryError(f"{value!r} has no spelling in a spec")
        text = repr(value)
        return text if "." in text or "e" in text else text + ".0"  # keep it a float
    if isinstance(value, str):
        return '"' + encode(value) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(value_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key_text(k)}: {value_text(v)}" for k, v in value.items()) + " }" if value else "{}"
    raise TrajectoryError(f"a {type(value).__name__} has no spelling in a spec")


def key_text(key: Any) -> str:
    key = str(key)
    return key if _NAME.match(key) else '"' + encode(key) + '"'


def steps_text(steps: list[Step], indent: str) -> list[str]:
    lines: list[str] = []
    for step in steps:
        if isinstance(step, AgentCall):
            lines.append(f"{indent}call {step.agent} {{")
            lines.extend(steps_text(step.steps, indent + "  "))
            lines.append(f"{indent}}}")
        elif isinstance(step, Say):
            lines.append(f'{indent}say "{encode(step.text)}"')
        else:
            if not _NAME.match(step.tool):
                raise TrajectoryError(f"the tool name {step.tool!r} cannot be written in a spec")
            args = ", ".join(f"{_arg_name(step.tool, k)}: {value_text(v)}" for k, v in step.args.items())
            lines.append(f"{indent}{step.tool}({args})")
    return lines


def _arg_name(tool: str, name: str) -> str:
    if not _NAME.match(name):
        raise TrajectoryError(f"{tool} was called with the argument {name!r}, which cannot be written in a spec")
    return name


def run_block(steps: list[Step], comments: list[str] = ()) -> str:
    """The ``run { ... }`` setting replaying ``steps``, ``comments`` first (``run {}`` when empty)."""
    if not steps and not comments:
        return "run {}"
    return "\n".join(["run {", *comments, *steps_text(steps, "  "), "}"])


def decision_text(answers: list[Answer]) -> str:
    """``on approval TARGET: D1 then D2 ...`` for one target's answers, in order."""
    first = answers[0]
    target = first.target if first.kind == "tool" else f'plan "{encode(first.target)}"'
    decisions = [a.outcome + (f' "{encode(a.feedback)}"' if a.feedback else "") for a in answers]
    return f"on approval {target}: {' then '.join(decisions)}"
