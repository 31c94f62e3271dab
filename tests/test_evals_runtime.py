"""Runtime-backed evals: run_eval, stream_eval, run_eval_sync on the deterministic interpreters."""

from __future__ import annotations

import asyncio
import json

import pytest

from agentspec_runtime import (
    EvalArtifact,
    HarnessEvalEventEnvelope,
    ResponseScorer,
    create_runtime,
    define_coordinator,
    define_eval_config,
    define_eval_request,
    define_executor,
    define_expected_action,
    define_expected_actions,
    define_final_response_eval,
    define_plan,
    define_planner,
    define_runtime,
    define_specialist,
    define_tenant,
    define_test_case,
    define_tool,
    define_trajectory_scorer_config,
    run_eval_sync,
)

PLAN = define_plan("Plan", {"type": "object", "required": ["actions"], "properties": {"actions": {"type": "array"}}})


@define_tool("lookup", {"q": str})
def lookup(args, ctx):
    return {"found": args["q"]}


def runtime(**options):
    agents = [
        define_coordinator("front", model="claude-sonnet-4-6", prompt="Route.", routes=["planner", "executor", "helper"], tools=[lookup]),
        define_planner("planner", model="claude-sonnet-4-6", prompt="Plan.", plan=PLAN),
        define_executor("executor", model="claude-haiku-4-5", prompt="Execute.", plan=PLAN),
        define_specialist("helper", model="claude-haiku-4-5", prompt="Help.", tools=[lookup]),
    ]
    spec = define_runtime(tenant=define_tenant("acme", "v1"), agents=agents, providers=["anthropic"])
    return create_runtime(spec, **options)


def plan_and_execute_script(action: dict) -> str:
    store = {"tool": "storePlan", "args": {"specName": "Plan", "planId": "p1", "body": {"actions": [action]}}}
    execute = {"tool": "executePlan", "args": {"planId": "p1"}}
    return json.dumps(
        {
            "script": [
                {"tool": "lookup", "args": {"q": "acme"}},
                {"tool": "call_agent", "args": {"agent": "planner", "prompt": json.dumps(store)}},
                {"tool": "call_agent", "args": {"agent": "executor", "prompt": json.dumps(execute)}},
            ]
        }
    )


def dispatcher(actions, ctx):
    return {"entitiesAffected": len(actions)}


def request_for(rt, cases, **config):
    config.setdefault("samples_per_case", 1)
    return define_eval_request(rt, workspace_id="ws", config=define_eval_config(**config), test_cases=cases)


def test_scripted_run_scores_trajectory_and_actions_and_bypasses_plan_approval() -> None:
    rt = runtime(interpreter="scripted", action_dispatcher=dispatcher)
    case = define_test_case(
        "update",
        plan_and_execute_script({"kind": "update_customer", "id": "acme"}),
        expected_trajectory=["lookup", "storePlan", "executePlan"],
        trajectory_mode="strict",
        expected_actions=define_expected_actions(
            planned_actions=[define_expected_action("update_customer", {"id": "acme"})],
            executed_actions=[define_expected_action("update_customer", {"id": "acme"})],
        ),
    )
    config = {"scorer_config": define_trajectory_scorer_config(include_sub_agents=True, ignore_tools=["call_agent"])}
    artifact = run_eval_sync(rt, request_for(rt, [case], **config))
    sample = artifact.test_cases[0].samples[0]
    assert sample.error is None, sample.error
    assert sample.actual_trajectory == ["lookup", "call_agent", "storePlan", "call_agent", "executePlan"]
    assert [a.model_dump() for a in sample.planned_actions] == [{"type": "update_customer", "payload": {"id": "acme"}}]
    assert [a.model_dump() for a in sample.resolved_actions] == [{"type": "update_customer", "payload": {"id": "acme"}}]
    assert sample.aggregate_score == 1.0 and sample.passed
    assert artifact.summary.passed == 1 and artifact.summary.pass_rate == 1.0
    assert artifact.metadata.scorer_preset == "sequential"
    assert sample.token_usage.input_tokens > 0 and sample.token_usage.output_tokens > 0
    depths = {(e["name"], e["depth"]) for e in sample.metadata["trajectoryEvents"] if e["kind"] == "tool"}
    assert {("lookup", 1), ("storePlan", 2), ("executePlan", 2)} <= depths


