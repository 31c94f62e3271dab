"""The live agent loop, through the real ``anthropic`` and ``openai`` SDKs, against local fakes.

Every test runs on both wire formats; the main ones also without streaming.
The fake (tests/fake_providers.py) is real HTTP on 127.0.0.1 and records what
the SDK sent, so the tests check both sides: what the model was shown
(system prompt, tools with schemas, results with ``is_error``) and what the
stream's consumer saw (the same event shapes as under the scripted interpreter).
"""

from __future__ import annotations

import json

import pytest

from agentspec_runtime import create_runtime
from agentspec_runtime.testing.bridge import events_to_trace
from fake_providers import Fault, FakeProvider, Replies, ToolUse, Turn, always
from live_support import drain, live_runtime, of_type, text_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

WIRES = ["anthropic", "openai"]


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "json"])
@pytest.mark.parametrize("wire", WIRES)
def test_a_tool_loop_streams_text_dispatches_calls_and_reports_real_usage(wire: str, stream: bool) -> None:
    replies = Replies(
        Turn(text="Checking stock.", tool_calls=(ToolUse("lookup", {"sku": "A-1"}),), input_tokens=120, output_tokens=30),
        Turn(text="There are 3 of A-1.", input_tokens=160, output_tokens=12),
    )
    with FakeProvider(wire, replies) as fake:
        events = drain(live_runtime(wire, fake, stream=stream), "How many A-1?", agent="clerk")

    assert [e["type"] for e in events if e["type"] not in ("text",)] == [
        "tool-agent",
        "step-start",
        "tool-invocation",
        "tool-invocation",
        "step-start",
        "tool-agent",
        "finish",
        "data-cost-summary",
        "data-latency-summary",
    ]
    calls = of_type(events, "tool-invocation")
    assert calls[0]["state"] == "call" and calls[0]["args"] == {"sku": "A-1"}
    assert calls[1]["result"] == {"sku": "A-1", "stock": 3}
    assert calls[0]["toolInvocationId"] == f"{wire}-tool-1"
    assert text_of(events) == "Checking stock.There are 3 of A-1."
    if stream:  # streamed: several text events per message
        assert len(of_type(events, "text")) > 2
    # usage is what the provider counted, summed over the two model calls
    finish = events[-3]
    assert finish["usage"] == {
        "promptTokens": 280, "completionTokens": 42, "cacheReadInputTokens": 0, "cacheCreationInputTokens": 0, "totalTokens": 322
    }
    (cost,) = events[-2]["data"]["agents"]  # per agent, as the provider counted, with the model it reported
    assert (cost["agentName"], cost["usage"]) == ("clerk", finish["usage"])
    turns = events[-1]["data"]["turns"]
    assert [t["usage"]["promptTokens"] for t in turns] == [120, 160]
    assert [t["model"] for t in turns] == [first_model := {"anthropic": "claude-haiku-4-5", "openai": "gpt-4.1-mini"}[wire]] * 2
    assert cost["model"] == first_model
    trace = events_to_trace(events, input="How many A-1?")
    assert [s.metadata["model"] for s in trace.steps if s.kind.name == "LLM_CALL"] == [first_model] * 2

    # what the model was shown: the agent's prompt as the system prompt, its tools as JSON schema
    first, second = (entry.request for entry in fake.requests)
    assert first.system.startswith("Answer stock questions with lookup.\n\n# Tools\n")  # tools listed, as published
    assert "| refund | Refund an order | always |" in first.system
    assert first.model == {"anthropic": "claude-haiku-4-5", "openai": "gpt-4.1-mini"}[wire]
    assert first.tools == ["lookup", "refund"]
    assert first.tool_schemas["lookup"]["properties"] == {"sku": {"type": "string"}}
    assert first.stream is stream
    # the second call carries the first answer and the tool's result
    assert [m["role"] for m in second.messages] == ["user", "assistant", "tool"]
    assert json.loads(second.messages[2]["content"]) == {"sku": "A-1", "stock": 3}
    assert second.messages[2]["is_error"] is False


