"""The scripted interpreter and the stream's guarantees: clear errors, never a hang or a traceback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic import BaseModel

from agentspec_runtime import (
    Interpreter,
    ToolFailure,
    create_runtime,
    define_coordinator,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing import script, tool_call
from agentspec_runtime.interpreters import EndTurn, ModelUsage, TextChunk, ToolCall
from agentspec_runtime.usage import estimate_tokens, json_text
from runtime_support import SUMMARIES, collect, finish_of, results, run, summary_of, texts, types

TENANT = define_tenant("acme", "v1")


class Ledger:
    def __init__(self) -> None:
        self.entries: list[str] = []


def make_runtime(**options: Any) -> Any:
    @define_tool("echo", {"value": str})
    async def echo(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        return {"echoed": args["value"]}

    @define_tool("record", {"entry": str})
    def record(args: dict[str, Any], ctx: Any) -> dict[str, Any]:  # a sync handler
        ctx.ledger.entries.append(args["entry"])
        assert ctx["ledger"] is ctx.services["ledger"] is ctx.ledger
        return {"recorded": len(ctx.ledger.entries), "agent": ctx.agent, "thread": ctx.thread_id, "tenant": ctx.resource_id}

    @define_tool("explode", {})
    async def explode(args: Any, ctx: Any) -> Any:
        raise ValueError("boom")

    @define_tool("refuse", {})
    async def refuse(args: Any, ctx: Any) -> Any:
        raise ToolFailure("the supplier is closed")

    @define_tool("opaque", {})
    async def opaque(args: Any, ctx: Any) -> Any:
        return {"when": object()}

    class Query(BaseModel):
        text: str
        limit: int = 5

    @define_tool("search", Query)
    async def search(args: Query, ctx: Any) -> dict[str, Any]:
        assert isinstance(args, Query)
        return {"text": args.text, "limit": args.limit}

    spec = define_runtime(
        tenant=TENANT,
        agents=[
            define_coordinator("front", model="claude-sonnet-4-6", prompt="Route.", routes=["worker"]),
            define_specialist(
                "worker",
                model="claude-haiku-4-5",
                prompt="Work.",
                tools=[echo, record, explode, refuse, opaque, search],
                stateful=True,  # specialists are stateless unless they say so (published default)
            ),
            define_specialist("loner", model="claude-haiku-4-5", stateful=False),
        ],
        providers=["anthropic"],
    )
    options.setdefault("interpreter", "scripted")
    options.setdefault("services", {"ledger": Ledger()})
    return create_runtime(spec, **options)


def worker(prompt: str, runtime: Any = None) -> list[dict[str, Any]]:
    runtime = runtime or make_runtime()
    return run(collect(runtime.run_specialist("worker", prompt, thread_id="t")))


# -- prompts ---------------------------------------------------------------------------


def test_a_prompt_that_is_not_json_is_echoed_as_text() -> None:
    events = worker("Please check stock.")
    assert types(events) == ["tool-agent", "step-start", "text", "tool-agent", "finish", *SUMMARIES]
    assert texts(events) == ["Please check stock."]


def test_a_script_runs_calls_in_order_with_numbered_tool_ids() -> None:
    events = worker(script(tool_call("echo", {"value": "a"}), tool_call("echo", {"value": "b"})))
    calls = [e for e in events if e["type"] == "tool-invocation"]
    assert [(c["toolInvocationId"], c["state"]) for c in calls] == [
        ("scripted-tool-1", "call"), ("scripted-tool-1", "result"), ("scripted-tool-2", "call"), ("scripted-tool-2", "result"),
    ]
    assert texts(events) == ['{"echoed": "a"}', '{"echoed": "b"}']
    assert types(events).count("step-start") == 2


def test_args_may_be_omitted_and_mean_no_arguments() -> None:
    events = worker('{"script": [{"tool": "refuse"}]}')
    assert results(events) == [{"error": "the supplier is closed"}]


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ('{"tool": "echo", "args": ', "invalid JSON"),
        ('[{"tool": "echo"}]', "got a JSON list"),
        ('{"tol": "echo"}', "expected a 'tool' or a 'script' key"),
        ('{"tool": "echo", "arg": {}}', "unexpected key 'arg'"),
        ('{"tool": "", "args": {}}', "non-empty string 'tool'"),
        ('{"tool": "echo", "args": [1]}', "'args' must be an object"),
        ('{"script": {"tool": "echo"}}', "'script' must be a list"),
        ('{"script": ["echo"]}', "script[0] must be an object"),
        ('{"script": [], "then": 1}', "unexpected key 'then'"),
    ],
)
def test_a_malformed_script_ends_with_an_error_event_and_runs_nothing(prompt: str, message: str) -> None:
    events = worker(prompt)
    # no step, no tool call; what the run cost comes before the error, which ends the stream
    assert types(events) == ["tool-agent", *SUMMARIES, "error"]
    assert events[-1]["error"]["code"] == "invalid_script"
    assert message in events[-1]["error"]["message"]


def test_a_shape_error_late_in_a_script_stops_it_before_the_first_call() -> None:
    ledger = Ledger()
    runtime = make_runtime(services={"ledger": ledger})
    events = worker('{"script": [{"tool": "record", "args": {"entry": "x"}}, {"tool": 7}]}', runtime)
    assert ledger.entries == []
    assert events[-1]["type"] == "error"


# -- run-time mistakes are tool results ------------------------------------------------


def test_an_unknown_tool_is_an_error_result_and_the_script_goes_on() -> None:
    events = worker(script(tool_call("teleport", {}), tool_call("echo", {"value": "still here"})))
    first, second = results(events)
    assert first["error"].startswith("agent 'worker' has no tool 'teleport'")
    assert "echo" in first["error"]
    assert second == {"echoed": "still here"}
    assert types(events)[-3:] == ["finish", *SUMMARIES]


def test_args_failing_the_schema_are_an_error_result_and_the_handler_does_not_run() -> None:
    ledger = Ledger()
    events = worker(script(tool_call("record", {"entry": 3})), make_runtime(services={"ledger": ledger}))
    assert ledger.entries == []
    assert results(events) == [{"error": "invalid arguments for tool 'record': $.entry: expected string, got integer"}]
    assert texts(events) == []  # an error result is not echoed


def test_handler_failures_become_error_results() -> None:
    events = worker(script(tool_call("explode"), tool_call("refuse"), tool_call("opaque")))
    assert results(events) == [
        {"error": "tool 'explode' raised ValueError: boom"},
        {"error": "the supplier is closed"},
        {"error": "tool 'opaque' returned a value that is not JSON-serialisable: $.when: a value of type object is not JSON-serialisable"},
    ]
    assert types(events)[-3:] == ["finish", *SUMMARIES]


def test_a_pydantic_input_model_gives_the_handler_a_model_instance() -> None:
    events = worker(script(tool_call("search", {"text": "nrt"})))
    assert results(events) == [{"text": "nrt", "limit": 5}]
    events = worker(script(tool_call("search", {"limit": "x"})))
    assert results(events)[0]["error"].startswith("invalid arguments for tool 'search': $.text: Field required")


def test_a_sync_handler_gets_services_and_context() -> None:
    ledger = Ledger()
    events = worker(script(tool_call("record", {"entry": "a"})), make_runtime(services={"ledger": ledger}))
    assert ledger.entries == ["a"]
    assert results(events) == [{"recorded": 1, "agent": "worker", "thread": "t", "tenant": "acme"}]


# -- routed agents ------------------------------------------------------------------------


def front(prompt: str, runtime: Any = None) -> list[dict[str, Any]]:
    runtime = runtime or make_runtime()
    return run(collect(runtime.query(prompt, thread_id="t")))


def test_call_agent_nests_the_routed_run_and_tool_ids_continue() -> None:
    nested = script(tool_call("echo", {"value": "x"}))
    events = front(script({"tool": "call_agent", "args": {"agent": "worker", "prompt": nested}}))

    agent_events = [(e["agentName"], e["state"], e["toolInvocationId"]) for e in events if e["type"] == "tool-agent"]
    assert agent_events == [
        ("front", "call", "entry-front"),
        ("worker", "call", "scripted-tool-1"),
        ("worker", "result", "scripted-tool-1"),
        ("front", "result", "entry-front"),
    ]
    echo_call = next(e for e in events if e["type"] == "tool-invocation" and e["toolName"] == "echo")
    assert echo_call["toolInvocationId"] == "scripted-tool-2"
    assert results(events, "call_agent") == [{"agent": "worker", "text": '{"echoed": "x"}'}]
    kinds = ("tool-invocation", "tool-agent", "data-tool-agent")
    order = [(e["type"], e.get("toolName"), e.get("state")) for e in events if e["type"] in kinds]
    assert order == [
        ("tool-agent", None, "call"),
        ("tool-invocation", "call_agent", "call"),
        ("tool-agent", None, "call"),
        ("tool-invocation", "echo", "call"),
        ("tool-invocation", "echo", "result"),
        ("data-tool-agent", None, None),  # the routed agent's usage, as it completes
        ("tool-agent", None, "result"),
        ("tool-invocation", "call_agent", "result"),
        ("tool-agent", None, "result"),
    ]
    (completed,) = [e["data"] for e in events if e["type"] == "data-tool-agent"]
    worker_turns = [t for t in summary_of(events)["turns"] if t["agent"] == "worker"]
    assert (completed["agentName"], completed["model"]) == ("worker", worker_turns[0]["model"])
    assert completed["usage"]["totalTokens"] == sum(t["usage"]["totalTokens"] for t in worker_turns) > 0


def test_routing_to_an_agent_not_in_routes_is_an_error_result() -> None:
    events = front(script({"tool": "call_agent", "args": {"agent": "loner", "prompt": "hi"}}))
    assert results(events) == [{"error": "agent 'front' cannot route to 'loner' (its routes: worker)"}]
    assert [e["agentName"] for e in events if e["type"] == "tool-agent"] == ["front", "front"]  # only the entry pair


def test_call_agent_with_bad_args_is_an_error_result() -> None:
    events = front(script({"tool": "call_agent", "args": {"agent": "worker"}}))
    assert results(events) == [{"error": "invalid arguments for call_agent: $: missing required key 'prompt'"}]


def test_a_malformed_nested_script_fails_the_call_not_the_stream() -> None:
    events = front(script({"tool": "call_agent", "args": {"agent": "worker", "prompt": "{oops"}}))
    (result,) = results(events)
    assert result["error"].startswith("agent 'worker' failed: malformed script: invalid JSON")
    assert result["code"] == "invalid_script"
    assert types(events)[-3:] == ["finish", *SUMMARIES]
    assert "error" not in types(events)
    # the failed routed run's pair is still closed (no usage event: it did not complete)
    worker = [(e["state"]) for e in events if e["type"] == "tool-agent" and e["agentName"] == "worker"]
    assert worker == ["call", "result"] and "data-tool-agent" not in types(events)


def test_an_agent_without_routes_has_no_call_agent() -> None:
    events = worker(script({"tool": "call_agent", "args": {"agent": "front", "prompt": "x"}}))
    assert results(events)[0]["error"].startswith("agent 'worker' has no tool 'call_agent'")


# -- the stream's guarantees ---------------------------------------------------------------


class Broken(Interpreter):
    name = "broken"

    async def next_step(self, request: Any) -> Any:
        yield ModelUsage()  # the model call began (step-start) ...
        raise RuntimeError("interpreter bug")


def test_an_unexpected_bug_ends_the_stream_with_an_internal_error_event() -> None:
    runtime = make_runtime(interpreter=Broken())
    events = run(collect(runtime.query("hi", thread_id="t")))
    assert types(events) == ["tool-agent", "step-start", "error"]  # no summaries: this interpreter reports none
    assert events[-1]["error"] == {"message": "internal error: RuntimeError: interpreter bug", "code": "internal_error"}


def test_nothing_follows_an_error_event() -> None:
    for prompt in ("{bad", '{"script": 1}'):
        events = worker(prompt)
        assert types(events).index("error") == len(events) - 1


def test_usage_is_deterministic_and_follows_the_documented_estimate() -> None:
    prompt = script(tool_call("echo", {"value": "hello"}))
    first = worker(prompt)
    second = worker(prompt)
    assert finish_of(first)["usage"] == finish_of(second)["usage"]

    call_tokens = estimate_tokens(json_text({"tool": "echo", "args": {"value": "hello"}}))
    echo_tokens = estimate_tokens(json_text({"echoed": "hello"}))
    system = make_runtime().spec.agent("worker").system_prompt  # "Work." and its `# Tools` table
    prompt_tokens = estimate_tokens(system) + estimate_tokens(prompt)
    assert finish_of(first)["usage"] == {
        "promptTokens": prompt_tokens,
        "completionTokens": call_tokens + echo_tokens,
        "cacheReadInputTokens": 0,
        "cacheCreationInputTokens": 0,
        "totalTokens": prompt_tokens + call_tokens + echo_tokens,
    }


def test_later_turns_count_earlier_tool_results_as_prompt() -> None:
    events = worker(script(tool_call("echo", {"value": "a"}), tool_call("echo", {"value": "b"})))
    first, second = summary_of(events)["turns"]
    assert second["usage"]["promptTokens"] == first["usage"]["promptTokens"] + estimate_tokens('{"echoed": "a"}')


def test_the_latency_summary_lists_turns_in_step_order() -> None:
    nested = script(tool_call("echo", {"value": "x"}))
    events = front(script({"tool": "call_agent", "args": {"agent": "worker", "prompt": nested}}))
    assert types(events)[-3:] == ["finish", *SUMMARIES]
    turns = summary_of(events)["turns"]
    assert [turn["agent"] for turn in turns] == ["front", "worker"]
    assert sum(t["usage"]["totalTokens"] for t in turns) == finish_of(events)["usage"]["totalTokens"]


# -- API misuse raises at the call ----------------------------------------------------------


def test_api_misuse_raises_immediately() -> None:
    runtime = make_runtime()
    with pytest.raises(ValueError, match="no agent named 'ghost'"):
        runtime.run_specialist("ghost", "hi")
    with pytest.raises(TypeError, match="prompt must be a str"):
        runtime.query({"tool": "echo"})  # type: ignore[arg-type]
    solo = create_runtime(
        define_runtime(tenant=TENANT, agents=[define_specialist("a", model="gpt-4o")], providers=["openai"])
    )
    with pytest.raises(ValueError, match="has none"):
        solo.query("hi")


def test_without_a_thread_id_each_stream_gets_its_own() -> None:
    runtime = make_runtime()

    async def main() -> list[str]:
        ids = []
        for _ in range(2):
            async for event in runtime.run_specialist("worker", json.dumps({"tool": "record", "args": {"entry": "x"}})):
                if event["type"] == "tool-invocation" and event["state"] == "result":
                    ids.append(event["result"]["thread"])
        return ids

    assert run(main()) == ["thread-1", "thread-2"]


def test_stateful_agents_keep_history_per_thread_and_stateless_ones_do_not() -> None:
    runtime = make_runtime()

    async def main() -> None:
        await collect(runtime.run_specialist("worker", "first", thread_id="a"))
        await collect(runtime.run_specialist("loner", "hello", thread_id="a"))

    run(main())
    assert runtime.snapshot("a")["history"] == {"worker": [{"prompt": "first", "output": "first"}]}
    assert runtime.snapshot("b")["history"] == {}


def test_a_runs_output_is_its_texts_one_per_line_in_history_as_in_call_agent() -> None:
    runtime = make_runtime()
    prompt = script(tool_call("echo", {"value": "a"}), tool_call("echo", {"value": "b"}))
    run(collect(runtime.run_specialist("worker", prompt, thread_id="t")))
    (entry,) = runtime.snapshot("t")["history"]["worker"]
    assert entry["output"] == '{"echoed": "a"}\n{"echoed": "b"}'


# -- approvals API ---------------------------------------------------------------------------


def gated_runtime() -> Any:
    @define_tool("launch", {}, approval="always")
    async def launch(args: Any, ctx: Any) -> str:
        return "launched"

    spec = define_runtime(
        tenant=TENANT, agents=[define_specialist("pilot", model="gpt-4o", tools=[launch])], providers=["openai"]
    )
    return create_runtime(spec, interpreter="scripted")


def test_respond_to_approval_rejects_bad_calls() -> None:
    runtime = gated_runtime()

    async def main() -> None:
        stream = runtime.run_specialist("pilot", '{"tool": "launch"}', thread_id="t")
        async for event in stream:
            if event["type"] == "approval-required":
                approval_id = event["data"]["id"]
                with pytest.raises(ValueError, match="outcome must be one of approve, reject, revise"):
                    await runtime.respond_to_approval(approval_id, "yes")
                with pytest.raises(ValueError, match="no pending approval 'approval-99'"):
                    await runtime.respond_to_approval("approval-99", "approve")
                with pytest.raises(TypeError, match="feedback"):
                    await runtime.respond_to_approval(approval_id, "approve", feedback=3)  # type: ignore[arg-type]
                await runtime.respond_to_approval(approval_id, "approve")
                with pytest.raises(ValueError, match="already decided"):
                    await runtime.respond_to_approval(approval_id, "reject")
        assert runtime.pending_approvals() == []

    run(main())


def test_closing_a_paused_stream_releases_its_approval() -> None:
    runtime = gated_runtime()

    async def main() -> None:
        stream = runtime.run_specialist("pilot", '{"tool": "launch"}', thread_id="t")
        async for event in stream:
            if event["type"] == "approval-required":
                break
        assert runtime.pending_approvals("t") == [
            {"id": event["data"]["id"], "kind": "tool", "target": "launch", "threadId": "t"}
        ]
        await stream.aclose()  # type: ignore[attr-defined]
        assert runtime.pending_approvals() == []
        with pytest.raises(ValueError, match="no pending approval"):
            await runtime.respond_to_approval(event["data"]["id"], "approve")

    run(main())


def test_an_approval_answered_from_another_task_resumes_the_stream() -> None:
    runtime = gated_runtime()

    async def approver() -> None:
        while not runtime.pending_approvals():
            await asyncio.sleep(0)
        await runtime.respond_to_approval(runtime.pending_approvals()[0]["id"], "approve")

    async def main() -> list[dict[str, Any]]:
        task = asyncio.create_task(approver())
        events = await collect(runtime.run_specialist("pilot", '{"tool": "launch"}', thread_id="t"))
        await task
        return events

    assert results(run(main())) == ["launched"]


class Polite(Interpreter):
    """The custom interpreter from docs/runtime.md."""

    name = "polite"

    async def next_step(self, request: Any) -> Any:
        yield ToolCall("echo", {"value": request.prompt})  # validation, approvals, handler
        result = request.messages[-1]  # the engine ran the call: its ToolResult is the last message
        yield TextChunk(f"Thanks! {result.result}")
        yield ModelUsage(output_tokens=5)  # input tokens left out: the engine estimates them
        yield EndTurn()


def test_a_custom_interpreter_uses_the_same_tool_machinery() -> None:
    runtime = make_runtime(interpreter=Polite())
    events = run(collect(runtime.run_specialist("worker", "hi", thread_id="t")))
    assert types(events) == ["tool-agent", "step-start", "tool-invocation", "tool-invocation", "text", "tool-agent", "finish"]
    assert events[2]["toolInvocationId"] == "tool-1"
    assert texts(events) == ["Thanks! {'echoed': 'hi'}"]
    assert events[-1]["usage"]["completionTokens"] == 5