def test_a_wrong_action_lowers_the_score_and_fails_the_threshold() -> None:
    rt = runtime(interpreter="scripted", action_dispatcher=dispatcher)
    case = define_test_case(
        "update",
        plan_and_execute_script({"kind": "update_customer", "id": "other"}),
        expected_actions=define_expected_actions(executed_actions=[define_expected_action("update_customer", {"id": "acme"})]),
    )
    artifact = run_eval_sync(rt, request_for(rt, [case], score_weights={"executed_actions": 1}, pass_threshold=0.5))
    sample = artifact.test_cases[0].samples[0]
    assert sample.aggregate_score == 0.0 and not sample.passed
    assert artifact.summary.failed == 1


def test_a_run_ending_in_an_error_event_fails_the_sample_with_the_reason() -> None:
    rt = runtime(interpreter="scripted")
    case = define_test_case("broken", '{"tool": ')  # malformed script
    artifact = run_eval_sync(rt, request_for(rt, [case]))
    sample = artifact.test_cases[0].samples[0]
    assert not sample.passed and sample.aggregate_score == 0.0
    assert "invalid_script" in sample.error and sample.component_scores == []


def test_judge_scorers_fail_closed_without_a_judge_capable_interpreter() -> None:
    rt = runtime(testing={"mock_response": "Billing updated."})
    case = define_test_case(
        "judged",
        "hello",
        final_response=define_final_response_eval(
            scorers=[ResponseScorer.judge(id="ok", instructions="Reports success?"), ResponseScorer.contains(id="c", text="updated")],
            pass_threshold=0.5,
        ),
    )
    artifact = run_eval_sync(rt, request_for(rt, [case]))
    final = artifact.test_cases[0].samples[0].final_response_eval
    judge = final["responseScorers"][0]
    assert judge["passed"] is False and judge["details"]["errorKind"] == "judge_provider_unavailable"
    assert "judge-capable interpreter" in judge["reason"]
    assert final["score"] == 0.5 and final["totalWeight"] == 2.0


def test_samples_pass_at_k_and_aggregation_strategies() -> None:
    rt = runtime(testing={"mock_response": "done"})
    case = define_test_case(
        "c", "hi", final_response=define_final_response_eval(scorers=[ResponseScorer.contains(id="c", text="done")])
    )
    artifact = run_eval_sync(rt, request_for(rt, [case], samples_per_case=3, k_values=[1, 3], aggregation_strategy="meanScore"))
    tc = artifact.test_cases[0]
    assert [s.sample_index for s in tc.samples] == [0, 1, 2]
    assert [(p.k, p.num_samples, p.num_correct, p.simple_estimate) for p in tc.pass_at_k] == [(1, 3, 3, 1.0), (3, 3, 3, 1.0)]
    assert tc.aggregate_score == 1.0
    assert artifact.summary.latency is not None and artifact.summary.cost is not None


def test_stream_eval_yields_progress_then_the_artifact() -> None:
    rt = runtime(testing={"mock_response": "hi"})
    request = request_for(rt, [define_test_case("a", "x"), define_test_case("b", "y")], samples_per_case=2)

    async def collect():
        return [event async for event in rt.stream_eval(request)]

    raw = asyncio.run(collect())
    kinds = [HarnessEvalEventEnvelope.model_validate(e).event.type for e in raw]
    assert kinds == [
        "evalStarted",
        "testCaseStarted", "sampleCompleted", "sampleCompleted", "testCaseCompleted",
        "testCaseStarted", "sampleCompleted", "sampleCompleted", "testCaseCompleted",
        "evalCompleted",
    ]
    assert [e["sequence"] for e in raw] == list(range(10))
    artifact = EvalArtifact.model_validate(raw[-1]["data"]["artifact"])
    assert [tc.test_case_id for tc in artifact.test_cases] == ["a", "b"]


def test_specialist_mode_runs_the_target_agent() -> None:
    rt = runtime(interpreter="scripted")
    case = define_test_case("s", json.dumps({"tool": "lookup", "args": {"q": "x"}}), expected_trajectory=["lookup"])
    artifact = run_eval_sync(rt, request_for(rt, [case], mode="specialist", target_agent_id="helper"))
    sample = artifact.test_cases[0].samples[0]
    assert sample.model_invocations[0].agent == "helper" and sample.aggregate_score == 1.0


