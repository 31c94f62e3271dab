"""Approval policies: the floor, agent overrides, tool policies and predicates; most specific wins."""

from __future__ import annotations

from typing import Any

import pytest

from pydantic import ValidationError

from agentspec_runtime import (
    ApprovalOverrides,
    ApprovalPolicies,
    ApprovalPolicyPatch,
    create_runtime,
    define_coordinator,
    define_executor,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing import script, tool_call
from runtime_support import (
    INVENTORY_PLAN,
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
    relaxed = inventory_runtime(recorder, coordinator_approval={"plans": "never"})
    assert relaxed.spec.approval_policies == ApprovalPolicies(plans="never", tools="never")
    assert relaxed.spec.approval_overrides.agents == {}  # it is the floor, not an override
    events = plan_run(relaxed)
    assert approvals_of(events) == []
    statuses = [(e["data"]["from"], e["data"]["to"]) for e in events if e["type"] == "plan-status-change"]
    assert statuses == [("draft", "approved")]  # no gate; dispatch itself is no event (the result says executed)
    assert results(events, "executePlan")[0]["status"] == "executed"
    assert len(recorder.dispatches()) == 1


def test_an_explicit_floor_beats_the_coordinators_approval_which_then_overrides_only_the_coordinator() -> None:
    runtime = inventory_runtime(Recorder(), coordinator_approval="never", approval_policies={"plans": "always"})
    assert runtime.spec.approval_overrides.agents == {"ops": ApprovalPolicyPatch(plans="never", tools="never")}
    assert approvals_of(plan_run(runtime)) == [("plan", "p1")]


def test_two_coordinators_giving_an_approval_are_refused() -> None:
    first = define_coordinator("a", model="gpt-4o", routes=["c"], approval={"plans": "always"})
    second = define_coordinator("b", model="gpt-4o", routes=["c"], approval={"tools": "always"})
    with pytest.raises(ValidationError, match="approval_policies"):
        define_runtime(define_tenant("acme", "v1"), agents=[first, second, define_specialist("c", model="gpt-4o")])


# -- agent overrides and tool rules: the most specific wins -----------------------------------


def test_a_tools_own_rule_beats_the_floor_and_the_agents_patch() -> None:
    # lookup's rule is "never" (the default) and order's "always": they win over both
    runtime = inventory_runtime(Recorder(), approval_policies={"tools": "always"})
    assert approvals_of(clerk_run(runtime, LOOKUP_AND_ORDER)) == [("tool", "order")]

    @define_tool("peek", {})
    async def peek(args: Any, ctx: Any) -> str:
        return "peeked"

    spec = define_runtime(
        define_tenant("acme", "v1"),
        agents=[define_specialist("clerk", model="gpt-4o", tools=[peek], approval="always")],
    )
    assert spec.approval_overrides.tools == {"clerk": {"peek": {"kind": "never"}}}
    events = clerk_run(create_runtime(spec, interpreter="scripted"), script(tool_call("peek")))
    assert approvals_of(events) == [] and results(events) == ["peeked"]


def test_an_agents_tool_approvals_beat_its_tools_own_rules() -> None:
    spec = inventory_spec(Recorder())
    clerk = spec.agent("clerk")
    strict = define_specialist(
        "clerk", model="claude-haiku-4-5", tools=clerk.tools, tool_approvals={"lookup": "always", "order": "never"}
    )
    spec = define_runtime(
        spec.tenant,
        agents=[strict if a.name == "clerk" else a for a in spec.agents],
        references=spec.references,
    )
    assert spec.approval_overrides.tools["clerk"] == {"lookup": {"kind": "always"}, "order": {"kind": "never"}}
    events = clerk_run(create_runtime(spec, interpreter="scripted"), LOOKUP_AND_ORDER)
    assert approvals_of(events) == [("tool", "lookup")]


def test_explicit_approval_overrides_replace_the_collected_ones() -> None:
    runtime = inventory_runtime(
        Recorder(),
        approval_overrides=ApprovalOverrides(
            agents={"executor": ApprovalPolicyPatch(plans="never")}, tools={"clerk": {"lookup": "always"}}
        ),
    )
    assert approvals_of(plan_run(runtime)) == []
    # order's own "always" is no longer collected into the overrides, but it is still the tool's rule
    assert approvals_of(clerk_run(runtime, LOOKUP_AND_ORDER)) == [("tool", "lookup"), ("tool", "order")]


def test_an_agents_plan_patch_decides_the_plans_it_executes() -> None:
    spec = inventory_spec(Recorder())
    lenient = define_executor("executor", model="claude-sonnet-4-6", plan=INVENTORY_PLAN, approval={"plans": "never", "tools": "default"})
    spec = define_runtime(spec.tenant, agents=[lenient if a.name == "executor" else a for a in spec.agents])
    assert spec.approval_overrides.agents == {"executor": ApprovalPolicyPatch(plans="never")}
    runtime = create_runtime(spec, interpreter="scripted", action_dispatcher=lambda actions, ctx: None)
    assert approvals_of(plan_run(runtime)) == []


def test_overrides_naming_an_unknown_agent_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"approval_overrides references unknown agent\(s\): \['ghost'\]"):
        inventory_spec(Recorder(), approval_overrides={"agents": {"ghost": {"plans": "never"}}})


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
    )
    return create_runtime(spec, interpreter="scripted", approval_predicates=predicates), seen


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


