"""The built-in tools: ``call_agent``, ``storePlan``, ``getPlan`` and ``executePlan``.

Which agents have them: ``call_agent`` every agent with ``routes``;
``storePlan`` and ``getPlan`` planners; ``getPlan`` and ``executePlan``
executors; toolkits add more (``toolkits.py``).
They are :class:`~agentspec_runtime.tools.Tool` objects like any tool
(``call`` event, then ``result``), are never gated by tool approval
policies, and report every problem as an error result — the stream goes on.

Plan lifecycle, as the published harness emits it (``plan-status-change``
events; docs/runtime.md, "Fidelity")::

    storePlan                       a draft (no event; the result is the plan record)
    executePlan, approval needed    approval-required, then draft → pending_approval; after the decision:
                                      approve         pending_approval → approved
                                      reject, revise  pending_approval → draft (the plan may be executed again)
                                    (back to draft, silently, if the stream is closed while it waits)
    executePlan, no approval needed draft → approved
    dispatch                        no event: the stored plan becomes executed | failed, and the
                                    executePlan result says which

``pending_approval`` is a display status: the plan is a draft while the gate is open.
"""

from __future__ import annotations

import copy
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable

from . import events
from .action_dispatcher import DispatchError, call_dispatcher, normalize_actions, resolve_references
from .conversation import ToolDefinition
from .errors import StreamError
from .outcomes import DecisionBox, ToolOutcome, run_output
from .policy import PolicyError
from .schema import Schema
from .specs import AgentSpec, RuntimeSpec
from .state import REPLACEABLE_STATUSES, StoredPlan
from .tools import Tool

if TYPE_CHECKING:
    from .execution import Execution

CALL_AGENT_SCHEMA = Schema.of({"agent": str, "prompt": str})
STORE_PLAN_SCHEMA = Schema.of(
    {
        "type": "object",
        "properties": {"specName": {"type": "string"}, "planId": {"type": "string"}, "body": {}},
        "required": ["specName", "planId", "body"],
        "additionalProperties": False,
    }
)
EXECUTE_PLAN_SCHEMA = Schema.of({"planId": str})
GET_PLAN_SCHEMA = EXECUTE_PLAN_SCHEMA


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _invalid(outcome: ToolOutcome, tool: str, errors: list[str]) -> None:
    outcome.fail(f"invalid arguments for {tool}: {'; '.join(errors)}")


