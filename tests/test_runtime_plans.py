"""Plans and references: storePlan, executePlan, the dispatcher, thread scoping."""

from __future__ import annotations

from typing import Any

import pytest

from agentspec_runtime import create_runtime
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
)


def planner(runtime: Any, *calls: dict[str, Any], thread: str = "t") -> list[dict[str, Any]]:
    return run(collect(runtime.run_specialist("planner", script(*calls), thread_id=thread)))


def executor(runtime: Any, plan_id: str = "p1", thread: str = "t", decide: str = "approve") -> list[dict[str, Any]]:
    prompt = script(tool_call("executePlan", {"planId": plan_id}))
    return run(collect(runtime.run_specialist("executor", prompt, thread_id=thread), runtime, lambda data: decide))


# -- storePlan -----------------------------------------------------------------------------


def test_store_plan_returns_the_draft_plan_record_and_emits_no_status_change() -> None:
    runtime = inventory_runtime(Recorder())
    events = planner(runtime, store_plan_call("p1"))
    # the published record: normalised actions as head + tail, the body's other fields as context
    assert results(events) == [
        {
            "id": "p1",
            "owner": "acme",
            "actions": {"head": {"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}, "references": []}, "tail": []},
            "status": "draft",
            "description": None,
            "context": {"rationale": "low stock"},
            "approvedBy": None,
            "outcome": None,
            "specName": "InventoryPlan",
        }
    ]
    assert "plan-status-change" not in [e["type"] for e in events]  # a stored draft is no transition
    assert runtime.snapshot("t")["plans"]["p1"]["status"] == "draft"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"specName": "InventoryPlan", "planId": "p1"}, "invalid arguments for storePlan: $: missing required key 'body'"),
        ({"specName": "Other", "planId": "p1", "body": {}}, "unknown plan spec 'Other' (plans: InventoryPlan)"),
        (
            {"specName": "InventoryPlan", "planId": "p1", "body": {"rationale": 1, "actions": []}},
            "plan body does not match plan 'InventoryPlan': $.rationale: expected string, got integer",
        ),
        (
            {"specName": "InventoryPlan", "planId": "p1", "body": {"rationale": "r", "actions": [{"kind": "sell"}]}},
            "plan body does not match plan 'InventoryPlan': $.actions[0].kind: expected one of ['reorder', 'hold']",
        ),
    ],
)
def test_store_plan_errors_are_tool_results(args: dict[str, Any], message: str) -> None:
    runtime = inventory_runtime(Recorder())
    (result,) = results(planner(runtime, tool_call("storePlan", args)))
    assert result["error"].startswith(message)
    assert runtime.snapshot("t")["plans"] == {}


def test_a_plan_can_be_replaced_until_it_is_executed() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    planner(runtime, store_plan_call("p1"), store_plan_call("p1", actions=[]))
    assert runtime.snapshot("t")["plans"]["p1"]["body"]["actions"] == []
    executor(runtime)
    (result,) = results(planner(runtime, store_plan_call("p1")))
    assert result == {"error": "plan 'p1' is executed and cannot be replaced"}


def test_the_revision_loop_revise_restore_approve() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    planner(runtime, store_plan_call("p1"))
    revised = executor(runtime, decide="revise")
    assert results(revised) == [{"rejected": True, "should_revise": True, "plan_id": "p1", "partial": None}]
    assert [(e["data"]["from"], e["data"]["to"]) for e in revised if e["type"] == "plan-status-change"] == [
        ("draft", "pending_approval"), ("pending_approval", "draft")
    ]
    planner(runtime, store_plan_call("p1", actions=[{"kind": "hold", "sku": "SKU-1"}]))
    assert results(executor(runtime))[0]["status"] == "executed"
    (dispatch,) = recorder.dispatches()
    assert dispatch[1] == [{"kind": "hold", "payload": {"sku": "SKU-1"}, "references": []}]


# -- executePlan ----------------------------------------------------------------------------


def test_execute_plan_errors_are_tool_results() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    assert results(executor(runtime, "nope")) == [
        {"error": "no plan 'nope' in this thread; store it with storePlan first", "planId": "nope"}
    ]
    planner(runtime, store_plan_call("p1"))
    assert results(executor(runtime))[0]["status"] == "executed"
    assert results(executor(runtime)) == [
        {"error": "plan 'p1' is executed; only a draft plan can be executed", "planId": "p1"}
    ]
    assert len(recorder.dispatches()) == 1


