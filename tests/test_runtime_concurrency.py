"""500 concurrent streams on one runtime: each with its own thread, approvals and results."""

from __future__ import annotations

import asyncio
from typing import Any

from agentspec_runtime import (
    create_runtime,
    define_coordinator,
    define_executor,
    define_planner,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing import agent_call, script, tool_call
from runtime_support import INVENTORY_PLAN, results

STREAMS = 500


def tool_decision(i: int) -> str:
    return "approve" if i % 2 == 0 else "reject"


def plan_decision(i: int) -> str:
    return ("approve", "reject", "revise")[i % 3]


def build(ran: list[tuple[str, int]], dispatched: list[tuple[str, int]]) -> Any:
    @define_tool("order", {"sku": str, "quantity": int}, approval="always")
    async def order(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        await asyncio.sleep(0)  # let other streams run in between
        ran.append((ctx.thread_id, args["quantity"]))
        return {"ordered": args["sku"], "thread": ctx.thread_id}

    async def dispatcher(actions: list[dict[str, Any]], context: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        for action in actions:
            dispatched.append((action["payload"]["sku"], action["payload"]["quantity"]))
        return {"entitiesAffected": len(actions)}

    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[
            define_coordinator("ops", model="claude-sonnet-4-6", routes=["clerk", "planner", "executor"]),
            define_specialist("clerk", model="claude-haiku-4-5", tools=[order]),
            define_planner("planner", model="claude-sonnet-4-6", plan=INVENTORY_PLAN),
            define_executor("executor", model="claude-sonnet-4-6", plan=INVENTORY_PLAN),
        ],
        providers=["anthropic"],
        plans=[INVENTORY_PLAN],
    )
    return create_runtime(spec, interpreter="scripted", action_dispatcher=dispatcher)


def prompt_for(i: int) -> str:
    body = {"rationale": f"stream {i}", "actions": [{"kind": "reorder", "sku": f"SKU-{i}", "quantity": i}]}
    return script(
        agent_call("clerk", script(tool_call("order", {"sku": f"SKU-{i}", "quantity": i}))),
        agent_call("planner", script(tool_call("storePlan", {"specName": "InventoryPlan", "planId": "p", "body": body}))),
        agent_call("executor", script(tool_call("executePlan", {"planId": "p"}))),
    )


def test_500_concurrent_streams_are_isolated_and_correct() -> None:
    ran: list[tuple[str, int]] = []
    dispatched: list[tuple[str, int]] = []
    timeline: list[int] = []
    runtime = build(ran, dispatched)

    async def consume(i: int) -> list[dict[str, Any]]:
        events = []
        async for event in runtime.query(prompt_for(i), thread_id=f"thread-{i}"):
            events.append(event)
            timeline.append(i)
            if event["type"] == "approval-required":
                data = event["data"]
                assert data["threadId"] == f"thread-{i}"
                await asyncio.sleep(0)  # answer later, while other streams are paused too
                decision = tool_decision(i) if data["kind"] == "tool" else plan_decision(i)
                await runtime.respond_to_approval(data["id"], decision, feedback=f"decided by {i}")
        return events

    async def main() -> list[list[dict[str, Any]]]:
        return await asyncio.gather(*(consume(i) for i in range(STREAMS)))

    all_events = asyncio.run(main())

    # the streams really interleaved: stream 1 started before stream 0 finished
    assert timeline.index(1) < len(timeline) - 1 - timeline[::-1].index(0)
    expected_plan_status = {"approve": "executed", "reject": "draft", "revise": "draft"}  # declined: a draft again
    for i, events in enumerate(all_events):
        assert [e["type"] for e in events[-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]
        assert events[1] == {"type": "step-start"}
        ids = [e["toolInvocationId"] for e in events if e["type"] == "tool-invocation" and e["state"] == "call"]
        assert ids == [f"scripted-tool-{n}" for n in range(1, 7)]
        order_result = results(events, "order")[0]
        if tool_decision(i) == "approve":
            assert order_result == {"ordered": f"SKU-{i}", "thread": f"thread-{i}"}
        else:
            assert order_result == {
                "error": "approval_rejected", "rejected": True, "reason": f"decided by {i}", "do_not_retry": True,
                "tool": "order", "feedback": f"decided by {i}",
            }
        decisions = [e["data"]["feedback"] for e in events if e["type"] == "approval-decision"]
        assert decisions == [f"decided by {i}"] * 2
        assert runtime.snapshot(f"thread-{i}")["plans"]["p"]["status"] == expected_plan_status[plan_decision(i)]
        assert runtime.snapshot(f"thread-{i}")["plans"]["p"]["body"]["rationale"] == f"stream {i}"

    assert sorted(ran) == sorted((f"thread-{i}", i) for i in range(STREAMS) if tool_decision(i) == "approve")
    assert sorted(dispatched) == sorted((f"SKU-{i}", i) for i in range(STREAMS) if plan_decision(i) == "approve")
    assert runtime.pending_approvals() == []
