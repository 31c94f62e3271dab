"""Approval policies: the floor, agent overrides, tool policies and predicates; most specific wins."""

from __future__ import annotations

from typing import Any

import pytest

from agentspec_runtime import (
    ApprovalPolicies,
    ApprovalRule,
    create_runtime,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing import script, tool_call
from runtime_support import (
    Recorder,
    collect,
    inventory_runtime,
    inventory_spec,
    results,
    run,
    store_plan_call,
    types,
)


def approvals_of(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["data"]["kind"], e["data"]["target"]) for e in events if e["type"] == "approval-required"]


def clerk_run(runtime: Any, prompt: str, decide: Any = "approve") -> list[dict[str, Any]]:
    decider = decide if callable(decide) else (lambda data: decide)
    return run(collect(runtime.run_specialist("clerk", prompt, thread_id="t"), runtime, decider))


LOOKUP_AND_ORDER = script(tool_call("lookup", {"sku": "A"}), tool_call("order", {"sku": "A", "quantity": 2}))
PLAN_FLOW = script(
    {"tool": "call_agent", "args": {"agent": "planner", "prompt": script(store_plan_call())}},
    {"tool": "call_agent", "args": {"agent": "executor", "prompt": script(tool_call("executePlan", {"planId": "p1"}))}},
)


def plan_run(runtime: Any, decide: Any = "approve") -> list[dict[str, Any]]:
    return run(collect(runtime.query(PLAN_FLOW, thread_id="t"), runtime, lambda data: decide))


# -- the floor --------------------------------------------------------------------------


def test_by_default_tools_are_not_gated_and_plans_are() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    events = clerk_run(runtime, script(tool_call("lookup", {"sku": "A"})))
    assert approvals_of(events) == []
    assert approvals_of(plan_run(runtime)) == [("plan", "p1")]


def test_the_coordinators_approval_becomes_the_floor() -> None:
    recorder = Recorder()
    relaxed = inventory_runtime(recorder, coordinator_approval="never")
    events = plan_run(relaxed)
    assert approvals_of(events) == []
    statuses = [(e["data"]["from"], e["data"]["to"]) for e in events if e["type"] == "plan-status-change"]
    assert statuses == [("draft", "approved")]  # no gate; dispatch itself is no event (the result says executed)
    assert results(events, "executePlan")[0]["status"] == "executed"
    assert len(recorder.dispatches()) == 1

    strict = inventory_runtime(Recorder(), coordinator_approval="always")
    assert approvals_of(clerk_run(strict, LOOKUP_AND_ORDER)) == [("tool", "lookup"), ("tool", "order")]


def test_an_explicit_floor_beats_the_coordinators_approval() -> None:
    runtime = inventory_runtime(Recorder(), coordinator_approval="never", approval_policies={"plans": "always"})
    assert approvals_of(plan_run(runtime)) == [("plan", "p1")]


def test_unset_floor_fields_still_fall_back_to_the_coordinator() -> None:
    runtime = inventory_runtime(Recorder(), coordinator_approval="always", approval_policies={"plans": "never"})
    assert approvals_of(plan_run(runtime)) == []
    assert approvals_of(clerk_run(runtime, script(tool_call("lookup", {"sku": "A"})))) == [("tool", "lookup")]


# -- agent overrides and tool policies ------------------------------------------------------


def test_an_agent_override_gates_its_tools_and_a_tool_policy_beats_it() -> None:
    runtime = inventory_runtime(Recorder(), approval_policies={"agents": {"clerk": "always"}})
    assert approvals_of(clerk_run(runtime, LOOKUP_AND_ORDER)) == [("tool", "lookup"), ("tool", "order")]

    @define_tool("peek", {}, approval="never")
    async def peek(args: Any, ctx: Any) -> str:
        return "peeked"

    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[define_specialist("clerk", model="gpt-4o", tools=[peek], approval="always")],
        providers=["openai"],
    )
    events = clerk_run(create_runtime(spec, interpreter="scripted"), script(tool_call("peek")))
    assert approvals_of(events) == [] and results(events) == ["peeked"]


def test_runtime_agent_overrides_beat_the_agents_own_approval() -> None:
    spec = inventory_spec(Recorder())
    strict_clerk = spec.agent("clerk").model_copy(update={"approval": "always"})
    spec = spec.model_copy(update={"agents": [strict_clerk if a.name == "clerk" else a for a in spec.agents]})
    gated = create_runtime(spec, interpreter="scripted")
    assert approvals_of(clerk_run(gated, script(tool_call("lookup", {"sku": "A"})))) == [("tool", "lookup")]

    overridden = spec.model_copy(update={"approval_policies": ApprovalPolicies(agents={"clerk": "never"})})
    events = clerk_run(create_runtime(overridden, interpreter="scripted"), script(tool_call("lookup", {"sku": "A"})))
    assert approvals_of(events) == []