def test_a_rejected_plan_is_a_draft_again_and_may_be_executed_later() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    planner(runtime, store_plan_call("p1"))
    rejected = executor(runtime, decide="reject")
    assert results(rejected) == [
        {"error": "Plan p1 rejected: Plan rejected", "planId": "p1", "rejected": True, "feedback": None}
    ]
    assert runtime.snapshot("t")["plans"]["p1"]["status"] == "draft"
    assert recorder.dispatches() == []
    again = executor(runtime)
    assert "approval-required" in [e["type"] for e in again]  # the gate opens again
    assert results(again)[0]["status"] == "executed" and len(recorder.dispatches()) == 1


def test_execute_plan_without_a_dispatcher_says_so_before_asking_for_approval() -> None:
    runtime = create_runtime(inventory_spec(Recorder()), interpreter="scripted")
    planner(runtime, store_plan_call("p1"))
    events = executor(runtime)
    assert "approval-required" not in [e["type"] for e in events]
    assert "action_dispatcher" in results(events)[0]["error"]


def test_a_dispatcher_that_raises_fails_the_plan() -> None:
    def dispatcher(actions: Any, context: Any) -> Any:
        raise ConnectionError("warehouse offline")

    runtime = inventory_runtime(Recorder(), action_dispatcher=dispatcher)
    planner(runtime, store_plan_call("p1"))
    (result,) = results(executor(runtime))
    assert result["error"] == "action_dispatcher dispatcher raised ConnectionError: warehouse offline"
    assert result["dispatched"] == [{"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}, "references": []}]
    assert runtime.snapshot("t")["plans"]["p1"]["status"] == "failed"


def test_the_dispatcher_gets_copies_so_events_show_what_was_dispatched() -> None:
    def dispatcher(actions: list[dict[str, Any]], context: Any) -> dict[str, Any]:
        actions[0]["payload"]["quantity"] = 999
        return {"entitiesAffected": 1, "details": {"po": "PO-1"}}

    runtime = inventory_runtime(Recorder(), action_dispatcher=dispatcher)
    planner(runtime, store_plan_call("p1"))
    (result,) = results(executor(runtime))
    assert result["dispatched"][0]["payload"]["quantity"] == 5
    # the published result: the envelope, its details gaining the resolved actions
    assert result["details"] == {"po": "PO-1", "resolvedActions": [{"type": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}}]}
    assert result["resolvedActions"] == result["details"]["resolvedActions"]


def test_an_action_that_is_not_an_object_with_a_kind_is_an_error() -> None:
    loose = INVENTORY_PLAN.model_copy(update={"schema_": {"type": "object"}, "schema_model": None})
    spec = inventory_spec(Recorder())
    spec = spec.model_copy(
        update={
            "plans": [loose],
            "agents": [a.model_copy(update={"plan": None}) if a.plan else a for a in spec.agents],
        }
    )
    runtime = create_runtime(spec, interpreter="scripted", action_dispatcher=lambda a, c: None)
    planner(runtime, tool_call("storePlan", {"specName": "InventoryPlan", "planId": "p1", "body": {"actions": [{"sku": "A"}]}}))
    (result,) = results(executor(runtime))
    assert result["error"].startswith("plan action 0 must be an object with a string 'kind'")


# -- references ------------------------------------------------------------------------------


def with_reference(ref_id: str) -> dict[str, Any]:
    return store_plan_call("p1", actions=[{"kind": "reorder", "sku": "A", "references": [{"kind": "supplier", "id": ref_id}]}])


def test_references_are_resolved_for_the_dispatcher() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    ref = run(runtime.create_reference("supplier", {"name": "Acme Parts"}))
    planner(runtime, with_reference(ref["id"]))
    executor(runtime)
    (dispatch,) = recorder.dispatches()
    assert dispatch[2] == {"resolved_refs": {"supplier": {"supplier-1": {"name": "Acme Parts"}}}}


def test_an_unknown_reference_is_an_error_before_any_approval() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    planner(runtime, with_reference("supplier-9"))
    events = executor(runtime)
    assert "approval-required" not in [e["type"] for e in events]
    assert results(events)[0]["error"].startswith("unknown reference supplier/supplier-9")


def test_thread_references_are_private_and_tenant_references_are_shared() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    private = run(runtime.create_reference("supplier", {"name": "Mine"}, thread_id="a"))
    planner(runtime, with_reference(private["id"]), thread="b")
    assert "unknown reference" in results(executor(runtime, thread="b"))[0]["error"]
    planner(runtime, with_reference(private["id"]), thread="a")
    assert results(executor(runtime, thread="a"))[0]["status"] == "executed"


def test_an_expired_reference_is_an_error() -> None:
    recorder = Recorder()
    spec = inventory_spec(recorder)
    short_lived = spec.references[0].model_copy(update={"ttl_ms": 1})
    runtime = create_runtime(
        spec.model_copy(update={"references": [short_lived]}), interpreter="scripted", action_dispatcher=lambda a, c: None
    )

    ref = run(runtime.create_reference(short_lived, {"name": "Acme"}))
    # age it by a second instead of sleeping past the ttl: no dependence on the clock or the machine
    stored = runtime._engine.store.find_reference("acme", "t", "supplier", ref["id"])
    assert stored is not None
    stored.created_at -= 1.0
    planner(runtime, with_reference(ref["id"]))
    assert results(executor(runtime))[0]["error"] == "reference supplier/supplier-1 expired (ttl 1 ms)"


def test_create_reference_validates_kind_and_payload() -> None:
    runtime = inventory_runtime(Recorder())
    with pytest.raises(ValueError, match="unknown reference kind 'customer' \\(declared: supplier\\)"):
        run(runtime.create_reference("customer", {}))
    with pytest.raises(ValueError, match="payload does not match reference 'supplier': \\$.name: expected string"):
        run(runtime.create_reference("supplier", {"name": 3}))
    with pytest.raises(ValueError, match="not JSON"):
        run(runtime.create_reference("supplier", {"name": object()}))
    ids = [run(runtime.create_reference("supplier", {"name": n}))["id"] for n in ("a", "b")]
    assert ids == ["supplier-1", "supplier-2"]


def test_plans_are_private_to_their_thread() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    planner(runtime, store_plan_call("p1"), thread="a")
    assert "no plan 'p1' in this thread" in results(executor(runtime, thread="b"))[0]["error"]
    assert recorder.dispatches() == []


def test_the_stored_plan_is_not_the_body_the_events_carry() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)

    async def main() -> None:
        async for event in runtime.run_specialist("planner", script(store_plan_call("p1")), thread_id="t"):
            if event["type"] == "tool-invocation":
                event["args"]["body"]["actions"].clear()  # a consumer editing what it was shown

    run(main())
    assert "finish" in [e["type"] for e in executor(runtime)]
    (_, actions, _) = recorder.dispatches()[0]
    assert actions == [{"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}, "references": []}]


def test_closing_a_stream_paused_on_a_plan_approval_leaves_the_plan_a_draft() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    planner(runtime, store_plan_call("p1"))

    async def abandon() -> None:
        prompt = script(tool_call("executePlan", {"planId": "p1"}))
        stream = runtime.run_specialist("executor", prompt, thread_id="t")
        async for event in stream:
            if event["type"] == "approval-required":
                break
        await stream.aclose()  # type: ignore[attr-defined]

    run(abandon())
    assert runtime.snapshot("t")["plans"]["p1"]["status"] == "draft"
    assert recorder.dispatches() == []
    assert results(executor(runtime))[0]["status"] == "executed"
    assert len(recorder.dispatches()) == 1


def test_editing_an_approval_payload_does_not_edit_the_plan() -> None:
    recorder = Recorder()
    runtime = inventory_runtime(recorder)
    planner(runtime, store_plan_call("p1"))

    def edit_then_approve(data: dict[str, Any]) -> str:
        data["payload"]["actions"]["head"]["payload"].clear()
        data["payload"]["context"].clear()
        return "approve"

    prompt = script(tool_call("executePlan", {"planId": "p1"}))
    run(collect(runtime.run_specialist("executor", prompt, thread_id="t"), runtime, edit_then_approve))
    (_, actions, _) = recorder.dispatches()[0]
    assert actions == [{"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}, "references": []}]
    assert runtime.snapshot("t")["plans"]["p1"]["body"]["rationale"] == "low stock"