@pytest.mark.parametrize(
    ("config", "preset", "message"),
    [
        ({"mode": "specialist"}, None, "target_agent_id"),
        ({"mode": "specialist", "target_agent_id": "nobody"}, None, "no agent named"),
        ({"mode": "testCaseBuilder"}, None, "not supported"),
        ({}, "trajectory_only", "only supported by score_sample"),
        ({}, "specialist", "not valid for eval mode"),
        ({"test_case_ids": ["zzz"]}, None, "unknown test case"),
    ],
)
def test_requests_that_do_not_fit_the_runtime_are_refused_at_the_call(config, preset, message) -> None:
    rt = runtime(testing={"mock_response": "hi"})
    request = define_eval_request(rt, workspace_id="ws", config=define_eval_config(**config), test_cases=[define_test_case("a", "x", expected_trajectory=["lookup"])], scorer_preset=preset)
    with pytest.raises(ValueError, match=message):
        rt.stream_eval(request)
    with pytest.raises(ValueError, match=message):
        run_eval_sync(rt, request)


def test_run_eval_sync_refuses_a_running_loop() -> None:
    rt = runtime(testing={"mock_response": "hi"})

    async def inside():
        run_eval_sync(rt, request_for(rt, [define_test_case("a", "x")]))

    with pytest.raises(RuntimeError, match="running event loop"):
        asyncio.run(inside())


def test_filters_select_cases_by_id_and_tag() -> None:
    rt = runtime(testing={"mock_response": "hi"})
    cases = [define_test_case("a", "x", tags=["smoke"]), define_test_case("b", "y"), define_test_case("c", "z", tags=["smoke"])]
    by_tag = run_eval_sync(rt, request_for(rt, cases, tags_filter=["smoke"]))
    assert [tc.test_case_id for tc in by_tag.test_cases] == ["a", "c"]
    by_id = run_eval_sync(rt, request_for(rt, cases, test_case_ids=["b"]))
    assert [tc.test_case_id for tc in by_id.test_cases] == ["b"]


def test_the_eval_modules_need_only_pydantic_and_the_runtime_core() -> None:
    """No agentgate (nor the compiler) from evals: only the stdlib, pydantic and the pydantic-only runtime layers."""
    import ast
    import sys
    from pathlib import Path

    import agentspec_runtime.evals as evals

    allowed_relative = {"", "_base", "cases", "config", "artifacts", "trajectory", "actions", "responses",
                        "scoring", "aggregate", "capture", "runner", "traces", "action_dispatcher", "validation", "runtime", "specs", "live_summary"}
    for path in sorted(Path(evals.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert (node.module or "").split(".")[-1] in allowed_relative, (path.name, node.module)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                for name in names:
                    top = name.split(".")[0]
                    assert top == "pydantic" or top in sys.stdlib_module_names, (path.name, name)


def test_live_runs_are_priced_from_the_price_table_and_stand_ins_are_not() -> None:
    from agentspec_runtime.interpreters.mock_response import TestingInterpreter

    class LiveLike(TestingInterpreter):  # a live interpreter's name; answers like the testing one
        name = "live-like"

    case = define_test_case("c", "hi", final_response=define_final_response_eval(scorers=[ResponseScorer.contains(id="c", text="hi")]))
    live = runtime(interpreter=LiveLike("hi there"))
    artifact = run_eval_sync(live, request_for(live, [case]))
    sample = artifact.test_cases[0].samples[0]
    usage = sample.token_usage
    expected = usage.input_tokens * 3.0 / 1e6 + usage.output_tokens * 15.0 / 1e6  # claude-sonnet-4 list price
    assert sample.model_invocations[0].estimated_cost_usd == pytest.approx(expected)
    assert sample.cost.total_cost_usd == pytest.approx(expected)
    assert artifact.summary.cost.estimated_cost_usd == pytest.approx(expected)
    assert artifact.summary.cost.per_agent[0].estimated_cost_usd == pytest.approx(expected)

    stand_in = runtime(testing={"mock_response": "hi there"})
    artifact = run_eval_sync(stand_in, request_for(stand_in, [case]))
    assert artifact.test_cases[0].samples[0].cost is None and artifact.summary.cost.estimated_cost_usd == 0.0