def test_an_approval_rule_sets_plans_and_tools_separately() -> None:
    runtime = inventory_runtime(
        Recorder(),
        approval_policies={"agents": {"executor": ApprovalRule(plans="never"), "clerk": {"tools": "always"}}},
    )
    assert approvals_of(plan_run(runtime)) == []
    assert approvals_of(clerk_run(runtime, script(tool_call("lookup", {"sku": "A"})))) == [("tool", "lookup")]


def test_built_in_tools_are_never_gated_by_tool_policies() -> None:
    runtime = inventory_runtime(Recorder(), approval_policies={"tools": "always", "plans": "never"})
    events = plan_run(runtime)
    assert approvals_of(events) == []
    assert results(events, "executePlan")[0]["status"] == "executed"


def test_revise_on_a_tool_returns_should_revise_and_does_not_run_it() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    events = clerk_run(
        runtime, script(tool_call("order", {"sku": "A", "quantity": 9})), lambda data: ("revise", "fewer", {"quantity": 3})
    )
    assert recorder.handlers("order") == []
    assert results(events, "order") == [{"should_revise": True, "partial": {"quantity": 3}}]


# -- predicates ---------------------------------------------------------------------------


def predicate_runtime(approval: Any, predicates: dict[str, Any] | None = None) -> tuple[Any, list[Any]]:
    seen: list[Any] = []

    @define_tool("transfer", {"amount": int}, approval=approval)
    async def transfer(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        seen.append(("ran", args["amount"]))
        return {"sent": args["amount"]}

    spec = define_runtime(
        tenant=define_tenant("bank", "v1"),
        agents=[define_specialist("clerk", model="gpt-4o", tools=[transfer])],
        providers=["openai"],
        approval_policies={"predicates": predicates or {}},
    )
    return create_runtime(spec, interpreter="scripted"), seen


TRANSFERS = script(tool_call("transfer", {"amount": 50}), tool_call("transfer", {"amount": 5000}))


def test_a_predicate_gates_only_the_calls_it_says_yes_to() -> None:
    contexts: list[dict[str, Any]] = []

    def large(args: dict[str, Any], ctx: Any) -> bool:
        contexts.append({k: ctx[k] for k in ("target", "kind", "tool_use_id", "agent")})
        return args["amount"] > 1000

    runtime, seen = predicate_runtime(large)
    events = clerk_run(runtime, TRANSFERS)

    assert approvals_of(events) == [("tool", "transfer")]
    assert next(e for e in events if e["type"] == "approval-required")["data"]["payload"] == {"amount": 5000}
    assert seen == [("ran", 50), ("ran", 5000)]
    assert contexts == [
        {"target": "transfer", "kind": "tool", "tool_use_id": "scripted-tool-1", "agent": "clerk"},
        {"target": "transfer", "kind": "tool", "tool_use_id": "scripted-tool-2", "agent": "clerk"},
    ]


def test_async_and_named_predicates() -> None:
    async def large(args: dict[str, Any], ctx: Any) -> bool:
        return args["amount"] > 1000

    runtime, seen = predicate_runtime("large_transfer", {"large_transfer": large})
    events = clerk_run(runtime, TRANSFERS, "reject")
    assert approvals_of(events) == [("tool", "transfer")]
    assert seen == [("ran", 50)]


def test_an_unregistered_predicate_name_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError) as raised:
        predicate_runtime("large_transfer")
    assert "'large_transfer'" in str(raised.value) and "tool 'transfer'" in str(raised.value)


@pytest.mark.parametrize(
    ("predicate", "message"),
    [
        (lambda args, ctx: 1 / 0, "raised ZeroDivisionError"),
        (lambda args, ctx: "yes", "must return a bool, got str"),
    ],
)
def test_a_misbehaving_predicate_fails_the_call_without_running_it(predicate: Any, message: str) -> None:
    runtime, seen = predicate_runtime(predicate)
    events = clerk_run(runtime, script(tool_call("transfer", {"amount": 1})))
    assert seen == []
    (result,) = results(events)
    assert message in result["error"] and "was not run" in result["error"]
    assert "finish" in types(events) and "error" not in types(events)


def test_a_plan_predicate_sees_the_plan_payload() -> None:
    seen: list[tuple[Any, str, str]] = []

    def big_plans(payload: dict[str, Any], ctx: Any) -> bool:
        seen.append((payload["id"], ctx["kind"], ctx["target"]))  # the payload is the plan record
        return len(payload["actions"]["tail"]) > 0

    runtime = inventory_runtime(Recorder(), approval_policies={"plans": big_plans})
    assert approvals_of(plan_run(runtime)) == []
    assert seen == [("p1", "plan", "p1")]
