"""Runtime.get_trace / list_traces: the trace each eval sample records, in the published
`TraceRecord` wire shape, found from the sample's `trace` reference."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from agentspec_runtime import (
    EvalArtifact,
    create_runtime,
    define_coordinator,
    define_eval_config,
    define_eval_request,
    define_runtime,
    define_specialist,
    define_tenant,
    define_test_case,
    define_tool,
)
from runtime_support import run


@define_tool("double", {"n": int})
def double(args: dict[str, Any], ctx: Any) -> int:
    return args["n"] * 2


STUCK = asyncio.Event()  # never set: a call of `wait` only ends when the sample times out


@define_tool("wait", {})
async def wait(args: dict[str, Any], ctx: Any) -> str:
    await STUCK.wait()
    return "never"


def runtime() -> Any:
    agents = [
        define_coordinator("desk", model="claude-sonnet-4-6", routes=["worker"]),
        define_specialist("worker", model="claude-sonnet-4-6", tools=[double, wait]),
    ]
    return create_runtime(define_runtime(define_tenant("acme", "v1"), agents=agents), interpreter="scripted")


def call(tool: str, args: dict[str, Any]) -> str:
    return json.dumps({"tool": tool, "args": args})


def evaluate(rt: Any, *cases: Any, **config: Any) -> EvalArtifact:
    config = {"samples_per_case": 1, "concurrency": 1, **config}
    request = define_eval_request(rt, workspace_id="ws-1", config=define_eval_config(**config), test_cases=list(cases))
    return EvalArtifact.model_validate(run(rt.run_eval(request)))


def routed_case() -> Any:
    script = {"script": [{"tool": "call_agent", "args": {"agent": "worker", "prompt": call("double", {"n": 2})}}]}
    return define_test_case("routed", json.dumps(script), expected_trajectory=["call_agent", "double"])


def test_each_sample_points_at_its_trace_with_every_tool_call_in_order() -> None:
    rt = runtime()
    artifact = evaluate(rt, routed_case())
    (sample,) = artifact.test_cases[0].samples

    trace = rt.get_trace(sample.trace.trace_id)

    assert sample.trace.thread_id == sample.thread_id == trace["scope"]["threadId"]
    assert list(trace) == ["traceId", "workspaceId", "stage", "status", "scope", "steps", "startedAt", "completedAt", "provenance"]
    assert (trace["workspaceId"], trace["stage"], trace["status"]) == ("ws-1", "runtime", "completed")
    assert trace["scope"] == {"evalRunId": artifact.run_id, "testCaseId": "routed", "threadId": sample.thread_id, "sampleIndex": 0}
    assert trace["provenance"] == {
        "kind": "eval_sample",
        "eval_run_id": artifact.run_id,
        "test_case_id": "routed",
        "sample_index": 0,
        "stage": "runtime",
        "thread_id": sample.thread_id,
    }
    routed, doubled = trace["steps"]
    assert (routed["ordinal"], routed["toolName"], routed["actor"]) == (0, "call_agent", "assistant")
    assert routed["arguments"] == {"kind": "inline", "value": {"agent": "worker", "prompt": call("double", {"n": 2})}}
    assert doubled == {
        "ordinal": 1,
        "actor": "assistant",
        "toolName": "double",
        "toolCallId": doubled["toolCallId"],
        "arguments": {"kind": "inline", "value": {"n": 2}},
        "result": {"kind": "inline", "value": 4},
    }


def test_list_traces_filters_by_run_case_and_thread_and_get_trace_misses_with_none() -> None:
    rt = runtime()
    first = evaluate(rt, routed_case(), define_test_case("plain", call("double", {"n": 1}), expected_trajectory=["double"]), mode="specialist", target_agent_id="worker")
    second = evaluate(rt, routed_case(), samples_per_case=2)

    assert len(rt.list_traces()) == 4
    assert {t["scope"]["testCaseId"] for t in rt.list_traces(eval_run_id=first.run_id)} == {"routed", "plain"}
    assert [t["scope"]["sampleIndex"] for t in rt.list_traces(second.run_id, "routed")] == [0, 1]
    thread = second.test_cases[0].samples[1].thread_id
    (only,) = rt.list_traces(thread_id=thread)
    assert only["traceId"] == second.test_cases[0].samples[1].trace.trace_id
    assert rt.list_traces(eval_run_id="nope") == [] and rt.get_trace("trace-nope") is None
    only["steps"].clear()  # a copy: the recorded trace is unchanged
    assert rt.get_trace(only["traceId"])["steps"] != []


def test_a_run_ending_in_an_error_event_is_failed_and_a_timed_out_one_timed_out() -> None:
    rt = runtime()
    broken = define_test_case("broken", '{"tool": ', expected_trajectory=["double"])  # malformed script: an error event, no tool call
    stuck = define_test_case("stuck", call("wait", {}), expected_trajectory=["wait"])
    artifact = evaluate(rt, broken, stuck, mode="specialist", target_agent_id="worker", timeout_per_sample_secs=1)

    failed, timed_out = (rt.get_trace(case.samples[0].trace.trace_id) for case in artifact.test_cases)

    assert (failed["status"], failed["steps"]) == ("failed", [])
    assert timed_out["status"] == "timed_out" and "threadId" not in timed_out["scope"]
    (step,) = timed_out["steps"]
    assert (step["actor"], step["toolName"], step["arguments"]) == ("system", "sampleExecution", {"kind": "omitted", "reason": "not_captured"})
    assert "timed out" in step["error"]
