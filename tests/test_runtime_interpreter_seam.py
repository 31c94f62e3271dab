"""The interpreter seam: what an interpreter is shown, what it may answer, what the engine does with it.

A recording interpreter plays the model: it answers from a fixed list of steps
and keeps a copy of every request, so each test can check both sides.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from agentspec_runtime import create_runtime
from agentspec_runtime.interpreters import (
    AssistantMessage,
    EndTurn,
    Interpreter,
    ModelUsage,
    StepRequest,
    TextChunk,
    ToolCall,
    ToolResult,
    UserMessage,
)
from agentspec_runtime.usage import estimate_tokens, json_text
from runtime_support import Recorder, collect, finish_of, inventory_spec, recording_dispatcher, results, run, texts, types


class Recording(Interpreter):
    """Answers step n with ``steps[n-1]`` and records a snapshot of every request."""

    name = "recording"

    def __init__(self, *steps: list[Any]) -> None:
        self.steps = list(steps)
        self.requests: list[StepRequest] = []
        self.seen_results: list[Any] = []

    async def next_step(self, request: StepRequest) -> Any:
        self.requests.append(copy.deepcopy(request))
        for part in self.steps[len(self.requests) - 1]:
            yield part
            if isinstance(part, ToolCall):
                self.seen_results.append(request.messages[-1])


#: the clerk's system prompt: its prompt and the `# Tools` table define_runtime adds
CLERK_SYSTEM = inventory_spec(Recorder()).agent("clerk").system_prompt


def clerk(interpreter: Interpreter, prompt: str = "how many?") -> list[dict[str, Any]]:
    recorder = Recorder()
    runtime = create_runtime(inventory_spec(recorder), interpreter=interpreter, action_dispatcher=recording_dispatcher(recorder))
    return run(collect(runtime.run_specialist("clerk", prompt, thread_id="t"), runtime, lambda data: "approve"))


def test_the_first_request_shows_system_prompt_prompt_and_tool_definitions() -> None:
    interpreter = Recording([TextChunk("ok"), EndTurn()])
    clerk(interpreter)
    (request,) = interpreter.requests
    # the agent's prompt, with its tools listed as define_runtime lists them (as published)
    assert request.system == CLERK_SYSTEM and request.system.startswith("Check stock.\n\n# Tools\n")
    assert "| lookup | Stock level of a SKU | never |" in request.system
    assert request.messages == [UserMessage("how many?")]
    assert request.prompt == "how many?" and request.model == "claude-haiku-4-5" and request.step == 1
    assert request.provider is not None and request.provider.name == "anthropic"
    assert [tool.name for tool in request.tools] == ["lookup", "order"]
    lookup = request.tools[0]
    assert lookup.description == "Stock level of a SKU"
    assert lookup.input_schema["properties"] == {"sku": {"type": "string"}}


def test_built_ins_are_shown_as_tools_narrowed_to_the_agent() -> None:
    recorder = Recorder()
    spec = inventory_spec(recorder)
    shown: dict[str, list[Any]] = {}
    for agent in ("ops", "planner", "executor"):
        interpreter = Recording([EndTurn()])
        runtime = create_runtime(spec, interpreter=interpreter, action_dispatcher=recording_dispatcher(recorder))
        run(collect(runtime.run_specialist(agent, "x", thread_id="t")))
        shown[agent] = list(interpreter.requests[0].tools)
    (call_agent,) = shown["ops"]
    assert call_agent.name == "call_agent"
    assert call_agent.input_schema["properties"]["agent"]["enum"] == ["planner", "executor", "clerk"]
    store_plan, get_plan = shown["planner"]  # the published role scoping: planners store and read
    assert (store_plan.name, get_plan.name) == ("storePlan", "getPlan")
    assert store_plan.input_schema["properties"]["specName"]["enum"] == ["InventoryPlan"]
    assert store_plan.input_schema["properties"]["body"]["required"] == ["rationale", "actions"]
    get_plan, execute_plan, resolve_ref, glimpse_ref = shown["executor"]  # executors read, execute, and read references
    assert (resolve_ref.name, glimpse_ref.name) == ("resolveRef", "glimpseRef")
    assert resolve_ref.input_schema["required"] == ["kind", "id"] == glimpse_ref.input_schema["required"]
    assert get_plan.name == "getPlan" and get_plan.input_schema["required"] == ["planId"]
    assert execute_plan.name == "executePlan" and execute_plan.input_schema["required"] == ["planId"]


def test_tool_calls_run_and_the_next_step_sees_their_results_with_is_error() -> None:
    interpreter = Recording(
        [TextChunk("Let me "), TextChunk("check."), ToolCall("lookup", {"sku": "A"}, id="call_1"), ToolCall("lookup", {})],
        [TextChunk("3 in stock.")],
    )
    events = clerk(interpreter)
    assert types(events) == [
        "tool-agent", "step-start", "text", "text", "tool-invocation", "tool-invocation", "tool-invocation", "tool-invocation",
        "step-start", "text", "tool-agent", "finish",
    ]
    ok, bad = results(events)
    assert ok == {"sku": "A", "stock": 3} and bad["error"].startswith("invalid arguments for tool 'lookup'")
    second = interpreter.requests[1]
    assert second.step == 2
    user, said, first_result, second_result = second.messages
    assert user == UserMessage("how many?")
    assert isinstance(said, AssistantMessage)
    assert said.text == "Let me check."  # consecutive chunks are one message
    assert said.tool_calls == [ToolCall("lookup", {"sku": "A"}, id="call_1"), ToolCall("lookup", {})]
    assert first_result == ToolResult(ToolCall("lookup", {"sku": "A"}, id="call_1"), "tool-1", ok, is_error=False)
    assert second_result.invocation_id == "tool-2" and second_result.is_error
    # within the step, each result was the last message right after its call
    assert interpreter.seen_results == [first_result, second_result]


def test_a_step_without_tool_calls_ends_the_run_and_end_turn_ends_it_even_with_calls() -> None:
    answered = Recording([TextChunk("no tools needed")])
    clerk(answered)
    assert len(answered.requests) == 1
    ended = Recording([ToolCall("lookup", {"sku": "A"}), EndTurn()])
    events = clerk(ended)
    assert len(ended.requests) == 1 and types(events)[-1] == "finish"


def test_reported_usage_is_what_the_engine_records_and_missing_fields_are_estimated() -> None:
    reported = Recording([TextChunk("hello"), ModelUsage(model="claude-haiku-4-5-20251001", input_tokens=120, output_tokens=7)])
    events = clerk(reported)
    assert events[-1]["usage"] == {"promptTokens": 120, "completionTokens": 7, "cacheReadInputTokens": 0, "cacheCreationInputTokens": 0, "totalTokens": 127}

    partial = Recording([TextChunk("hello"), ModelUsage(output_tokens=7)])
    events = clerk(partial)
    estimated_prompt = estimate_tokens(CLERK_SYSTEM) + estimate_tokens("how many?")
    assert events[-1]["usage"] == {
        "promptTokens": estimated_prompt, "completionTokens": 7, "cacheReadInputTokens": 0, "cacheCreationInputTokens": 0, "totalTokens": estimated_prompt + 7
    }


def test_the_estimate_counts_what_the_model_emitted_and_saw() -> None:
    call = ToolCall("lookup", {"sku": "A"})
    events = clerk(Recording([call], [TextChunk("done")]))
    result = results(events)[0]
    first_prompt = estimate_tokens(CLERK_SYSTEM) + estimate_tokens("how many?")
    prompt = first_prompt + first_prompt + estimate_tokens(json_text(result))
    completion = estimate_tokens(json_text({"tool": "lookup", "args": {"sku": "A"}})) + estimate_tokens("done")
    assert events[-1]["usage"] == {
        "promptTokens": prompt, "completionTokens": completion, "cacheReadInputTokens": 0, "cacheCreationInputTokens": 0, "totalTokens": prompt + completion
    }


def test_step_start_comes_with_the_first_part_and_a_silent_step_is_no_turn() -> None:
    events = clerk(Recording([]))
    assert types(events) == ["tool-agent", "tool-agent", "finish"]
    assert events[-1]["usage"]["totalTokens"] == 0


def test_approvals_happen_inside_a_tool_call_and_the_interpreter_only_sees_the_result() -> None:
    interpreter = Recording([ToolCall("order", {"sku": "A", "quantity": 2})], [EndTurn()])
    events = clerk(interpreter)
    assert types(events)[1:6] == ["step-start", "tool-invocation", "approval-required", "approval-decision", "tool-invocation"]
    assert interpreter.seen_results[0].result == {"ordered": "A", "quantity": 2}


def test_yielding_something_else_is_an_internal_error_event() -> None:
    events = clerk(Recording(["not a part"]))
    assert types(events) == ["tool-agent", "step-start", "error"]
    assert events[-1]["error"]["code"] == "internal_error"
    assert "a step yields TextChunk, ToolCall, ModelUsage or EndTurn" in events[-1]["error"]["message"]


def test_texts_of_a_routed_agent_become_the_call_agent_result() -> None:
    class Router(Interpreter):
        name = "router"

        async def next_step(self, request: StepRequest) -> Any:
            if request.agent.name == "ops":
                if request.step == 1:
                    yield ToolCall("call_agent", {"agent": "clerk", "prompt": "count"})
                else:
                    yield TextChunk(f"clerk said: {request.messages[-1].result['text']}")
            else:
                yield TextChunk("three")
                yield TextChunk(" units")

    recorder = Recorder()
    runtime = create_runtime(inventory_spec(recorder), interpreter=Router(), action_dispatcher=recording_dispatcher(recorder))
    events = run(collect(runtime.query("go", thread_id="t")))
    assert results(events, "call_agent") == [{"agent": "clerk", "text": "three units"}]
    assert texts(events)[-1] == "clerk said: three units"
    assert runtime.snapshot("t")["history"]["clerk"] == [{"prompt": "count", "output": "three units"}]


@pytest.mark.parametrize("name", ["noop", "scripted"])
def test_the_built_in_interpreters_implement_the_seam(name: str) -> None:
    events = clerk(name, prompt="plain text")  # type: ignore[arg-type]
    assert types(events)[:2] == ["tool-agent", "step-start"] and finish_of(events)["finishReason"] == "stop"
