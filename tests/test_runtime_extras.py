"""The agentspec extensions generated tests use: scripts, fixtures, approval_script,
expectations and scenarios — ending with a test written the way the compiler generates them."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from agentgate import AgentStep, AgentTrace, Scenario, StepKind

from agentspec_runtime import (
    ToolFailure,
    create_runtime,
    define_coordinator,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing import (
    ApprovalAnswer,
    ApprovalScript,
    ExpectApprovalDecision,
    ExpectDispatched,
    ExpectNoApproval,
    ExpectPlanStatus,
    RuntimeAdapter,
    agent_call,
    fails,
    failure_report,
    override_handlers,
    returns,
    run_scenario,
    script,
    tool_call,
)
from agentspec_runtime.testing.approval_script import UNANSWERED_FEEDBACK
from agentspec_runtime.live.selection import live_or
from runtime_support import Recorder, inventory_runtime, run, store_plan_call

# -- scripts ---------------------------------------------------------------------------------


def test_script_builders_produce_the_scripted_interpreters_json() -> None:
    assert tool_call("search", {"q": "x"}) == {"tool": "search", "args": {"q": "x"}}
    assert tool_call("ping") == {"tool": "ping", "args": {}}
    assert agent_call("booker", "hi") == {"tool": "call_agent", "args": {"agent": "booker", "prompt": "hi"}}
    text = script(tool_call("search", {"to": "東京"}), agent_call("booker", script()))
    assert json.loads(text) == {
        "script": [
            {"tool": "search", "args": {"to": "東京"}},
            {"tool": "call_agent", "args": {"agent": "booker", "prompt": '{"script": []}'}},
        ]
    }
    assert "東京" in text  # ensure_ascii=False


# -- fixtures ----------------------------------------------------------------------------------


def test_returns_gives_a_fresh_copy_every_call() -> None:
    fixture = returns({"flights": [{"id": "NH7"}]})
    first = run(fixture({}, {}))
    first["flights"].clear()
    assert run(fixture({}, {})) == {"flights": [{"id": "NH7"}]}


def test_fails_raises_tool_failure_with_the_message() -> None:
    with pytest.raises(ToolFailure, match="^search is down$"):
        run(fails("search is down")({}, {}))
    with pytest.raises(TypeError):
        fails(3)  # type: ignore[arg-type]


def test_a_fixture_in_a_run_answers_without_a_context_and_a_wrapper_of_it_gets_one() -> None:
    # the runtime calls a fixture's twin with the arguments alone (handlers.immediate_twin); a user's handler
    # wrapping a fixture is not the fixture, and gets the usual call with a context
    contexts: list[Any] = []
    inner = returns({"ok": True})

    @functools.wraps(inner)
    async def wrapped(args: Any, ctx: Any) -> Any:
        contexts.append(ctx)
        return await inner(args, ctx)

    tools = [
        define_tool("direct", {"q": str})(returns({"ok": True})),
        define_tool("broken", {"q": str})(fails("down")),
        define_tool("wrapped", {"q": str})(wrapped),
    ]
    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[define_specialist("clerk", model="claude-haiku-4-5", tools=tools)],
        providers=["anthropic"],
    )
    runtime = create_runtime(spec, interpreter="scripted")
    prompt = script(*(tool_call(name, {"q": "x"}) for name in ("direct", "broken", "wrapped")))

    async def drain() -> list[dict[str, Any]]:
        return [event async for event in runtime.run_specialist("clerk", prompt)]

    events = run(drain())
    found = [e["result"] for e in events if e["type"] == "tool-invocation" and e["state"] == "result"]
    assert found == [{"ok": True}, {"error": "down"}, {"ok": True}]
    assert [(ctx["agent"], ctx.tool_use_id) for ctx in contexts] == [("clerk", "scripted-tool-3")]


def travel_spec() -> Any:
    search = define_tool("search_flights", {"origin": str}, description="Find flights")(returns({"flights": ["NH7"]}))
    book = define_tool("book_flight", {"flight_id": str}, approval="always")(returns({"booked": True}))
    cancel = define_tool("cancel_booking", {"booking_id": str}, approval="always")(returns({"cancelled": True}))
    return define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[
            define_coordinator("front_desk", model="claude-sonnet-4-6", routes=["booker"]),
            define_specialist(
                "booker", model="claude-haiku-4-5", tools=[search, book, cancel]
            ),
        ],
        providers=["anthropic"],
    )


def build_runtime(**options: Any) -> Any:
    """What a generated <name>_runtime.py offers: handlers= plus create_runtime's options."""
    spec = travel_spec()
    handlers = options.pop("handlers", None)
    if handlers:
        spec = override_handlers(spec, handlers)
    options.setdefault("interpreter", "scripted")
    return create_runtime(spec, **options)