@pytest.mark.parametrize("wire", WIRES)
def test_the_models_mistakes_go_back_to_it_as_tool_errors(wire: str) -> None:
    replies = Replies(
        Turn(tool_calls=(ToolUse("delete_everything", {}), ToolUse("lookup", {"sku": 7}))),
        Turn(text="Sorry."),
    )
    with FakeProvider(wire, replies) as fake:
        events = drain(live_runtime(wire, fake), "Do it", agent="clerk")

    results = [e["result"] for e in of_type(events, "tool-invocation") if e["state"] == "result"]
    assert "has no tool 'delete_everything'" in results[0]["error"]
    assert "$.sku" in results[1]["error"]
    assert [e["type"] for e in events[-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]
    sent = fake.requests[1].request.tool_results
    assert [r["is_error"] for r in sent] == [True, True]
    assert "delete_everything" in sent[0]["content"]


def test_arguments_that_are_not_a_json_object_fail_the_schema_check_and_the_model_is_told() -> None:
    # only Chat Completions sends arguments as a string (Anthropic sends a JSON object)
    replies = Replies(Turn(tool_calls=(ToolUse("lookup", '{"sku": "A'),)), Turn(text="Oops."))
    with FakeProvider("openai", replies) as fake:
        events = drain(live_runtime("openai", fake), "Look up A", agent="clerk")
    call, result = of_type(events, "tool-invocation")
    assert call["args"] == {"unparsed_arguments": '{"sku": "A'}
    assert "missing required key 'sku'" in result["result"]["error"]  # type maps do not refuse extra keys (as published)
    assert fake.requests[1].request.tool_results[0]["is_error"] is True
    assert [e["type"] for e in events[-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]


@pytest.mark.parametrize("wire", WIRES)
def test_a_routed_agent_runs_its_own_loop_on_the_prompt_the_model_wrote(wire: str) -> None:
    def responder(request):
        if request.system.startswith("Route"):
            if not request.tool_results:
                return Turn(tool_calls=(ToolUse("call_agent", {"agent": "clerk", "prompt": "Stock of B-2?"}),))
            return Turn(text="The clerk says: " + json.loads(request.tool_results[-1]["content"])["text"])
        if not request.tool_results:
            return Turn(tool_calls=(ToolUse("lookup", {"sku": "B-2"}),))
        return Turn(text="3 left")

    with FakeProvider(wire, responder) as fake:
        events = drain(live_runtime(wire, fake), "How is B-2 doing?")

    kinds = [(e["type"], e.get("agentName") or e.get("toolName") or "") for e in events if e["type"] in ("tool-agent", "tool-invocation")]
    assert kinds[1:-1] == [
        ("tool-invocation", "call_agent"),
        ("tool-agent", "clerk"),
        ("tool-invocation", "lookup"),
        ("tool-invocation", "lookup"),
        ("tool-agent", "clerk"),
        ("tool-invocation", "call_agent"),
    ]
    assert kinds[0] == kinds[-1] and kinds[0][0] == "tool-agent"  # the entry agent's own pair
    assert of_type(events, "tool-invocation")[-1]["result"] == {"agent": "clerk", "text": "3 left"}
    assert text_of(events).endswith("The clerk says: 3 left")
    # the clerk's conversation starts with the prompt the coordinator's model wrote
    clerk_calls = [e.request for e in fake.requests if e.request.system.startswith("Answer")]
    assert clerk_calls[0].first_user_text == "Stock of B-2?"
    # the coordinator was offered call_agent over its routes
    desk = fake.requests[0].request
    assert "call_agent" in desk.tools
    assert desk.tool_schemas["call_agent"]["properties"]["agent"]
    # four model calls: LLM_CALL steps in the trace, one per step-start
    trace = events_to_trace(events, input="How is B-2 doing?")
    assert sum(1 for s in trace.steps if s.kind.name == "LLM_CALL") == len(fake.requests) == 4


@pytest.mark.parametrize("wire", WIRES)
def test_approvals_gate_the_models_calls_as_they_do_scripted_ones(wire: str) -> None:
    replies = Replies(Turn(tool_calls=(ToolUse("refund", {"order": "O-1", "amount": 5.0}),)), Turn(text="Refunded."))
    with FakeProvider(wire, replies) as fake:
        events = drain(live_runtime(wire, fake), "Refund O-1", agent="clerk")
    kinds = [e["type"] for e in events]
    assert kinds.index("approval-required") < kinds.index("approval-decision")
    assert of_type(events, "approval-required")[0]["data"]["target"] == "refund"
    assert of_type(events, "tool-invocation")[-1]["result"] == {"refunded": "O-1", "amount": 5.0}


@pytest.mark.parametrize("wire", WIRES)
def test_plans_are_stored_and_executed_through_the_built_ins(wire: str) -> None:
    body = {"actions": [{"kind": "reorder", "sku": "A-1", "qty": 5}]}

    def responder(request):
        done = len(request.tool_results)
        if request.system.startswith("Route"):
            steps = [
                ToolUse("call_agent", {"agent": "planner", "prompt": "Plan a restock of A-1"}),
                ToolUse("call_agent", {"agent": "executor", "prompt": "Execute plan p1"}),
            ]
            return Turn(tool_calls=(steps[done],)) if done < 2 else Turn(text="Restocked.")
        if request.system.startswith("Plan"):
            assert "storePlan" in request.tools
            return Turn(tool_calls=(ToolUse("storePlan", {"specName": "Restock", "planId": "p1", "body": body}),)) if not done else Turn(text="stored")
        assert "executePlan" in request.tools
        return Turn(tool_calls=(ToolUse("executePlan", {"planId": "p1"}),)) if not done else Turn(text="executed")

    with FakeProvider(wire, responder) as fake:
        events = drain(live_runtime(wire, fake), "Restock A-1")
    statuses = [e["data"]["to"] for e in of_type(events, "plan-status-change")]
    assert statuses == ["pending_approval", "approved"]
    executed = [e["result"] for e in of_type(events, "tool-invocation") if e["toolName"] == "executePlan" and e["state"] == "result"]
    assert [result["status"] for result in executed] == ["executed"]  # dispatching is no status event
    assert [e["type"] for e in events[-3:]] == ["finish", "data-cost-summary", "data-latency-summary"]


@pytest.mark.parametrize("wire", WIRES)
def test_a_model_that_never_stops_calling_tools_hits_the_turn_limit(wire: str) -> None:
    with FakeProvider(wire, always(Turn(tool_calls=(ToolUse("lookup", {"sku": "A"}),)))) as fake:
        events = drain(live_runtime(wire, fake, max_turns=4), "Loop forever", agent="clerk")
    assert events[-1] == {
        "type": "error",
        "error": {
            "message": "agent 'clerk' was still calling tools after 4 model turns (the live interpreter's turn limit)",
            "code": "turn_limit",
        },
    }
    assert len(fake.requests) == 4


@pytest.mark.parametrize("wire", WIRES)
def test_the_model_backed_judge_asks_the_live_model_once_and_fails_clearly(wire: str) -> None:
    import asyncio

    from agentspec_runtime.errors import StreamError
    from agentspec_runtime.live_judge import interpreter_completion

    replies = Replies(Turn(text='{"passed": true}'), Fault(status=400, message="no"))
    with FakeProvider(wire, replies) as fake:
        complete = interpreter_completion(live_runtime(wire, fake), agent="clerk")
        assert asyncio.run(complete("You judge.", "Did it work?")) == '{"passed": true}'
        with pytest.raises(StreamError, match=f"{wire} API, HTTP 400, request id req_fake_0002: invalid_request_error: no"):
            asyncio.run(complete("You judge.", "Again?"))
    sent = fake.requests[0].request
    assert (sent.system, sent.first_user_text, sent.tools, sent.stream) == ("You judge.", "Did it work?", [], False)
    # Chat Completions takes a temperature; the Messages API (anthropic SDK 2.x) has none
    assert sent.body.get("temperature") == (0 if wire == "openai" else None)


def test_a_reported_latency_is_the_turns_duration_and_the_live_loop_reports_one() -> None:
    import asyncio

    from agentspec_runtime import create_runtime
    from agentspec_runtime.interpreters import EndTurn, Interpreter, ModelUsage, TextChunk
    from live_support import shop

    class Measured(Interpreter):
        name = "measured"
        emits_summary = True

        async def next_step(self, request):
            yield TextChunk("hi")
            yield ModelUsage(model="m-1", latency_ms=12.5)
            yield EndTurn()

    events = drain(create_runtime(shop(), interpreter=Measured()), "x", agent="clerk")
    assert events[-1]["data"]["turns"] == [
        {"agent": "clerk", "model": "m-1", "durationMs": 12.5, "usage": events[-3]["usage"]}
    ]

    async def parts(interpreter, request):
        return [part async for part in interpreter.next_step(request)]

    with FakeProvider("anthropic", Replies(Turn(text="ok"))) as fake:
        runtime = live_runtime("anthropic", fake)
        clerk = runtime.spec.agent("clerk")
        from agentspec_runtime.conversation import StepRequest, UserMessage

        request = StepRequest(agent=clerk, provider=runtime.spec.providers["anthropic"], system="s", messages=[UserMessage("u")], tools=())
        usage = next(p for p in asyncio.run(parts(runtime.interpreter_instance, request)) if isinstance(p, ModelUsage))
    assert usage.latency_ms is not None and usage.latency_ms > 0


@pytest.mark.parametrize("wire", WIRES)
def test_an_agents_own_max_turns_limits_its_run_before_the_interpreters(wire: str) -> None:
    with FakeProvider(wire, always(Turn(tool_calls=(ToolUse("lookup", {"sku": "A"}),)))) as fake:
        runtime = live_runtime(wire, fake, max_turns=25)
        spec = runtime.spec
        agents = [a.model_copy(update={"max_turns": 2}) if a.name == "clerk" else a for a in spec.agents]
        limited = create_runtime(spec.model_copy(update={"agents": agents}), interpreter=runtime.interpreter_instance)
        events = drain(limited, "Loop forever", agent="clerk")
    assert events[-1]["error"] == {
        "message": "agent 'clerk' was still calling tools after 2 model turns (its max_turns)",
        "code": "turn_limit",
    }
    assert len(fake.requests) == 2
