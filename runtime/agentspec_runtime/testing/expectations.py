"""Harness facts as agentgate expectations: dispatched actions, plan status, approvals
(decided, requested, or never requested), and errors that occurred.

They read only the ``AgentTrace`` — the ``STATE_CHANGE`` and ``HUMAN_HANDOFF``
steps the bridge makes — so they work on any trace built by
:func:`agentspec_runtime.testing.bridge.events_to_trace`. A failure says what was
expected and what the trace shows.
"""

from __future__ import annotations

from typing import Any

from agentgate import AgentStep, AgentTrace, Expectation, ExpectationResult, StepKind

from .bridge import APPROVAL_DECISION, APPROVAL_REQUEST, DISPATCHED, plan_state_key


def _dispatched(trace: AgentTrace) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    for step in trace.state_changes:
        if step.name == DISPATCHED and isinstance(step.output, list):
            actions.extend(step.output)
    return actions


def _short(actions: list[dict[str, Any]]) -> str:
    if not actions:
        return "nothing"
    return ", ".join(f"{a.get('kind')} {a.get('payload')!r}" for a in actions)


class ExpectDispatched(Expectation):
    """The actions dispatched in the run, in order; ``ExpectDispatched([])`` means none.

    Each expected action is ``{"kind": ..., "payload": {...}}``; its
    ``references`` are compared only when the expected action has them.
    """

    def __init__(self, actions: list[dict[str, Any]]) -> None:
        self.actions = [dict(action) for action in actions]

    def _matches(self, expected: dict[str, Any], actual: dict[str, Any]) -> bool:
        if expected.get("kind") != actual.get("kind") or expected.get("payload", {}) != actual.get("payload"):
            return False
        return "references" not in expected or expected["references"] == actual.get("references")

    def check(self, trace: AgentTrace) -> ExpectationResult:
        description = f"expect_dispatched({_short(self.actions)})"
        actual = _dispatched(trace)
        if len(actual) == len(self.actions) and all(map(self._matches, self.actions, actual)):
            return ExpectationResult(True, description)
        return ExpectationResult(
            False,
            description,
            f"expected {len(self.actions)} dispatched action(s): {_short(self.actions)}; "
            f"the trace shows {len(actual)}: {_short(actual)}",
            trace_context=[f"{step.name}: {step.output!r}" for step in trace.state_changes if step.name == DISPATCHED]
            or ["(no actions were dispatched)"],
        )


class ExpectPlanStatus(Expectation):
    """The last status a plan reached in the run."""

    def __init__(self, plan_id: str, status: str) -> None:
        self.plan_id = plan_id
        self.status = status

    def check(self, trace: AgentTrace) -> ExpectationResult:
        description = f"expect_plan_status({self.plan_id!r}, {self.status!r})"
        key = plan_state_key(self.plan_id)
        history = [step.output for step in trace.state_changes if step.name == key]
        if history and history[-1] == self.status:
            return ExpectationResult(True, description)
        if not history:
            seen = sorted({s.name[5:] for s in trace.state_changes if s.name.startswith("plan:")})
            detail = f"plan {self.plan_id!r} never appeared in the run (plans seen: {', '.join(seen) or 'none'})"
        else:
            detail = (
                f"plan {self.plan_id!r} ended {history[-1]!r}, expected {self.status!r} "
                f"(history: {' → '.join(map(str, history))})"
            )
        return ExpectationResult(False, description, detail, trace_context=[f"{key} → {h}" for h in history])


def _decisions(trace: AgentTrace) -> list[AgentStep]:
    return [s for s in trace.steps if s.kind == StepKind.HUMAN_HANDOFF and s.name == APPROVAL_DECISION]


class ExpectApprovalDecision(Expectation):
    """An approval for ``target`` (a tool name or plan id) was decided with ``outcome``;
    with a list of outcomes, the target's decisions were exactly those, in that order
    (``["revise", "approve"]``: sent back once, then approved).

    ``target="*"`` matches any target of ``kind`` (as in ``ApprovalScript``), so
    "some plan was rejected" can be expected without naming the plan id.
    """

    def __init__(self, target: str, outcome: str | list[str], kind: str | None = None) -> None:
        self.target = target
        self.outcome = list(outcome) if isinstance(outcome, (list, tuple)) else outcome
        self.kind = kind

    def check(self, trace: AgentTrace) -> ExpectationResult:
        what = f"{self.kind} {self.target!r}" if self.kind else repr(self.target)
        description = f"expect_approval_decision({what}, {self.outcome!r})"
        decisions = _decisions(trace)
        relevant = [
            s for s in decisions
            if self.target in ("*", s.input.get("target")) and (self.kind is None or s.input.get("kind") == self.kind)
        ]
        shown = [f"{s.input.get('kind')} {s.input.get('target')!r} → {s.output}" for s in decisions]
        if isinstance(self.outcome, list):  # the whole sequence, in order
            taken = [s.output for s in relevant]
            if taken == self.outcome:
                return ExpectationResult(True, description)
            detail = (
                f"expected the approvals for {what} to be decided {' then '.join(map(repr, self.outcome))}, "
                f"but they were {' then '.join(map(repr, taken)) if taken else 'never decided'}"
            )
            return ExpectationResult(False, description, detail, trace_context=shown or ["(no approvals)"])
        if any(s.output == self.outcome for s in relevant):
            return ExpectationResult(True, description)
        if relevant:
            detail = (
                f"expected the approval for {what} to be decided {self.outcome!r}, but it was "
                f"{', '.join(repr(s.output) for s in relevant)}"
            )
        else:
            detail = (
                f"no approval for {what} was decided in the run "
                f"(decisions: {'; '.join(shown) or 'none'})"
            )
        return ExpectationResult(False, description, detail, trace_context=shown or ["(no approvals)"])