def test_override_handlers_replaces_tools_everywhere_and_leaves_the_original_alone() -> None:
    spec = travel_spec()
    copy = override_handlers(spec, {"search_flights": returns({"flights": []}), "cancel_booking": fails("no")})
    booker = copy.agent("booker")
    assert run(booker.tools[0].handler({}, {})) == {"flights": []}
    with pytest.raises(ToolFailure):
        run(booker.tools[2].handler({}, {}))
    assert run(spec.agent("booker").tools[0].handler({}, {})) == {"flights": ["NH7"]}
    assert booker.tools[0].input_schema == spec.agent("booker").tools[0].input_schema


def test_override_handlers_rejects_unknown_tools_by_name() -> None:
    with pytest.raises(ValueError, match="no tool named 'serch_flights'.*search_flights"):
        override_handlers(travel_spec(), {"serch_flights": returns({})})


# -- approval scripts ------------------------------------------------------------------------------


def test_approval_script_answers_by_target_with_a_wildcard_and_rejects_the_rest() -> None:
    answers = ApprovalScript(
        tools={"book_flight": ApprovalAnswer("approve", "looks right"), "*": ApprovalAnswer("reject")},
        plans={"p1": ApprovalAnswer("revise", "halve", {"quantity": 1})},
    )
    session = answers.session()
    assert session.decide("tool", "book_flight") == ApprovalAnswer("approve", "looks right")
    assert session.decide("tool", "cancel_booking") == ApprovalAnswer("reject")
    assert session.decide("plan", "p1").partial == {"quantity": 1}
    assert answers.answers("plan", "p2") == ()
    assert session.decide("plan", "p2") == ApprovalAnswer("reject", UNANSWERED_FEEDBACK)


def test_a_sequence_answers_requests_in_order_per_target_and_its_last_decision_repeats() -> None:
    revise, approve = ApprovalAnswer("revise", "smaller"), ApprovalAnswer("approve", "ok")
    answers = ApprovalScript(plans={"p1": [revise, approve], "*": (ApprovalAnswer("reject"), approve)})
    session = answers.session()
    assert [session.decide("plan", "p1") for _ in range(3)] == [revise, approve, approve]
    # the wildcard's sequence starts over for every plan it answers
    assert [session.decide("plan", "p2") for _ in range(2)] == [ApprovalAnswer("reject"), approve]
    assert session.decide("plan", "p3") == ApprovalAnswer("reject")
    # a new session (a new run) starts every count again
    assert answers.session().decide("plan", "p1") == revise
    with pytest.raises(TypeError, match=r"plans\['p1'\] must be an ApprovalAnswer or a non-empty sequence"):
        ApprovalScript(plans={"p1": []})


def test_approval_answers_are_checked() -> None:
    with pytest.raises(ValueError, match="approve, reject, revise"):
        ApprovalAnswer("maybe")
    with pytest.raises(TypeError, match="feedback"):
        ApprovalAnswer("approve", 3)  # type: ignore[arg-type]


# -- expectations -------------------------------------------------------------------------------------


PLAN_FLOW = script(
    agent_call("planner", script(store_plan_call("p1"))),
    agent_call("executor", script(tool_call("executePlan", {"planId": "p1"}))),
)


def plan_trace(outcome: str) -> AgentTrace:
    adapter = RuntimeAdapter(
        lambda: inventory_runtime(Recorder()),
        prompt=PLAN_FLOW,
        approvals=ApprovalScript(plans={"p1": ApprovalAnswer(outcome)}),
    )
    return adapter.run("Reorder SKU-1")


