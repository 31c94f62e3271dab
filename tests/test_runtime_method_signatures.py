"""The `Runtime` methods take their arguments as the published `Runtime` (flowai-harness
0.1.0a1, `_internal.pyi`) names them: positional or by the published keyword."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

from agentspec_runtime import (
    Runtime,
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
from runtime_support import collect, results, run

#: parameter names (after self) and which have defaults, as published
PUBLISHED = {
    "query": ["prompt", "thread_id", "resume"],
    "run_specialist": ["specialist", "prompt", "thread_id"],
    "run_eval": ["eval_request"],
    "stream_eval": ["eval_request"],
    "create_reference": ["reference", "value", "glimpse"],
    "resolve_reference": ["reference"],
    "reference_glimpse": ["reference"],
    "respond_to_approval": ["approval_id", "outcome", "feedback", "partial"],
}


@pytest.mark.parametrize("method", sorted(PUBLISHED))
def test_published_parameters_come_first_and_may_be_given_positionally(method: str) -> None:
    parameters = list(inspect.signature(getattr(Runtime, method)).parameters.values())[1:]
    published = [p for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert [p.name for p in published] == PUBLISHED[method]
    assert all(p.kind is p.KEYWORD_ONLY for p in parameters[len(published) :])  # our extensions only


@define_tool("ask", {"n": int}, approval="always")
def ask(args: dict[str, Any], ctx: Any) -> int:
    return args["n"]


def runtime() -> Any:
    agents = [
        define_coordinator("desk", model="claude-sonnet-4-6", routes=["worker"]),
        define_specialist("worker", model="claude-sonnet-4-6", tools=[ask]),
    ]
    return create_runtime(define_runtime(define_tenant("acme", "v1"), agents=agents), interpreter="scripted")


def test_thread_ids_positionally_and_the_published_keywords() -> None:
    rt = runtime()
    prompt = json.dumps({"tool": "ask", "args": {"n": 2}})

    async def main() -> list[dict[str, Any]]:
        events = []
        async for event in rt.run_specialist("worker", prompt, "t-1"):
            events.append(event)
            if event["type"] == "approval-required":
                assert [p["id"] for p in rt.pending_approvals("t-1")] == [event["data"]["id"]]  # thread given positionally
                await rt.respond_to_approval(approval_id=event["data"]["id"], outcome="approve", feedback="fine")
        return events

    events = run(main())
    assert results(events, "ask") == [2]
    assert {e["data"]["feedback"] for e in events if e["type"] == "approval-decision"} == {"fine"}
    queried = run(collect(rt.query("hello", "t-2")))
    assert queried[0]["agentName"] == "desk"
    by_keyword = run(collect(rt.run_specialist(specialist="worker", prompt="hi", thread_id="t-3")))
    assert by_keyword[0]["agentName"] == "worker"


def test_a_resume_token_is_refused_and_none_is_accepted() -> None:
    rt = runtime()
    with pytest.raises(ValueError, match="resume tokens .* this runtime issues none"):
        rt.query("hello", "t-1", "token-1")
    assert run(collect(rt.query("hello", "t-1", resume=None)))[-1]["type"] == "data-latency-summary"


def test_an_unknown_outcome_names_the_published_parameter() -> None:
    with pytest.raises(ValueError, match="outcome must be one of approve, reject, revise, got 'maybe'"):
        run(runtime().respond_to_approval("apr-1", "maybe"))


def test_an_eval_request_may_be_given_as_json() -> None:
    rt = runtime()
    request = define_eval_request(
        rt,
        workspace_id="ws",
        config=define_eval_config(samples_per_case=1, mode="specialist", target_agent_id="worker"),
        test_cases=[define_test_case("a", json.dumps({"tool": "ask", "args": {"n": 1}}), expected_trajectory=["ask"])],
    )

    from_json = run(rt.run_eval(eval_request=request.model_dump_json(by_alias=True)))
    from_model = run(rt.run_eval(request))

    assert [case["testCaseId"] for case in from_json["testCases"]] == ["a"]
    assert from_json["testCases"][0]["samples"][0]["aggregateScore"] == from_model["testCases"][0]["samples"][0]["aggregateScore"]
    with pytest.raises(ValueError):
        run(rt.run_eval("{not json"))


def test_create_runtime_takes_the_published_keywords_and_refuses_a_data_environment() -> None:
    parameters = inspect.signature(create_runtime).parameters
    assert list(parameters)[:10] == [
        "spec", "tool_bindings", "services", "approval_predicates", "action_dispatcher", "event_hooks",
        "data_environment", "target_database_url", "testing", "interpreter",
    ]
    spec = define_runtime(define_tenant("acme", "v1"), agents=[define_specialist("worker", model="claude-sonnet-4-6")])
    assert create_runtime(spec, data_environment=None, target_database_url=None) is not None
    with pytest.raises(ValueError, match=r"create_runtime\(target_database_url=\.\.\.\) .* needs its native engine"):
        create_runtime(spec, target_database_url="postgres://db")
    with pytest.raises(ValueError, match=r"create_runtime\(data_environment=\.\.\.\)"):
        create_runtime(spec, data_environment={"tenant_id": "acme"})
