"""The event stream as the published harness defines it (docs/runtime.md, "Fidelity: the event stream").

One test per published rule, on the coordinator → clerk / planner / executor
system of the other runtime tests: the entry agent's ``tool-agent`` pair,
``data-tool-agent`` for routed agents, ``finish`` then the summaries, the
published usage / cost / latency keys, the plan transitions and the plan
record, the approval shapes, and nothing after ``error``.
"""

from __future__ import annotations

from typing import Any

import pytest

from agentspec_runtime.testing.scripts import agent_call, script, tool_call
from runtime_support import SUMMARIES, Recorder, collect, finish_of, inventory_runtime, results, run, store_plan_call, types

FLOW = script(
    agent_call("clerk", script(tool_call("lookup", {"sku": "SKU-1"}))),
    agent_call("planner", script(store_plan_call("p1"))),
    agent_call("executor", script(tool_call("executePlan", {"planId": "p1"}))),
)


def flow(decision: Any = "approve", recorder: Recorder | None = None, **options: Any) -> list[dict[str, Any]]:
    runtime = inventory_runtime(recorder or Recorder(), **options)
    return run(collect(runtime.query(FLOW, thread_id="t"), runtime, lambda data: decision))


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] == kind]


def test_every_agent_run_is_a_tool_agent_pair_and_the_entry_agents_wraps_the_stream() -> None:
    events = flow()
    pairs = [(e["agentName"], e["state"], e["toolInvocationId"]) for e in of_type(events, "tool-agent")]
    assert pairs[0] == ("ops", "call", "entry-ops") and pairs[-1] == ("ops", "result", "entry-ops")
    routed = pairs[1:-1]
    calls = [e["toolInvocationId"] for e in events if e["type"] == "tool-invocation" and e["toolName"] == "call_agent" and e["state"] == "call"]
    assert routed == [
        (agent, state, call) for agent, call in zip(["clerk", "planner", "executor"], calls) for state in ("call", "result")
    ]
    assert events[0]["type"] == "tool-agent" and types(events)[-4:] == ["tool-agent", "finish", *SUMMARIES]


def test_a_routed_agent_reports_its_own_usage_as_it_completes() -> None:
    events = flow()
    completed = of_type(events, "data-tool-agent")
    assert [e["data"]["agentName"] for e in completed] == ["clerk", "planner", "executor"]
    for event in completed:
        position = events.index(event)
        after = events[position + 1]
        assert (after["type"], after["agentName"], after["state"]) == ("tool-agent", event["data"]["agentName"], "result")
        assert event["data"]["model"] and event["data"]["usage"]["totalTokens"] > 0
    # the cost summary has each agent's usage; the routed ones are what data-tool-agent said
    cost = of_type(events, "data-cost-summary")[0]["data"]
    by_agent = {entry["agentName"]: entry["usage"] for entry in cost["agents"]}
    assert list(by_agent) == ["ops", "clerk", "planner", "executor"]
    assert all(by_agent[e["data"]["agentName"]] == e["data"]["usage"] for e in completed)
    usage = finish_of(events)["usage"]
    assert (cost["totalPromptTokens"], cost["totalCompletionTokens"], cost["totalTokens"]) == (
        usage["promptTokens"], usage["completionTokens"], usage["totalTokens"],
    )
    assert set(usage) == {"promptTokens", "completionTokens", "cacheReadInputTokens", "cacheCreationInputTokens", "totalTokens"}


def test_the_latency_summary_has_the_published_keys_in_whole_milliseconds() -> None:
    events = flow()
    latency = events[-1]["data"]
    assert events[-1]["type"] == "data-latency-summary"
    assert {"totalDurationMs", "phases", "toolTimings", "retryCount", "hadTimeout"} <= set(latency)
    assert latency["phases"]["llmCalls"] == len(latency["turns"]) == types(events).count("step-start")
    assert all(isinstance(value, int) for value in latency["phases"].values())
    timings = [(t["toolName"], t["toolCallId"], t["status"]) for t in latency["toolTimings"]]
    finished = [(e["toolName"], e["toolInvocationId"]) for e in events if e["type"] == "tool-invocation" and e["state"] == "result"]
    assert [(name, call) for name, call, _ in timings] == finished
    assert {status for _, _, status in timings} == {"completed"}
    assert (latency["retryCount"], latency["hadTimeout"]) == (0, False)


def statuses(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["data"]["from"], e["data"]["to"]) for e in of_type(events, "plan-status-change")]


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("approve", [("draft", "pending_approval"), ("pending_approval", "approved")]),
        ("reject", [("draft", "pending_approval"), ("pending_approval", "draft")]),
        (("revise", "halve it", {"quantity": 2}), [("draft", "pending_approval"), ("pending_approval", "draft")]),
    ],
)
def test_plan_transitions_are_the_published_ones(decision: Any, expected: list[tuple[str, str]]) -> None:
    events = flow(decision)
    assert statuses(events) == expected
    gate = types(events).index("approval-required")
    assert types(events)[gate : gate + 3] == ["approval-required", "plan-status-change", "approval-decision"]


def test_a_plan_that_needs_no_approval_goes_straight_to_approved_and_dispatch_is_no_event() -> None:
    recorder = Recorder()
    events = flow(recorder=recorder, coordinator_approval="never")
    assert statuses(events) == [("draft", "approved")]
    assert "approval-required" not in types(events) and len(recorder.dispatches()) == 1
    assert results(events, "executePlan")[0]["status"] == "executed"


def test_the_plan_record_is_the_approval_payload_and_the_request_names_the_plan() -> None:
    events = flow()
    (required,) = of_type(events, "approval-required")
    data = required["data"]
    assert data["correlationId"] == data["target"] == "p1"
    assert data["payload"] == {
        "id": "p1",
        "owner": "acme",
        "actions": {"head": {"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}, "references": []}, "tail": []},
        "status": "draft",
        "description": None,
        "context": {"rationale": "low stock"},
        "approvedBy": None,
        "outcome": None,
    }
    stored = results(events, "storePlan")[0]
    assert {key: stored[key] for key in data["payload"]} == data["payload"]


def test_decisions_have_the_published_shape() -> None:
    approved = of_type(flow("approve"), "approval-decision")[0]["data"]
    assert approved == {"id": approved["id"], "outcome": {"outcome": "approve"}}  # no feedback key without feedback
    revised = of_type(flow(("revise", "halve it", {"quantity": 2})), "approval-decision")[0]["data"]
    assert revised["outcome"] == {"outcome": "revise", "partial": {"quantity": 2}} and revised["feedback"] == "halve it"


def test_a_failed_stream_ends_with_its_error_and_nothing_follows() -> None:
    runtime = inventory_runtime(Recorder())
    events = run(collect(runtime.query("{not a script", thread_id="t")))
    assert types(events) == ["tool-agent", *SUMMARIES, "error"]
    assert "finish" not in types(events)