def test_expect_dispatched_compares_kind_payload_and_given_references() -> None:
    trace = plan_trace("approve")
    assert ExpectDispatched([{"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}}]).check(trace).passed
    assert ExpectDispatched(
        [{"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}, "references": []}]
    ).check(trace).passed
    wrong = ExpectDispatched([{"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 6}}]).check(trace)
    assert not wrong.passed
    assert wrong.detail == (
        "expected 1 dispatched action(s): reorder {'sku': 'SKU-1', 'quantity': 6}; "
        "the trace shows 1: reorder {'sku': 'SKU-1', 'quantity': 5}"
    )
    assert not ExpectDispatched([]).check(trace).passed


def test_expect_dispatched_nothing() -> None:
    trace = plan_trace("reject")
    assert ExpectDispatched([]).check(trace).passed
    result = ExpectDispatched([{"kind": "reorder", "payload": {}}]).check(trace)
    assert result.detail.endswith("the trace shows 0: nothing")
    assert result.trace_context == ["(no actions were dispatched)"]


def test_expect_plan_status_reads_the_last_status() -> None:
    trace = plan_trace("revise")
    assert ExpectPlanStatus("p1", "revision_requested").check(trace).passed
    result = ExpectPlanStatus("p1", "executed").check(trace)
    assert result.detail == (
        "plan 'p1' ended 'revision_requested', expected 'executed' "
        "(history: draft → pending_approval → revision_requested)"
    )
    assert ExpectPlanStatus("p9", "draft").check(trace).detail == "plan 'p9' never appeared in the run (plans seen: p1)"


def test_expect_approval_decision() -> None:
    trace = plan_trace("reject")
    assert ExpectApprovalDecision("p1", "reject").check(trace).passed
    assert ExpectApprovalDecision("p1", "reject", kind="plan").check(trace).passed
    assert not ExpectApprovalDecision("p1", "reject", kind="tool").check(trace).passed
    assert ExpectApprovalDecision("*", "reject", kind="plan").check(trace).passed  # any plan
    assert not ExpectApprovalDecision("*", "approve", kind="plan").check(trace).passed
    assert not ExpectApprovalDecision("*", "reject", kind="tool").check(trace).passed
    assert ExpectApprovalDecision("p1", "approve").check(trace).detail == (
        "expected the approval for 'p1' to be decided 'approve', but it was 'reject'"
    )
    assert ExpectApprovalDecision("book_flight", "approve", kind="tool").check(trace).detail == (
        "no approval for tool 'book_flight' was decided in the run (decisions: plan 'p1' → reject)"
    )


def test_expect_no_approval() -> None:
    requested = AgentTrace(
        input="x",
        steps=[AgentStep(StepKind.HUMAN_HANDOFF, "approval_request", input={"id": "a1", "kind": "tool", "target": "book"})],
    )
    quiet = AgentTrace(input="x", steps=[AgentStep(StepKind.TOOL_CALL, "search", input={})])
    assert ExpectNoApproval().check(quiet).passed
    assert not ExpectNoApproval().check(requested).passed
    assert not ExpectNoApproval("book", kind="tool").check(requested).passed
    assert ExpectNoApproval("search", kind="tool").check(requested).passed
    assert ExpectNoApproval("*", kind="plan").check(requested).passed  # a tool's approval is not a plan's
    assert not ExpectNoApproval("*", kind="tool").check(requested).passed
    assert ExpectNoApproval().check(requested).detail == (
        "expected no approval request for any approval, but the run requested 1: tool 'book'"
    )
    # the real runtime, through the bridge: a plan that needs approval is requested as kind "plan"
    assert not ExpectNoApproval("*", kind="plan").check(plan_trace("approve")).passed
    assert ExpectNoApproval("book", kind="tool").check(plan_trace("approve")).passed


def test_expectations_read_only_the_trace() -> None:
    trace = AgentTrace(
        input="x",
        steps=[
            AgentStep(StepKind.STATE_CHANGE, "plan:q", output="draft"),
            AgentStep(StepKind.HUMAN_HANDOFF, "approval_decision", input={"kind": "tool", "target": "t"}, output="approve"),
            AgentStep(StepKind.STATE_CHANGE, "dispatched", output=[{"kind": "k", "payload": {}, "references": []}]),
        ],
    )
    assert ExpectPlanStatus("q", "draft").check(trace).passed
    assert ExpectApprovalDecision("t", "approve", kind="tool").check(trace).passed
    assert ExpectDispatched([{"kind": "k", "payload": {}}]).check(trace).passed


# -- a generated test, end to end ---------------------------------------------------------------------


def test_book_sfo_to_nrt() -> None:
    """Book SFO to NRT (specs/travel.agentspec:42)"""
    scenario = Scenario("Book SFO to NRT", input="Book SFO→NRT", timeout_seconds=30.0, max_steps=10)
    scenario.expect_tool_call("search_flights", with_args={"origin": "SFO"}, before="book_flight")
    scenario.expect_no_tool_call("cancel_booking")
    scenario.expectations.append(ExpectDispatched([]))
    scenario.expectations.append(ExpectApprovalDecision("book_flight", "approve", kind="tool"))
    adapter = RuntimeAdapter(
        lambda: build_runtime(**live_or(interpreter="scripted"), handlers={"search_flights": returns({"flights": []})}),
        script=script(
            agent_call("booker", script(tool_call("search_flights", {"origin": "SFO"}), tool_call("book_flight", {"flight_id": "NH7"})))
        ),
        approvals=ApprovalScript(tools={"book_flight": ApprovalAnswer("approve", "looks right")}),
    )
    result = run_scenario(scenario, adapter)
    assert result.passed, failure_report(result, "specs/travel.agentspec:42")
    assert result.trace.input == "Book SFO→NRT"


def test_a_wrong_expectation_fails_with_agentgates_summary_and_the_spec_location() -> None:
    scenario = Scenario("Book SFO to NRT", input="Book SFO→NRT")
    scenario.expect_tool_call("book_flight", times=2)
    adapter = RuntimeAdapter(
        build_runtime,
        prompt=script(agent_call("booker", script(tool_call("book_flight", {"flight_id": "NH7"})))),
        approvals=ApprovalScript(tools={"*": ApprovalAnswer("approve")}),
    )
    result = run_scenario(scenario, adapter, runs=2, min_pass_rate=0.5)
    assert not result.passed
    report = failure_report(result, "specs/travel.agentspec:57")
    assert report.startswith("❌ Scenario: Book SFO to NRT — Passed 0/2 runs")
    assert "Called 1 times, expected 2" in report
    assert report.endswith("\n  at specs/travel.agentspec:57")
