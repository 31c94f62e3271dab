"""The bridge: events → agentgate AgentTrace, and RuntimeAdapter under agentgate's TestSuite."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import agentgate
from agentgate import AgentTrace, Scenario, StepKind, TokenUsage

from agentspec_runtime import Interpreter, StreamTimeout, create_runtime
from agentspec_runtime.testing import (
    ApprovalAnswer,
    ApprovalScript,
    RuntimeAdapter,
    agent_call,
    events_to_trace,
    script,
    tool_call,
)
from agentspec_runtime.interpreters import ModelUsage
from agentspec_runtime.testing.approval_script import UNANSWERED_FEEDBACK
from runtime_support import Recorder, collect, finish_of, inventory_runtime, inventory_spec, run, store_plan_call

PLAN_FLOW = script(
    agent_call("clerk", script(tool_call("lookup", {"sku": "SKU-1"}))),
    agent_call("planner", script(store_plan_call("p1"))),
    agent_call("executor", script(tool_call("executePlan", {"planId": "p1"}))),
)


def plan_flow_events(decision: str = "approve") -> list[dict[str, Any]]:
    runtime = inventory_runtime(Recorder())
    return run(collect(runtime.query(PLAN_FLOW, thread_id="t"), runtime, lambda data: (decision, "ok", None)))


def summary(trace: AgentTrace) -> list[tuple[str, str]]:
    return [(step.kind.value, step.name) for step in trace.steps]


# -- mapping -------------------------------------------------------------------------------


def test_a_plan_flow_maps_to_llm_tool_state_and_handoff_steps_in_order() -> None:
    trace = events_to_trace(plan_flow_events(), input="Reorder SKU-1")

    assert trace.input == "Reorder SKU-1"
    assert summary(trace) == [
        ("llm_call", "llm:ops"),
        ("llm_call", "llm:clerk"),
        ("tool_call", "lookup"),
        ("tool_call", "call_agent"),
        ("llm_call", "llm:ops"),
        ("llm_call", "llm:planner"),
        ("state_change", "plan:p1"),
        ("tool_call", "storePlan"),
        ("tool_call", "call_agent"),
        ("llm_call", "llm:ops"),
        ("llm_call", "llm:executor"),
        ("human_handoff", "approval_request"),  # published order: the request, then draft → pending_approval
        ("state_change", "plan:p1"),
        ("human_handoff", "approval_decision"),
        ("state_change", "plan:p1"),
        ("state_change", "plan:p1"),
        ("tool_call", "executePlan"),
        ("state_change", "dispatched"),
        ("tool_call", "call_agent"),
    ]
    assert trace.tool_names == ["lookup", "call_agent", "storePlan", "call_agent", "executePlan", "call_agent"]
    assert trace.get_state("plan:p1") == "executed"
    plan_states = [s.output for s in trace.steps if s.name == "plan:p1"]
    assert plan_states == ["draft", "pending_approval", "approved", "executed"]
    assert trace.get_state("dispatched") == [
        {"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}, "references": []}
    ]
    request, decision = [s for s in trace.steps if s.kind == StepKind.HUMAN_HANDOFF]
    assert request.input == {"id": "approval-1", "kind": "plan", "target": "p1"}
    assert (request.output["id"], request.output["status"]) == ("p1", "draft")  # the plan record
    assert (decision.input["target"], decision.output, decision.metadata["feedback"]) == ("p1", "approve", "ok")
    assert trace.errors == []


def test_token_usage_and_turns_reach_agentgate() -> None:
    events = plan_flow_events()
    trace = events_to_trace(events, input="x")

    finish = finish_of(events)["usage"]
    usage = TokenUsage.from_trace(trace)
    assert (usage.input_tokens, usage.output_tokens) == (finish["promptTokens"], finish["completionTokens"])
    llm = [s for s in trace.steps if s.kind == StepKind.LLM_CALL]
    assert sum(s.metadata["input_tokens"] + s.metadata["output_tokens"] for s in llm) == finish["totalTokens"]
    assert all(s.metadata["output_tokens"] > 0 for s in llm)
    assert trace.metadata["finish_reason"] == "stop"

    assert len(llm) == 6  # three coordinator turns, one per routed agent
    tight = Scenario("tokens", max_llm_calls=5).expect_max_tokens(finish["totalTokens"] - 1)
    result = tight.check(trace)
    assert not result.passed
    assert [e.description for e in result.failed_expectations] == [
        f"expect_max_tokens({finish['totalTokens'] - 1})", "scenario.max_llm_calls=5",
    ]
    assert Scenario("roomy", max_llm_calls=6).expect_max_tokens(finish["totalTokens"]).check(trace).passed


def test_output_joins_messages_with_newlines_and_deltas_without() -> None:
    events = [
        {"type": "step-start"},
        {"type": "text", "text": "Hel"},
        {"type": "text", "text": "lo"},
        {"type": "step-start"},
        {"type": "text", "text": "World"},
        {"type": "finish", "finishReason": "stop", "usage": {"promptTokens": 3, "completionTokens": 2, "totalTokens": 5}},
    ]
    trace = events_to_trace(events, input="hi", duration_ms=12.5)
    assert trace.output == "Hello\nWorld"
    assert trace.total_duration_ms == 12.5
    assert trace.metadata["token_usage"] == {"input": 3, "output": 2}


def test_a_mocked_run_puts_the_finish_usage_on_its_single_turn() -> None:
    runtime = create_runtime(inventory_spec(Recorder()), testing={"mock_response": "all good"})
    trace = events_to_trace(run(collect(runtime.query("hi", thread_id="t"))), input="hi")
    (llm,) = trace.steps
    assert llm.kind == StepKind.LLM_CALL and llm.metadata["output_tokens"] == 2
    assert trace.output == "all good"


def test_tool_errors_and_error_events_become_errors() -> None:
    runtime = inventory_runtime(Recorder())
    events = run(collect(runtime.run_specialist("clerk", script(tool_call("lookup", {"sku": 1})), thread_id="t")))
    trace = events_to_trace(events, input="x")
    (step,) = trace.tool_calls
    assert step.error.startswith("invalid arguments for tool 'lookup'")
    assert not Scenario("e").expect_no_error().check(trace).passed

    events = run(collect(runtime.run_specialist("clerk", "{broken", thread_id="t")))
    trace = events_to_trace(events, input="x")
    (error,) = trace.errors
    assert error.kind == StepKind.ERROR and error.name == "invalid_script" and "malformed script" in error.error
    assert trace.metadata["token_usage"] == {"input": 0, "output": 0}  # no finish: usage from the summary


def test_a_failed_dispatch_still_records_what_was_dispatched() -> None:
    runtime = inventory_runtime(Recorder(), action_dispatcher=lambda actions, context: "nope")
    events = run(collect(runtime.query(PLAN_FLOW, thread_id="t"), runtime, lambda data: "approve"))
    trace = events_to_trace(events, input="x")
    assert trace.get_state("plan:p1") == "failed"
    assert trace.get_state("dispatched")[0]["kind"] == "reorder"
    assert [s.name for s in trace.errors] == ["executePlan"]


def test_unknown_and_call_events_add_no_steps() -> None:
    events = [
        {"type": "tool-invocation", "toolInvocationId": "x", "toolName": "t", "args": {}, "state": "call"},
        {"type": "tool-agent", "agentName": "a", "state": "call", "toolInvocationId": "x"},
        {"type": "data-something-new", "data": {}},
    ]
    trace = events_to_trace(events, input="x")
    assert trace.steps == [] and trace.output == "" and "token_usage" not in trace.metadata


# -- RuntimeAdapter ----------------------------------------------------------------------------


def test_adapter_runs_a_fresh_runtime_and_thread_per_run_and_answers_approvals() -> None:
    built: list[Any] = []
    recorder = Recorder()

    def factory() -> Any:
        runtime = inventory_runtime(recorder)
        built.append(runtime)
        return runtime

    adapter = RuntimeAdapter(factory, prompt=PLAN_FLOW, approvals=ApprovalScript(plans={"p1": ApprovalAnswer("approve", "fine")}))
    first = adapter.run("Reorder SKU-1")
    second = adapter.run("Reorder SKU-1")

    assert len(built) == 2 and built[0] is not built[1]
    assert (first.metadata["thread_id"], second.metadata["thread_id"]) == ("agentgate-run-1", "agentgate-run-2")
    assert first.input == "Reorder SKU-1" and first.get_state("plan:p1") == "executed"
    assert [e["type"] for e in first.metadata["events"][-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]
    assert len(recorder.dispatches()) == 2
    assert first.total_duration_ms > 0


def test_adapter_sends_the_scenario_input_when_no_prompt_is_given_and_can_run_a_specialist() -> None:
    adapter = RuntimeAdapter(lambda: inventory_runtime(Recorder()), agent="clerk")
    trace = adapter.run(script(tool_call("lookup", {"sku": "Z"})))
    assert trace.tool_names == ["lookup"] and trace.metadata["agent"] == "clerk"
    echo = RuntimeAdapter(lambda: inventory_runtime(Recorder())).run("just text")
    assert echo.output == "just text"


def test_an_unanswered_approval_is_rejected_and_recorded_as_an_error() -> None:
    recorder = Recorder()
    adapter = RuntimeAdapter(lambda: inventory_runtime(recorder), prompt=PLAN_FLOW)
    trace = adapter.run("x")
    assert recorder.dispatches() == []
    assert trace.get_state("plan:p1") == "rejected"
    (error,) = trace.errors  # executePlan's result is the published error, but a rejection is a decision
    assert next(s for s in trace.steps if s.name == "executePlan").output["error"] == "Plan p1 rejected: " + UNANSWERED_FEEDBACK
    assert error.name == "unanswered_approval"
    assert error.error == "the scenario did not answer the approval for plan 'p1'; it was rejected"


class Stuck(Interpreter):
    name = "stuck"

    async def next_step(self, request: Any) -> Any:
        yield ModelUsage()  # the model call began (step-start) ...
        await asyncio.Event().wait()  # ... and never set: a hung model


def test_a_hung_stream_raises_stream_timeout_instead_of_hanging() -> None:
    adapter = RuntimeAdapter(lambda: create_runtime(inventory_spec(Recorder()), interpreter=Stuck()), timeout_seconds=0.05)
    with pytest.raises(StreamTimeout, match=r"did not finish within 0.05 s \(2 events, last: step-start\)"):
        adapter.run("x")


def test_agentgate_reports_a_hung_stream_as_a_failed_run() -> None:
    adapter = RuntimeAdapter(lambda: create_runtime(inventory_spec(Recorder()), interpreter=Stuck()), timeout_seconds=0.05)
    suite = agentgate.TestSuite("hang")
    suite.add(Scenario("hangs", input="x").expect_no_error())
    result = suite.run(adapter).results[0]
    assert not result.passed
    assert "Agent raised StreamTimeout: the runtime stream did not finish within 0.05 s" in result.summary()


def test_adapter_works_from_inside_a_running_event_loop() -> None:
    adapter = RuntimeAdapter(lambda: inventory_runtime(Recorder()), agent="clerk")

    async def main() -> AgentTrace:
        return adapter.run(script(tool_call("lookup", {"sku": "Z"})))

    assert asyncio.run(main()).tool_names == ["lookup"]


def test_agentgate_test_suite_runs_the_adapter_with_runs_and_min_pass_rate() -> None:
    adapter = RuntimeAdapter(
        lambda: inventory_runtime(Recorder()),
        prompt=PLAN_FLOW,
        approvals=ApprovalScript(plans={"*": ApprovalAnswer("approve")}),
    )
    scenario = Scenario("approved plan is executed", input="Reorder SKU-1", max_steps=30)
    scenario.expect_tool_call("lookup", with_args={"sku": "SKU-1"}, before="executePlan")
    scenario.expect_state("plan:p1", value="executed")
    scenario.expect_no_error()
    suite = agentgate.TestSuite("plans")
    suite.add(scenario)

    result = suite.run(adapter, runs=3, min_pass_rate=1.0)

    assert result.passed, result.summary()
    assert len(result.results[0].run_results) == 3