def _requests(trace: AgentTrace) -> list[AgentStep]:
    return [s for s in trace.steps if s.kind == StepKind.HUMAN_HANDOFF and s.name == APPROVAL_REQUEST]


class ExpectNoApproval(Expectation):
    """No approval was requested in the run: none at all (no arguments), or none
    for ``target`` (a tool name or plan id) of ``kind``; ``target="*"`` is any
    target of that kind, as in ``ExpectApprovalDecision``."""

    def __init__(self, target: str | None = None, kind: str | None = None) -> None:
        self.target = target
        self.kind = kind

    def check(self, trace: AgentTrace) -> ExpectationResult:
        if self.target is None:
            what, description = "any approval", "expect_no_approval()"
        else:
            what = f"{self.kind} {self.target!r}" if self.kind else repr(self.target)
            what = f"any {self.kind}" if self.target == "*" and self.kind else what
            description = f"expect_no_approval({what})"
        requests = _requests(trace)
        relevant = [
            s for s in requests
            if self.target in (None, "*", s.input.get("target")) and (self.kind is None or s.input.get("kind") == self.kind)
        ]
        if not relevant:
            return ExpectationResult(True, description)
        shown = [f"{s.input.get('kind')} {s.input.get('target')!r}" for s in relevant]
        return ExpectationResult(
            False,
            description,
            f"expected no approval request for {what}, but the run requested {len(relevant)}: {', '.join(shown)}",
            trace_context=[f"approval requested for {line}" for line in shown],
        )


def _what(target: str, kind: str | None) -> str:
    if target == "*" and kind:
        return f"any {kind}"
    return f"{kind} {target!r}" if kind else repr(target)


class ExpectApprovalRequested(Expectation):
    """An approval was requested for ``target`` (a tool name or plan id, ``"*"``: any
    target of ``kind``), whatever was decided; with ``times``, exactly that many times."""

    def __init__(self, target: str, kind: str | None = None, times: int | None = None) -> None:
        self.target = target
        self.kind = kind
        self.times = times

    def check(self, trace: AgentTrace) -> ExpectationResult:
        what = _what(self.target, self.kind)
        description = f"expect_approval_requested({what}{'' if self.times is None else f', times={self.times}'})"
        requests = _requests(trace)
        relevant = [
            s for s in requests
            if self.target in ("*", s.input.get("target")) and (self.kind is None or s.input.get("kind") == self.kind)
        ]
        if relevant if self.times is None else len(relevant) == self.times:
            return ExpectationResult(True, description)
        shown = [f"{s.input.get('kind')} {s.input.get('target')!r}" for s in requests]
        wanted = "at least once" if self.times is None else f"{self.times} time(s)"
        return ExpectationResult(
            False,
            description,
            f"expected an approval request for {what} {wanted}, but the run requested {len(relevant)} "
            f"(requests: {', '.join(shown) or 'none'})",
            trace_context=[f"approval requested for {line}" for line in shown] or ["(no approvals requested)"],
        )


def _error_code(step: AgentStep) -> str | None:
    """An error step's code: the name of an ``ERROR`` step, else a failed tool result's ``code``."""
    if step.kind == StepKind.ERROR:
        return step.name
    return step.output.get("code") if isinstance(step.output, dict) else None


class ExpectError(Expectation):
    """An error occurred in the run, matching every filter given: its message
    ``contains`` the text, it has this ``code``, it is a failed call of ``tool``.

    The errors are the ones ``expect_no_error`` counts (agentgate's
    ``trace.errors``): failed tool calls (even when the agent recovered),
    error events that ended the run, unanswered approvals.
    """

    def __init__(self, *, contains: str | None = None, code: str | None = None, tool: str | None = None) -> None:
        self.contains = contains
        self.code = code
        self.tool = tool

    def _matches(self, step: AgentStep) -> bool:
        if self.contains is not None and self.contains not in (step.error or ""):
            return False
        if self.code is not None and _error_code(step) != self.code:
            return False
        return self.tool is None or (step.kind == StepKind.TOOL_CALL and step.name == self.tool)

    def check(self, trace: AgentTrace) -> ExpectationResult:
        filters = {"contains": self.contains, "code": self.code, "tool": self.tool}
        given = ", ".join(f"{key}={value!r}" for key, value in filters.items() if value is not None)
        description = f"expect_error({given})"
        errors = trace.errors
        if any(self._matches(step) for step in errors):
            return ExpectationResult(True, description)
        shown = [
            f"{'tool ' if s.kind == StepKind.TOOL_CALL else ''}{s.name}: {s.error}"
            + (f" (code {_error_code(s)})" if s.kind == StepKind.TOOL_CALL and _error_code(s) else "")
            for s in errors
        ]
        wanted = f"an error ({given})" if given else "an error"
        seen = f"its {len(errors)} error(s) do not match: {'; '.join(shown)}" if errors else "the run had no errors"
        return ExpectationResult(
            False, description, f"expected {wanted}, but {seen}", trace_context=shown or ["(no errors)"]
        )