def test_a_callable_approval_is_a_dynamic_rule_with_the_tools_id() -> None:
    def large(args: dict[str, Any], ctx: Any) -> bool:
        return True

    tool = define_tool("transfer", {"amount": int}, approval=large)
    assert tool.approval == {"kind": "dynamic", "value": "transfer_approval"} and tool.approval_handler is large
    bound = define_tool("transfer", {"amount": int}, approval=large, binding_id="bank.transfer")
    assert bound.approval == {"kind": "dynamic", "value": "bank.transfer"}


def test_a_dynamic_rule_resolves_to_a_predicate_given_to_create_runtime() -> None:
    async def large(args: dict[str, Any], ctx: Any) -> bool:
        return args["amount"] > 1000

    runtime, seen = predicate_runtime({"kind": "dynamic", "value": "large_transfer"}, {"large_transfer": large})
    events = clerk_run(runtime, TRANSFERS, "reject")
    assert approvals_of(events) == [("tool", "transfer")]
    assert seen == [("ran", 50)]


def test_an_unregistered_dynamic_predicate_is_refused_by_create_runtime_not_define_tool() -> None:
    tool = define_tool("transfer", {"amount": int}, approval={"kind": "dynamic", "value": "large_transfer"})
    spec = define_runtime(define_tenant("bank", "v1"), agents=[define_specialist("clerk", model="gpt-4o", tools=[tool])])
    with pytest.raises(ValueError) as raised:
        create_runtime(spec, interpreter="scripted")
    message = str(raised.value)
    assert "dynamic approval predicate 'large_transfer' is not registered" in message and "'transfer'" in message


def test_an_approval_string_that_is_not_never_or_always_is_refused() -> None:
    with pytest.raises(ValidationError, match="approval must be 'never', 'always', or a callable"):
        define_tool("transfer", {"amount": int}, approval="large_transfer")
    with pytest.raises(ValidationError, match="approval rule must be"):
        define_specialist("clerk", model="gpt-4o", approval={"tools": "sometimes"})
    with pytest.raises(ValueError, match="approval rule must be"):
        define_specialist("clerk", model="gpt-4o", tool_approvals={"transfer": "sometimes"})


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

    runtime = inventory_runtime(
        Recorder(),
        approval_policies={"plans": {"kind": "dynamic", "value": "big_plans"}},
        approval_predicates={"big_plans": big_plans},
    )
    assert approvals_of(plan_run(runtime)) == []
    assert seen == [("p1", "plan", "p1")]