class CallAgent(Tool):
    """Run a routed agent on ``prompt``; its events are part of this stream."""

    name = "call_agent"

    def definition(self, spec: RuntimeSpec, agent: AgentSpec) -> ToolDefinition:
        schema = _object({"agent": {"type": "string", "enum": list(agent.routes)}, "prompt": {"type": "string"}})
        return ToolDefinition(self.name, "Hand a task to another agent and get its answer back.", schema)

    def run(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> AsyncIterator[dict[str, Any]]:
        return call_agent(execution, agent, tool_id, args, outcome)


async def call_agent(
    execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
) -> AsyncIterator[dict[str, Any]]:
    _, errors = CALL_AGENT_SCHEMA.validate(args)
    if errors:
        _invalid(outcome, "call_agent", errors)
        return
    target = args["agent"]
    if target not in agent.routes:
        outcome.fail(
            f"agent {agent.name!r} cannot route to {target!r} (its routes: {', '.join(agent.routes) or 'none'})"
        )
        return
    target_spec = execution.spec.agent(target)
    texts: list[str] = []
    try:
        async with aclosing(execution.run_agent(target_spec, args["prompt"], tool_id, routed=True, texts=texts)) as stream:
            async for event in stream:
                yield event
    except StreamError as exc:
        # the routed run failed: this call fails and the stream goes on; the ``tool-agent`` pair is
        # closed so that consumers can keep their agent stack (the reference emits them in pairs)
        outcome.fail(f"agent {target!r} failed: {exc.message}", code=exc.code)
        yield events.tool_agent(target, "result", tool_id)
    else:
        outcome.result = {"agent": target, "text": run_output(texts)}


class StorePlan(Tool):
    """Validate a plan body against its plan spec and store it as a draft in this thread."""

    name = "storePlan"

    def definition(self, spec: RuntimeSpec, agent: AgentSpec) -> ToolDefinition:
        # narrowed to what this planner may store, so a live model is shown the body's schema
        plans = [p for p in spec.plans if agent.plan_name in (None, p.name)]
        body: dict[str, Any] = dict(plans[0].schema_) if len(plans) == 1 else {}
        body_definitions = body.pop("$defs", None)  # local $refs point at the root: keep them there
        schema = _object(
            {"specName": {"type": "string", "enum": [p.name for p in plans]}, "planId": {"type": "string"}, "body": body}
        )
        if body_definitions is not None:
            schema["$defs"] = body_definitions
        return ToolDefinition(self.name, "Store a plan in this thread as a draft, to be executed later.", schema)

    def run(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> AsyncIterator[dict[str, Any]]:
        return store_plan(execution, agent, tool_id, args, outcome)


async def store_plan(
    execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
) -> AsyncIterator[dict[str, Any]]:
    _, errors = STORE_PLAN_SCHEMA.validate(args)
    if errors:
        _invalid(outcome, "storePlan", errors)
        return
    spec_name, plan_id, body = args["specName"], args["planId"], args["body"]
    plan_spec = execution.spec.plan(spec_name)
    if plan_spec is None:
        known = ", ".join(p.name for p in execution.spec.plans) or "none"
        outcome.fail(f"unknown plan spec {spec_name!r} (plans: {known})")
        return
    if agent.plan_name is not None and agent.plan_name != spec_name:
        outcome.fail(f"planner {agent.name!r} stores {agent.plan_name!r} plans, not {spec_name!r}")
        return
    _, errors = plan_spec.validator.validate(body)
    if errors:
        outcome.fail(f"plan body does not match plan {spec_name!r}: {'; '.join(errors)}")
        return
    plans = execution.state.plans
    existing = plans.get(plan_id)
    if existing is not None and existing.status not in REPLACEABLE_STATUSES:
        outcome.fail(f"plan {plan_id!r} is {existing.status} and cannot be replaced")
        return
    plan = StoredPlan(plan_id, spec_name, body, "draft")
    plans[plan_id] = plan
    # the published result is the stored plan record; ``specName`` is ours, kept for the trace
    outcome.result = {**plan.record(execution.resource_id), "specName": spec_name}
    return
    yield  # an async generator that emits nothing: a stored draft is no status change


def _set_status(plan: StoredPlan, status: str) -> dict[str, Any]:
    previous, plan.status = plan.status, status
    return events.plan_status_change(plan.plan_id, previous, status)


class GetPlan(Tool):
    """Read a plan stored in this thread: its kind, status and body (changes nothing)."""

    name = "getPlan"

    def definition(self, spec: RuntimeSpec, agent: AgentSpec) -> ToolDefinition:
        return ToolDefinition(
            self.name, "Read a plan stored in this thread: its record, status and actions.", _object({"planId": {"type": "string"}})
        )

    async def run(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> AsyncIterator[dict[str, Any]]:
        _, errors = GET_PLAN_SCHEMA.validate(args)
        if errors:
            _invalid(outcome, "getPlan", errors)
            return
        plan = execution.state.plans.get(args["planId"])
        if plan is None:
            outcome.fail(f"no plan {args['planId']!r} in this thread", planId=args["planId"])
            return
        outcome.result = {**plan.record(execution.resource_id), "specName": plan.spec_name}  # as storePlan answers
        return
        yield  # an async generator that emits no events of its own


class ExecutePlan(Tool):
    """Ask for approval if the policy says so, then dispatch the plan's actions once."""

    name = "executePlan"

    def definition(self, spec: RuntimeSpec, agent: AgentSpec) -> ToolDefinition:
        return ToolDefinition(
            self.name,
            "Execute a stored draft plan: ask for approval if required, then dispatch its actions.",
            _object({"planId": {"type": "string"}}),
        )

    def run(
        self, execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
    ) -> AsyncIterator[dict[str, Any]]:
        return execute_plan(execution, agent, tool_id, args, outcome)


async def execute_plan(
    execution: "Execution", agent: AgentSpec, tool_id: str, args: dict[str, Any], outcome: ToolOutcome
) -> AsyncIterator[dict[str, Any]]:
    _, errors = EXECUTE_PLAN_SCHEMA.validate(args)
    if errors:
        _invalid(outcome, "executePlan", errors)
        return
    plan_id = args["planId"]
    plan = execution.state.plans.get(plan_id)
    if plan is None:
        outcome.fail(f"no plan {plan_id!r} in this thread; store it with storePlan first", planId=plan_id)
        return
    if plan.status != "draft":
        outcome.fail(f"plan {plan_id!r} is {plan.status}; only a draft plan can be executed", planId=plan_id)
        return
    if agent.plan_name is not None and agent.plan_name != plan.spec_name:
        outcome.fail(f"executor {agent.name!r} executes {agent.plan_name!r} plans, not {plan.spec_name!r}", planId=plan_id)
        return
    if execution.action_dispatcher is None:
        outcome.fail(
            "executePlan needs an action dispatcher: create_runtime(..., action_dispatcher=...) was not given",
            planId=plan_id,
        )
        return
    try:
        actions = normalize_actions(plan.body)
        resolved = resolve_references(actions, _reference_lookup(execution))
    except DispatchError as exc:
        outcome.fail(str(exc), planId=plan_id)
        return

    # the approval payload is the plan record (a fresh copy: a consumer editing it must not edit the plan)
    payload = plan.record(execution.resource_id)
    policy = execution.policies.for_plan(agent)
    try:
        ctx = execution.context(agent, tool_id, target=plan_id, kind="plan")
        needed = await execution.policies.requires_approval(policy, payload, ctx, execution.tool_timeout)
    except PolicyError as exc:
        outcome.fail(f"{exc}; plan {plan_id!r} was not executed", planId=plan_id)
        return
    if needed:
        plan.status = "pending_approval"  # a display status: no other executePlan may open a second gate
        box = DecisionBox()
        gate_opened = events.plan_status_change(plan_id, "draft", "pending_approval")
        try:
            async with aclosing(execution.request_approval("plan", plan_id, payload, box, then=gate_opened)) as stream:
                async for event in stream:
                    yield event
        finally:
            if box.decision is None:
                # the stream was closed before anyone decided: nothing was approved, so the plan
                # is a draft again and can be executed later (no event: the stream is gone)
                plan.status = "draft"
        decision = box.decision
        assert decision is not None
        if decision.outcome in ("reject", "revise"):
            yield _set_status(plan, "draft")
            if decision.outcome == "reject":
                reason = decision.feedback or "Plan rejected"
                outcome.fail(f"Plan {plan_id} rejected: {reason}", planId=plan_id, rejected=True, feedback=decision.feedback)
            else:
                outcome.result = {"rejected": True, "should_revise": True, "plan_id": plan_id, "partial": decision.partial}
            return
        yield _set_status(plan, "approved")
    else:
        yield _set_status(plan, "approved")
    try:
        # the dispatcher gets copies: whatever it does, the events show what was dispatched
        envelope = await call_dispatcher(
            execution.action_dispatcher,
            copy.deepcopy(actions),
            {"resolved_refs": copy.deepcopy(resolved)},
            execution.tool_timeout,
        )
    except DispatchError as exc:
        plan.status = "failed"
        outcome.fail(str(exc), planId=plan_id, status="failed", dispatched=actions)
        return
    plan.status = "executed"
    outcome.result = {**_execution_result(envelope, actions), "planId": plan_id, "status": "executed", "dispatched": actions}


def _execution_result(envelope: dict[str, Any] | None, actions: list[dict[str, Any]]) -> dict[str, Any]:
    """The published executePlan result: the dispatcher's envelope, its details carrying ``resolvedActions``."""
    envelope = envelope or {}
    resolved = [{"type": action["kind"], "payload": copy.deepcopy(action["payload"])} for action in actions]
    details = envelope.get("details")
    if isinstance(details, dict):
        details = {**details, "resolvedActions": details.get("resolvedActions", resolved)}
    elif details is None:
        details = {"resolvedActions": resolved}
    else:
        details = {"result": details, "resolvedActions": resolved}
    return {
        "entitiesAffected": envelope.get("entitiesAffected", 0),
        "summary": envelope.get("summary"),
        "details": details,
        "resolvedActions": copy.deepcopy(details["resolvedActions"]),
    }


def _reference_lookup(execution: "Execution") -> Callable[[str, str], Any]:
    def lookup(kind: str, ref_id: str) -> Any:
        stored = execution.find_reference(kind, ref_id)
        if stored is None:
            raise DispatchError(f"unknown reference {kind}/{ref_id}; create it with runtime.create_reference")
        if stored.expired():
            raise DispatchError(f"reference {kind}/{ref_id} expired (ttl {stored.ttl_ms} ms)")
        return stored.payload

    return lookup


#: the built-ins of this module by name (``toolkits.py`` says which agent has which)
PLAN_AND_ROUTING_TOOLS: dict[str, type[Tool]] = {tool.name: tool for tool in (CallAgent, StorePlan, GetPlan, ExecutePlan)}
