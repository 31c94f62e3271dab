"""The harness testing guide's runtime examples, with only the import changed.

Each test is one example from the guide: written the way a harness user writes
it, against ``agentspec_runtime`` instead of the harness package.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentspec_runtime import (
    create_runtime,
    define_coordinator,
    define_executor,
    define_plan,
    define_planner,
    define_reference,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from runtime_support import SUMMARIES, collect, finish_of, run, types

TENANT = define_tenant("acme", "v1")


def coordinator_only_spec() -> Any:
    return define_runtime(
        tenant=TENANT,
        agents=[
            define_coordinator("front_desk", model="claude-sonnet-4-6", prompt="Be helpful.", routes=["worker"]),
            define_specialist("worker", model="claude-haiku-4-5", prompt="Do the work."),
        ],
        providers=["anthropic"],
    )


# -- mocked coordinator response ------------------------------------------------


def test_mocked_coordinator_response_is_one_text_event_then_finish() -> None:
    runtime = create_runtime(coordinator_only_spec(), testing={"mock_response": "mocked runtime response"})

    events = run(collect(runtime.query("hello", thread_id="thread-1")))

    # the entry agent's run is one tool-agent pair; the text is the only output, finish ends the stream
    assert types(events) == ["tool-agent", "step-start", "text", "tool-agent", "finish"]
    assert events[2]["text"] == "mocked runtime response"
    assert events[-1]["finishReason"] == "stop"
    usage = events[-1]["usage"]
    assert usage["totalTokens"] == usage["promptTokens"] + usage["completionTokens"] > 0


def test_noop_interpreter_is_the_default_and_emits_step_start_and_finish() -> None:
    runtime = create_runtime(coordinator_only_spec())

    events = run(collect(runtime.query("hello", thread_id="t")))

    assert types(events) == ["tool-agent", "step-start", "tool-agent", "finish"]
    assert events[-1]["usage"] == {
        "promptTokens": 0, "completionTokens": 0, "cacheReadInputTokens": 0, "cacheCreationInputTokens": 0, "totalTokens": 0
    }


# -- a specialist's Python tool under the scripted interpreter ------------------


def test_specialist_python_tool_runs_under_the_scripted_interpreter() -> None:
    calls: list[tuple[dict[str, Any], str]] = []

    @define_tool("echo", {"value": str}, description="Echo a value back")
    async def echo(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        calls.append((args, ctx["tool_use_id"]))
        return {"echoed": args["value"]}

    spec = define_runtime(
        tenant=TENANT,
        agents=[define_specialist("echoer", model="claude-haiku-4-5", prompt="Echo.", tools=[echo])],
        providers=["anthropic"],
    )
    runtime = create_runtime(spec, interpreter="scripted")

    prompt = json.dumps({"tool": "echo", "args": {"value": "hello"}})
    events = run(collect(runtime.run_specialist("echoer", prompt, thread_id="thread-1")))

    assert calls == [({"value": "hello"}, "scripted-tool-1")]
    result = next(e for e in events if e["type"] == "tool-invocation" and e["state"] == "result")
    assert result == {
        "type": "tool-invocation",
        "toolInvocationId": "scripted-tool-1",
        "toolName": "echo",
        "args": {"value": "hello"},
        "state": "result",
        "result": {"echoed": "hello"},
    }
    assert {"type": "text", "text": '{"echoed": "hello"}'} in events
    assert types(events)[-3:] == ["finish", *SUMMARIES]


# -- coordinator → planner → executor --------------------------------------------

PLAN = define_plan(
    "InventoryPlan",
    {
        "type": "object",
        "properties": {"rationale": {"type": "string"}, "actions": {"type": "array"}},
        "required": ["rationale", "actions"],
    },
)
SUPPLIER = define_reference("supplier", {"name": str})


def plan_runtime(dispatcher: Any) -> Any:
    spec = define_runtime(
        tenant=TENANT,
        agents=[
            define_coordinator("ops", model="claude-sonnet-4-6", prompt="Plan, then execute.", routes=["planner", "executor"]),
            define_planner("planner", model="claude-sonnet-4-6", prompt="Store one plan.", plan=PLAN),
            define_executor("executor", model="claude-sonnet-4-6", prompt="Execute approved plans.", plan=PLAN),
        ],
        providers=["anthropic"],
        plans=[PLAN],
        references=[SUPPLIER],
    )
    return create_runtime(spec, interpreter="scripted", action_dispatcher=dispatcher)


BODY = {
    "rationale": "low stock",
    "actions": [
        {"kind": "reorder", "product_id": "SKU-1", "quantity": 5},
        {"kind": "hold", "product_id": "SKU-2", "references": [{"kind": "supplier", "id": "supplier-1"}]},
    ],
}
PLAN_SCRIPT = json.dumps(
    {
        "script": [
            {
                "tool": "call_agent",
                "args": {
                    "agent": "planner",
                    "prompt": json.dumps(
                        {"tool": "storePlan", "args": {"specName": "InventoryPlan", "planId": "p1", "body": BODY}}
                    ),
                },
            },
            {
                "tool": "call_agent",
                "args": {"agent": "executor", "prompt": json.dumps({"tool": "executePlan", "args": {"planId": "p1"}})},
            },
        ]
    }
)
NORMALISED_ACTIONS = [
    {"kind": "reorder", "payload": {"product_id": "SKU-1", "quantity": 5}, "references": []},
    {"kind": "hold", "payload": {"product_id": "SKU-2"}, "references": [{"kind": "supplier", "id": "supplier-1"}]},
]


def run_plan_flow(
    decision: str, feedback: str | None = None, partial: Any = None, dispatcher: Any = None
) -> tuple[list[dict[str, Any]], list[Any], list[str]]:
    """Run the coordinator → planner → executor script, answering the plan approval with ``decision``.

    Returns the events, the dispatcher's calls and the order of approvals and dispatches.
    """
    order: list[str] = []
    dispatched: list[Any] = []

    async def recording_dispatcher(actions: list[dict[str, Any]], context: dict[str, Any]) -> Any:
        order.append("dispatch")
        dispatched.append((actions, context))
        if dispatcher is not None:
            return dispatcher(actions, context)
        return {"entitiesAffected": len(actions), "summary": "reordered"}

    async def main() -> list[dict[str, Any]]:
        runtime = plan_runtime(recording_dispatcher)
        assert await runtime.create_reference(SUPPLIER, {"name": "Acme Parts"}) == {
            "kind": "supplier",
            "id": "supplier-1",
            "glimpse": {},
        }
        events: list[dict[str, Any]] = []
        async for event in runtime.query(PLAN_SCRIPT, thread_id="thread-1"):
            events.append(event)
            if event["type"] == "approval-required":
                order.append("approval")
                await runtime.respond_to_approval(event["data"]["id"], decision, feedback=feedback, partial=partial)
        return events

    return run(main()), dispatched, order


def execute_result(events: list[dict[str, Any]]) -> Any:
    return next(
        e["result"] for e in events if e["type"] == "tool-invocation" and e["state"] == "result" and e["toolName"] == "executePlan"
    )


def plan_statuses(events: list[dict[str, Any]]) -> list[tuple[str | None, str]]:
    return [(e["data"]["from"], e["data"]["to"]) for e in events if e["type"] == "plan-status-change"]


def test_plan_approved_dispatches_once_after_approval_with_normalised_actions() -> None:
    events, dispatched, order = run_plan_flow("approve", feedback="looks right")

    assert order == ["approval", "dispatch"]
    assert len(dispatched) == 1
    actions, context = dispatched[0]
    assert actions == NORMALISED_ACTIONS
    assert context == {"resolved_refs": {"supplier": {"supplier-1": {"name": "Acme Parts"}}}}
    required = next(e for e in events if e["type"] == "approval-required")["data"]
    assert (required["kind"], required["target"], required["resourceId"], required["threadId"]) == (
        "plan", "p1", "acme", "thread-1",
    )
    decision = next(e for e in events if e["type"] == "approval-decision")["data"]
    assert decision == {"id": required["id"], "outcome": {"outcome": "approve"}, "feedback": "looks right"}
    # published: storing a draft and dispatching are no status changes; approval-required comes first
    assert plan_statuses(events) == [("draft", "pending_approval"), ("pending_approval", "approved")]
    gate = types(events).index("approval-required")
    assert types(events)[gate : gate + 3] == ["approval-required", "plan-status-change", "approval-decision"]
    assert required["payload"]["id"] == "p1" and required["payload"]["status"] == "draft"  # the plan record
    assert required["payload"]["actions"] == {"head": NORMALISED_ACTIONS[0], "tail": NORMALISED_ACTIONS[1:]}
    result = execute_result(events)
    assert result["status"] == "executed" and result["entitiesAffected"] == 2 and result["summary"] == "reordered"
    assert types(events)[-3:] == ["finish", *SUMMARIES]


def test_plan_rejected_never_dispatches() -> None:
    events, dispatched, _ = run_plan_flow("reject", feedback="too many")

    assert dispatched == []
    result = execute_result(events)
    assert result["error"] == "Plan p1 rejected: too many" and result["rejected"] is True
    assert plan_statuses(events)[-1] == ("pending_approval", "draft")  # a draft again
    decision = next(e for e in events if e["type"] == "approval-decision")["data"]
    assert decision["outcome"] == {"outcome": "reject"}


def test_plan_revised_never_dispatches_and_returns_should_revise() -> None:
    events, dispatched, _ = run_plan_flow("revise", feedback="halve it", partial={"quantity": 2})

    assert dispatched == []
    assert execute_result(events) == {"rejected": True, "should_revise": True, "plan_id": "p1", "partial": {"quantity": 2}}
    assert plan_statuses(events)[-1] == ("pending_approval", "draft")


# -- a tool with approval="always" --------------------------------------------------


def approval_tool_runtime(ran: list[str]) -> Any:
    @define_tool("book_flight", {"flight_id": str}, approval="always", description="Book one flight")
    async def book_flight(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        ran.append(args["flight_id"])
        return {"booked": args["flight_id"]}

    spec = define_runtime(
        tenant=TENANT,
        agents=[define_specialist("booker", model="claude-haiku-4-5", prompt="Book.", tools=[book_flight])],
        providers=["anthropic"],
    )
    return create_runtime(spec, interpreter="scripted")


def test_always_approval_tool_runs_only_after_approve() -> None:
    ran: list[str] = []
    runtime = approval_tool_runtime(ran)
    seen_before_decision: list[list[str]] = []

    async def main() -> list[dict[str, Any]]:
        events = []
        async for event in runtime.run_specialist("booker", '{"tool": "book_flight", "args": {"flight_id": "NH7"}}', thread_id="t"):
            events.append(event)
            if event["type"] == "approval-required":
                seen_before_decision.append(list(ran))
                await runtime.respond_to_approval(event["data"]["id"], "approve")
        return events

    events = run(main())

    assert seen_before_decision == [[]]
    assert ran == ["NH7"]
    assert types(events)[:6] == [
        "tool-agent", "step-start", "tool-invocation", "approval-required", "approval-decision", "tool-invocation"
    ]
    required = events[3]["data"]
    assert (required["kind"], required["target"], required["payload"]) == ("tool", "book_flight", {"flight_id": "NH7"})
    assert events[5]["result"] == {"booked": "NH7"}


def test_always_approval_tool_rejected_does_not_run_and_says_so() -> None:
    ran: list[str] = []
    runtime = approval_tool_runtime(ran)

    events = run(
        collect(
            runtime.run_specialist("booker", '{"tool": "book_flight", "args": {"flight_id": "NH7"}}', thread_id="t"),
            runtime,
            lambda data: ("reject", "not today", None),
        )
    )

    assert ran == []
    result = next(e for e in events if e["type"] == "tool-invocation" and e["state"] == "result")["result"]
    # the published rejection: an error result that tells the model not to retry (plus the tool and feedback)
    assert result == {
        "error": "approval_rejected", "rejected": True, "reason": "not today", "do_not_retry": True,
        "tool": "book_flight", "feedback": "not today",
    }
    assert "text" not in types(events)  # an error result is not echoed


# -- dispatcher envelope errors -------------------------------------------------------


@pytest.mark.parametrize(
    ("returned", "names"),
    [
        ([1, 2], "got list"),
        ("done", "got str"),
        ({"summary": "no count"}, "'entitiesAffected' is missing"),
        ({"entitiesAffected": "3"}, "'entitiesAffected' must be an int, got str"),
        ({"entitiesAffected": True}, "'entitiesAffected' must be an int, got bool"),
        ({"entitiesAffected": 1, "summary": 5}, "'summary' must be a str, got int"),
        ({"entitiesAffected": 1, "entities_affected": 1}, "unexpected field 'entities_affected'"),
        ({"entitiesAffected": 1, "details": {"at": object()}}, "field 'details' must be JSON: $.details.at"),
    ],
)
def test_dispatcher_envelope_errors_become_an_execute_plan_error(returned: Any, names: str) -> None:
    events, dispatched, _ = run_plan_flow("approve", dispatcher=lambda actions, context: returned)

    assert len(dispatched) == 1
    result = execute_result(events)
    assert "action_dispatcher must return None or an object" in result["error"]
    assert names in result["error"]
    assert plan_statuses(events)[-1] == ("pending_approval", "approved")  # dispatch failing is the result's to say
    assert result["status"] == "failed"
    assert types(events)[-3:] == ["finish", *SUMMARIES]  # the stream goes on; the error is the tool's


def test_sync_dispatcher_returning_none_executes_the_plan() -> None:
    calls: list[Any] = []
    runtime = plan_runtime(lambda actions, context: calls.append(actions))

    async def main() -> list[dict[str, Any]]:
        await runtime.create_reference(SUPPLIER, {"name": "Acme Parts"})
        return await collect(runtime.query(PLAN_SCRIPT, thread_id="t"), runtime, lambda data: "approve")

    events = run(main())

    assert calls == [NORMALISED_ACTIONS]
    result = execute_result(events)
    assert result["status"] == "executed"
    # None is the empty envelope: nothing affected, the resolved actions in details (as published)
    resolved = [{"type": a["kind"], "payload": a["payload"]} for a in NORMALISED_ACTIONS]
    assert (result["entitiesAffected"], result["summary"], result["details"]) == (0, None, {"resolvedActions": resolved})


# -- testing= validation ------------------------------------------------------------------


def test_testing_with_unknown_keys_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"unsupported testing config keys: \['mock_reponse'\]"):
        create_runtime(coordinator_only_spec(), testing={"mock_reponse": "x"})


def test_testing_without_mock_response_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="mock_response"):
        create_runtime(coordinator_only_spec(), testing={})


def test_testing_with_a_non_string_response_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"testing\['mock_response'\] must be a string, got int"):
        create_runtime(coordinator_only_spec(), testing={"mock_response": 42})


def test_testing_combined_with_another_interpreter_names_both() -> None:
    with pytest.raises(ValueError) as raised:
        create_runtime(coordinator_only_spec(), testing={"mock_response": "x"}, interpreter="scripted")
    assert "either testing or a non-default interpreter" in str(raised.value) and "scripted" in str(raised.value)


def test_unknown_interpreter_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError) as raised:
        create_runtime(coordinator_only_spec(), interpreter="gpt")
    message = str(raised.value)
    assert "'gpt'" in message and all(name in message for name in ("noop", "scripted", "anthropic"))


def test_anthropic_is_a_live_interpreter_and_says_what_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    runtime = create_runtime(coordinator_only_spec(), interpreter="anthropic")

    events = run(collect(runtime.query("hello", thread_id="t")))

    assert types(events) == ["tool-agent", *SUMMARIES, "error"]  # no model turn was made
    assert events[-1]["error"] == {
        "message": "provider 'anthropic': no API key: the spec's provider 'anthropic' has no api_key "
        "and environment variable ANTHROPIC_API_KEY is not set",
        "code": "provider_config",
    }

# -- the testing guide (docs/guides/testing.md of flowai-harness 0.1.0a1), example by example --
# Each test below makes the guide's API calls, in its order, on this runtime: the harness
# import replaced by agentspec_runtime and nothing else. The code is ours; what it asserts is
# what the guide says the example shows.

UNUSED_KEY = {"anthropic": {"apiKey": "unused"}}


async def drain(stream: Any) -> list[dict[str, Any]]:
    return [event async for event in stream]


def test_guide_a_mocked_coordinator_answers_with_the_fixed_text() -> None:
    from agentspec_runtime import AgentSpec

    front = AgentSpec(
        name="coordinator", role="coordinator", model="claude-sonnet-4-6",
        system_prompt="Return a minimal response.", routes=["worker"],
    )
    helper = define_specialist(name="worker", model="claude-sonnet-4-6", prompt="Handle delegated test requests.")
    runtime = create_runtime(
        define_runtime(tenant=define_tenant("acme", "v1"), agents=[front, helper], providers=UNUSED_KEY),
        testing={"mock_response": "mocked runtime response"},
    )

    events = run(drain(runtime.query("hello", thread_id="thread-1")))

    assert any(e["type"] == "text" and "mocked runtime response" in e["text"] for e in events)
    # "a single text event followed by finish", inside the coordinator's own tool-agent pair
    assert types(events) == ["tool-agent", "step-start", "text", "tool-agent", "finish"]
    assert (events[0]["agentName"], events[0]["state"]) == ("coordinator", "call")


def test_guide_a_python_tool_handler_runs_under_the_scripted_interpreter() -> None:
    seen: list[tuple[dict[str, Any], str]] = []

    @define_tool("echo", {"value": str}, approval="never")
    async def echo(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        seen.append((args, ctx["tool_use_id"]))
        return {"echo": args["value"]}

    worker = define_specialist(name="worker", model="claude-sonnet-4-6", prompt="Use the requested tool.", tools=[echo])
    runtime = create_runtime(
        define_runtime(tenant=define_tenant("acme", "v1"), agents=[worker], providers=UNUSED_KEY), interpreter="scripted"
    )

    prompt = json.dumps({"tool": "echo", "args": {"value": "hello"}})
    events = run(drain(runtime.run_specialist("worker", prompt, thread_id="thread-1")))

    assert seen == [({"value": "hello"}, "scripted-tool-1")]
    assert any(
        e["type"] == "tool-invocation" and e["toolName"] == "echo" and e["state"] == "result" and e["result"] == {"echo": "hello"}
        for e in events
    )


def test_guide_a_coordinator_script_routes_to_the_planner_then_the_executor() -> None:
    said: list[tuple[str, str, str]] = []

    @define_tool("echo", {"value": str}, approval="never")
    async def echo(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        said.append((ctx["agent"], args["value"], ctx["tool_use_id"]))
        return {"echo": args["value"]}

    plan = define_plan("StepPlan", {"type": "object"})
    agents = [
        define_coordinator("coordinator", model="claude-sonnet-4-6", prompt="Delegate.", routes=["planner", "executor"]),
        define_planner("planner", model="claude-sonnet-4-6", prompt="Plan.", plan=plan, tools=[echo]),
        define_executor("executor", model="claude-sonnet-4-6", prompt="Execute.", plan=plan, tools=[echo]),
    ]
    spec = define_runtime(tenant=define_tenant("acme", "v1"), agents=agents, plans=[plan], providers=UNUSED_KEY)
    runtime = create_runtime(spec, interpreter="scripted")
    planner_prompt = json.dumps({"tool": "echo", "args": {"value": "plan step"}})
    executor_prompt = json.dumps({"tool": "echo", "args": {"value": "execute step"}})
    prompt = json.dumps(
        {
            "script": [
                {"tool": "call_agent", "args": {"agent": "planner", "prompt": planner_prompt}},
                {"tool": "call_agent", "args": {"agent": "executor", "prompt": executor_prompt}},
            ]
        }
    )

    events = run(drain(runtime.query(prompt, thread_id="thread-1")))

    started = [e["agentName"] for e in events if e["type"] == "tool-agent" and e["state"] == "call"]
    assert started == ["coordinator", "planner", "executor"]
    assert said == [("planner", "plan step", "scripted-tool-2"), ("executor", "execute step", "scripted-tool-4")]
    completed = [e["data"]["agentName"] for e in events if e["type"] == "data-tool-agent"]
    assert completed == ["planner", "executor"]
    routed = [e["result"] for e in events if e["type"] == "tool-invocation" and e["state"] == "result" and e["toolName"] == "call_agent"]
    assert routed == [{"agent": "planner", "text": '{"echo": "plan step"}'}, {"agent": "executor", "text": '{"echo": "execute step"}'}]


def test_guide_tool_context_fields_ids_services_and_predicate_target_and_kind() -> None:
    class Catalog:
        def size(self) -> int:
            return 3

    predicate_saw: list[tuple[str, str]] = []

    def ask_when_big(args: dict[str, Any], ctx: Any) -> bool:
        predicate_saw.append((ctx["target"], ctx["kind"]))
        return args["n"] > 2

    @define_tool("count", {"n": int}, approval=ask_when_big)
    async def count(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        catalog = ctx["services"]["catalog"]
        assert ctx.catalog is catalog and ctx["catalog"] is catalog
        return {"id": ctx["tool_use_id"], "size": catalog.size(), "n": args["n"]}

    worker = define_specialist(name="worker", model="claude-sonnet-4-6", prompt="Count.", tools=[count])
    runtime = create_runtime(
        define_runtime(tenant=define_tenant("acme", "v1"), agents=[worker], providers=UNUSED_KEY),
        interpreter="scripted",
        services={"catalog": Catalog()},
    )
    prompt = json.dumps({"script": [{"tool": "count", "args": {"n": 1}}, {"tool": "count", "args": {"n": 5}}]})

    events = run(collect(runtime.run_specialist("worker", prompt, thread_id="t"), runtime, lambda data: "approve"))

    results = [e["result"] for e in events if e["type"] == "tool-invocation" and e["state"] == "result"]
    assert results == [{"id": "scripted-tool-1", "size": 3, "n": 1}, {"id": "scripted-tool-2", "size": 3, "n": 5}]
    assert predicate_saw == [("count", "tool"), ("count", "tool")]
    assert [e["data"]["target"] for e in events if e["type"] == "approval-required"] == ["count"]  # only n > 2


# -- plans attached only to agents (docs/guides/approvals.md and docs/quickstart.md of 0.1.0a1) --
# define_runtime gets no plans=: it collects each planner's and executor's plan, as published.

DEMO_PLAN = define_plan(
    "DemoPlan",
    {
        "type": "object",
        "required": ["actions"],
        "properties": {
            "actions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind", "message"],
                    "properties": {"kind": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    },
)


def test_guide_approvals_example_plans_only_on_agents_gate_then_dispatch_after_approve() -> None:
    coordinator = define_coordinator(
        "coordinator",
        model="claude-sonnet-4-6",
        routes=["planner", "executor"],
        approval={"plans": "always", "tools": "never"},
        prompt="Route to the planner, then the executor.",
    )
    planner = define_planner("planner", model="claude-sonnet-4-6", plan=DEMO_PLAN, prompt="Store a plan.")
    executor = define_executor("executor", model="claude-sonnet-4-6", plan=DEMO_PLAN, prompt="Execute a plan.")
    order: list[str] = []

    def dispatch_actions(actions: list[dict[str, Any]], ctx: Any) -> dict[str, Any]:
        order.append("dispatch")
        return {"entitiesAffected": len(actions), "summary": "executed approved actions"}

    spec = define_runtime(
        tenant=define_tenant("acme", "v1"), agents=[coordinator, planner, executor], providers=UNUSED_KEY
    )
    runtime = create_runtime(spec, action_dispatcher=dispatch_actions, interpreter="scripted")
    planner_prompt = json.dumps(
        {
            "tool": "storePlan",
            "args": {
                "specName": "DemoPlan",
                "planId": "demo-plan-1",
                "body": {"actions": [{"kind": "record_counter", "message": "approved"}]},
            },
        }
    )
    executor_prompt = json.dumps({"tool": "executePlan", "args": {"planId": "demo-plan-1"}})
    coordinator_prompt = json.dumps(
        {
            "script": [
                {"tool": "call_agent", "args": {"agent": "planner", "prompt": planner_prompt}},
                {"tool": "call_agent", "args": {"agent": "executor", "prompt": executor_prompt}},
            ]
        }
    )

    async def main() -> list[dict[str, Any]]:
        events = []
        async for event in runtime.query(coordinator_prompt, thread_id="thread-1"):
            events.append(event)
            order.append(event["type"])
            if event["type"] == "approval-required":
                await runtime.respond_to_approval(event["data"]["id"], "approve")
        return events

    events = run(main())

    assert [plan.name for plan in spec.plans] == ["DemoPlan"]  # collected from the agents, once
    gate = [step for step in order if step in ("approval-required", "approval-decision", "dispatch")]
    assert gate == ["approval-required", "approval-decision", "dispatch"]
    (executed,) = [e["result"] for e in events if e["type"] == "tool-invocation" and e["state"] == "result" and e["toolName"] == "executePlan"]
    assert (executed["entitiesAffected"], executed["summary"]) == (1, "executed approved actions")
    assert types(events)[-3:] == ["finish", *SUMMARIES]


def test_guide_quickstart_plans_only_on_agents_with_a_tagged_union_plan_and_a_reference() -> None:
    from pydantic import BaseModel, Field

    from agentspec_runtime import TaggedUnion, glimpse, layered_prompt

    class ItemSetPayload(BaseModel):
        item_ids: list[str]

    item_set = define_reference(
        name="ItemSet",
        schema=ItemSetPayload,
        ttl_ms=60 * 60 * 1000,
        glimpse=lambda value: {"itemCount": len(value.item_ids), "preview": value.item_ids[:3]},
    )

    class StatusUpdate(BaseModel):
        kind: str = "status_update"
        item_id: str
        status: str
        references: list[dict[str, str]] = Field(default_factory=list)

    class OwnerAssignment(BaseModel):
        kind: str = "owner_assignment"
        item_ids: list[str]
        owner: str
        references: list[dict[str, str]] = Field(default_factory=list)

    class ChangePlanPayload(BaseModel):
        target_ref: str
        rationale: str
        actions: list[TaggedUnion(StatusUpdate, OwnerAssignment)]  # type: ignore[valid-type]

    change_plan = define_plan(name="ChangePlan", schema=ChangePlanPayload)

    class ItemDirectory:
        items = [
            {"id": "item-onboarding-checklist", "name": "Onboarding checklist", "category": "operations"},
            {"id": "item-support-handoff", "name": "Support handoff", "category": "operations"},
            {"id": "item-renewal-review", "name": "Renewal review", "category": "customer"},
        ]

        async def search(self, query: str, *, limit: int) -> list[dict[str, str]]:
            terms = query.lower().split()
            hits = [i for i in self.items if any(t in i["id"] or t in i["name"].lower() or t in i["category"] for t in terms)]
            return hits[:limit]

    @define_tool(
        name="search_items",
        description="Search demo items by query.",
        input_schema={"query": str, "limit": int},
        approval="never",
    )
    async def search_items(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        items = await ctx.directory.search(args["query"], limit=args["limit"])
        return {"items": items, "glimpse": glimpse({"resultCount": len(items), "preview": [i["id"] for i in items]})}

    coordinator = define_coordinator(
        name="change_coordinator",
        model="claude-sonnet-4-6",
        routes=["change_planner", "change_executor"],
        approval={"plans": "always", "tools": "never"},
        prompt=layered_prompt(identity="You coordinate structured change requests."),
    )
    planner = define_planner(
        name="change_planner",
        model="claude-sonnet-4-6",
        plan=change_plan,
        tools=[search_items],
        prompt=layered_prompt(identity="You turn requests into typed change plans.", tools=[search_items]),
    )
    executor = define_executor(
        name="change_executor",
        model="claude-sonnet-4-6",
        plan=change_plan,
        prompt=layered_prompt(identity="You execute approved ChangePlan actions."),
    )
    dispatched: list[Any] = []

    def dispatch_actions(actions: list[dict[str, Any]], ctx: Any) -> dict[str, Any]:
        resolved_sets = ctx["resolved_refs"].get("ItemSet", {})
        affected = sum(len(value["item_ids"]) for value in resolved_sets.values()) or len(actions)
        dispatched.append((actions, affected))
        return {"entitiesAffected": affected, "summary": f"Queued {len(actions)} approved change action(s)."}

    runtime = create_runtime(
        define_runtime(
            tenant=define_tenant("demo", "v1"),
            agents=[coordinator, planner, executor],
            references=[item_set],
            providers=UNUSED_KEY,
        ),
        services={"directory": ItemDirectory()},
        action_dispatcher=dispatch_actions,
        interpreter="scripted",
    )

    def build_script(item_ref: dict[str, Any]) -> str:
        handle = {"kind": item_ref["kind"], "id": item_ref["id"]}
        action = {"kind": "owner_assignment", "item_ids": ["item-onboarding-checklist", "item-support-handoff"], "owner": "ops-review", "references": [handle]}
        body = {"target_ref": item_ref["id"], "rationale": "Apply a small reviewed change.", "actions": [action]}
        planner_prompt = json.dumps(
            {
                "script": [
                    {"tool": "search_items", "args": {"query": "operations handoff", "limit": 3}},
                    {"tool": "storePlan", "args": {"specName": "ChangePlan", "planId": "change-plan-1", "body": body}},
                ]
            }
        )
        executor_prompt = json.dumps({"tool": "executePlan", "args": {"planId": "change-plan-1"}})
        return json.dumps(
            {
                "script": [
                    {"tool": "call_agent", "args": {"agent": "change_planner", "prompt": planner_prompt}},
                    {"tool": "call_agent", "args": {"agent": "change_executor", "prompt": executor_prompt}},
                ]
            }
        )

    async def main() -> tuple[dict[str, Any], list[str]]:
        item_ref = await runtime.create_reference(
            item_set,
            ItemSetPayload(item_ids=["item-onboarding-checklist", "item-support-handoff", "item-renewal-review"]),
        )
        summary: list[str] = []
        async for event in runtime.query(build_script(item_ref), thread_id="quickstart-thread"):
            if event["type"] == "tool-agent" and event["state"] == "call":
                summary.append(f"agent call: {event['agentName']}")
            if event["type"] == "tool-invocation" and event["state"] == "result" and event["toolName"] != "call_agent":
                summary.append(f"tool result: {event['toolName']}")
            if event["type"] == "approval-required":
                summary.append(f"approval required: {event['data']['kind']} {event['data']['target']}")
                await runtime.respond_to_approval(event["data"]["id"], "approve", feedback="approved in quickstart")
            if event["type"] == "approval-decision":
                summary.append(f"approval decision: {event['data']['outcome']}")
        return item_ref, summary

    item_ref, summary = run(main())

    # the quickstart's "Expected output", but for where the dispatcher's print falls (our stream
    # yields approval-decision as the engine emits it: before dispatch)
    assert item_ref["glimpse"] == {
        "itemCount": 3,
        "preview": ["item-onboarding-checklist", "item-support-handoff", "item-renewal-review"],
    }
    assert summary == [
        "agent call: change_coordinator",
        "agent call: change_planner",
        "tool result: search_items",
        "tool result: storePlan",
        "agent call: change_executor",
        "approval required: plan change-plan-1",
        "approval decision: {'outcome': 'approve'}",
        "tool result: executePlan",
    ]
    ((actions, affected),) = dispatched
    assert affected == 3  # the ItemSet the action names, resolved for the dispatcher
    assert [action["kind"] for action in actions] == ["owner_assignment"]
