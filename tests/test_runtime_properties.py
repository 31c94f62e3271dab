"""Property: whatever the script and the decisions, gated work runs only after an approve for it.

Hypothesis generates coordinator scripts mixing ungated, always-gated and
predicate-gated tool calls, bad arguments, unknown tools, malformed nested
scripts, plan stores and plan executions, plus a sequence of approval
decisions. One log records, in order, every event the consumer saw and every
handler run and dispatch. The checks walk that log:

* a handler runs while its own tool call is the innermost open call;
* a gated handler's call saw an ``approve`` decision before the handler ran,
  and an ungated one saw no approval at all;
* the dispatcher runs only inside an ``executePlan`` call that was approved;
* every approve leads to exactly one run (tool) or dispatch (plan), and every
  ungated valid call runs once;
* the stream always ends with ``finish`` and leaves no approval pending.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agentspec_runtime import (
    create_runtime,
    define_coordinator,
    define_executor,
    define_plan,
    define_planner,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing import agent_call, script, tool_call

PLAN = define_plan("Loose", {"type": "object", "properties": {"actions": {"type": "array"}}, "required": ["actions"]})


def odd(args: dict[str, Any], ctx: Any) -> bool:
    return args["n"] % 2 == 1


def is_gated(tool: str, args: dict[str, Any]) -> bool:
    return tool == "gated" or (tool == "maybe" and args["n"] % 2 == 1)


def build(log: list[tuple[Any, ...]]) -> Any:
    def handler(name: str) -> Any:
        async def run(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
            log.append(("run", name, ctx.tool_use_id, args))
            return {"done": name}

        return run

    tools = [
        define_tool("free", {"n": int})(handler("free")),
        define_tool("gated", {"n": int}, approval="always")(handler("gated")),
        define_tool("maybe", {"n": int}, approval=odd)(handler("maybe")),
    ]

    def dispatcher(actions: list[dict[str, Any]], context: dict[str, Any]) -> dict[str, Any]:
        log.append(("dispatch", len(actions)))
        return {"entitiesAffected": len(actions)}

    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[
            define_coordinator("ops", model="gpt-4o", routes=["clerk", "planner", "executor"]),
            define_specialist("clerk", model="gpt-4o", tools=tools),
            define_planner("planner", model="gpt-4o", plan=PLAN),
            define_executor("executor", model="gpt-4o", plan=PLAN),
        ],
        providers=["openai"],
        plans=[PLAN],
    )
    return create_runtime(spec, interpreter="scripted", action_dispatcher=dispatcher)


clerk_call = st.tuples(
    st.sampled_from(["free", "gated", "maybe", "teleport"]),
    st.one_of(st.integers(0, 9), st.just("not a number")),
).map(lambda t: tool_call(t[0], {"n": t[1]}))

step = st.one_of(
    st.lists(clerk_call, max_size=4).map(lambda calls: agent_call("clerk", script(*calls))),
    st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 3)).map(
        lambda t: agent_call(
            "planner",
            script(
                tool_call(
                    "storePlan",
                    {"specName": "Loose", "planId": t[0], "body": {"actions": [{"kind": "k", "i": i} for i in range(t[1])]}},
                )
            ),
        )
    ),
    st.sampled_from(["a", "b", "missing"]).map(
        lambda plan_id: agent_call("executor", script(tool_call("executePlan", {"planId": plan_id})))
    ),
    st.just(agent_call("clerk", "{not json")),
    st.just(tool_call("free", {"n": 1})),  # the coordinator has no such tool
)

decisions = st.lists(st.sampled_from(["approve", "reject", "revise"]), max_size=12)


async def drive(steps: list[dict[str, Any]], answers: list[str], log: list[tuple[Any, ...]]) -> None:
    runtime = build(log)
    count = 0
    async for event in runtime.query(script(*steps), thread_id="t"):
        log.append(("event", event))
        if event["type"] == "approval-required":
            answer = answers[count % len(answers)] if answers else "approve"
            count += 1
            await runtime.respond_to_approval(event["data"]["id"], answer, partial={"n": 0})
    assert runtime.pending_approvals() == []


def check(log: list[tuple[Any, ...]]) -> None:
    stack: list[str] = []  # open tool calls, innermost last
    calls: dict[str, dict[str, Any]] = {}
    for entry in log:
        if entry[0] == "event":
            event = entry[1]
            if event["type"] == "tool-invocation" and event["state"] == "call":
                parent = calls[stack[-1]] if stack else None
                stack.append(event["toolInvocationId"])
                calls[event["toolInvocationId"]] = {
                    "tool": event["toolName"], "args": event["args"], "decisions": [], "runs": 0, "dispatches": 0,
                    "by_clerk": parent is not None and parent["args"].get("agent") == "clerk",
                }
            elif event["type"] == "tool-invocation":
                assert stack.pop() == event["toolInvocationId"], "results close the innermost call"
                calls[event["toolInvocationId"]]["result"] = event["result"]
            elif event["type"] == "approval-decision":
                calls[stack[-1]]["decisions"].append(event["data"]["outcome"]["outcome"])
        elif entry[0] == "run":
            _, tool, tool_id, args = entry
            assert stack and stack[-1] == tool_id, "a handler runs inside its own call"
            call = calls[tool_id]
            if is_gated(tool, args):
                assert call["decisions"] == ["approve"], f"gated {tool} ran after {call['decisions']}"
            else:
                assert call["decisions"] == [], f"ungated {tool} asked for approval"
            call["runs"] += 1
        elif entry[0] == "dispatch":
            call = calls[stack[-1]]
            assert call["tool"] == "executePlan" and call["decisions"] == ["approve"]
            call["dispatches"] += 1
    assert stack == []
    ends = [entry[1]["type"] for entry in log[-3:]]
    assert all(entry[0] == "event" for entry in log[-3:]) and ends == ["finish", "data-cost-summary", "data-latency-summary"]
    for call in calls.values():
        approved = call["decisions"] == ["approve"]
        result = call["result"]
        failed = isinstance(result, dict) and "error" in result and not result.get("rejected")  # a rejection is no failure
        valid = call["by_clerk"] and call["tool"] in ("free", "gated", "maybe") and isinstance(call["args"]["n"], int)
        if call["tool"] not in ("call_agent", "storePlan", "executePlan"):
            assert failed == (not valid), f"{call['tool']} {call['args']} → {call['result']}"
        if valid:
            assert call["runs"] == (1 if approved or not is_gated(call["tool"], call["args"]) else 0)
        else:
            assert call["runs"] == 0
        if call["tool"] == "executePlan":
            assert call["dispatches"] == (1 if approved else 0)


@settings(max_examples=150)  # derandomized, no deadline: the suite profile in tests/conftest.py
@given(steps=st.lists(step, max_size=6), answers=decisions)
def test_dispatcher_and_gated_handlers_run_only_after_an_approve_for_them(
    steps: list[dict[str, Any]], answers: list[str]
) -> None:
    log: list[tuple[Any, ...]] = []
    asyncio.run(drive(steps, answers, log))
    check(log)
