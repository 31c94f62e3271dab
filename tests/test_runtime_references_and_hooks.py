"""Runtime.create_reference / resolve_reference / reference_glimpse, create_runtime's
event_hooks, and the `# Tools` table define_runtime writes into prompts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

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
    layered_prompt,
)
from agentspec_runtime.testing import script, tool_call
from runtime_support import collect, run, types

TENANT = define_tenant("acme", "v1")


class Selection(BaseModel):
    ids: list[str]
    label: str


def selection_runtime(**reference_options: Any) -> Any:
    selection = define_reference("Selection", Selection, **reference_options)
    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o")], references=[selection])
    return create_runtime(spec), selection


# -- references -------------------------------------------------------------------------


def test_create_reference_runs_the_specs_glimpse_once_and_returns_it() -> None:
    seen: list[Any] = []

    def summary(value: Selection) -> dict[str, Any]:
        seen.append(value)
        return {"count": len(value.ids), "label": value.label}

    runtime, selection = selection_runtime(glimpse=summary)
    value = Selection(ids=["a", "b", "c"], label="Control")

    ref = run(runtime.create_reference(selection, value))

    assert ref == {"kind": "Selection", "id": "Selection-1", "glimpse": {"count": 3, "label": "Control"}}
    assert seen == [value]
    assert run(runtime.reference_glimpse(ref)) == {"count": 3, "label": "Control"}
    assert run(runtime.resolve_reference({"kind": "Selection", "id": "Selection-1"})) == {
        "ids": ["a", "b", "c"],
        "label": "Control",
    }


def test_an_explicit_glimpse_wins_and_without_one_the_glimpse_is_empty() -> None:
    runtime, _ = selection_runtime(glimpse=lambda value: {"never": "called"})
    ref = run(runtime.create_reference("Selection", {"ids": [], "label": "x"}, {"given": True}))
    assert ref["glimpse"] == {"given": True}
    plain, _ = selection_runtime()
    assert run(plain.create_reference("Selection", {"ids": [], "label": "x"}))["glimpse"] == {}


def test_resolving_gives_a_copy_and_unknown_or_malformed_references_are_refused() -> None:
    runtime, _ = selection_runtime()
    ref = run(runtime.create_reference("Selection", {"ids": ["a"], "label": "x"}))
    run(runtime.resolve_reference(ref))["ids"].append("changed")
    assert run(runtime.resolve_reference(ref))["ids"] == ["a"]
    with pytest.raises(ValueError, match="unknown reference Selection/Selection-9"):
        run(runtime.resolve_reference({"kind": "Selection", "id": "Selection-9"}))
    with pytest.raises(TypeError, match="kind"):
        run(runtime.reference_glimpse("Selection-1"))


def test_an_expired_reference_is_refused() -> None:
    runtime, _ = selection_runtime(ttl_ms=0)
    ref = run(runtime.create_reference("Selection", {"ids": [], "label": "x"}))
    with pytest.raises(ValueError, match="expired"):
        run(runtime.resolve_reference(ref))


def test_a_payload_that_does_not_match_the_schema_is_refused() -> None:
    runtime, _ = selection_runtime()
    with pytest.raises(ValueError, match="does not match reference 'Selection'"):
        run(runtime.create_reference("Selection", {"ids": "a"}))


# -- event hooks -----------------------------------------------------------------------


def hooked_runtime(*hooks: Any) -> Any:
    @define_tool("echo", {"value": str})
    async def echo(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        return args

    spec = define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o", tools=[echo])])
    return create_runtime(spec, interpreter="scripted", event_hooks=list(hooks))


def test_event_hooks_see_every_event_before_the_consumer_sync_or_async() -> None:
    seen: list[str] = []
    awaited: list[str] = []

    async def later(event: dict[str, Any]) -> None:
        awaited.append(event["type"])

    runtime = hooked_runtime(lambda event: seen.append(event["type"]), later)
    events = run(collect(runtime.run_specialist("a", script(tool_call("echo", {"value": "x"})), thread_id="t")))

    assert seen == awaited == types(events)
    assert "finish" in types(events) and "tool-invocation" in types(events)


def test_a_hook_that_raises_ends_the_stream_with_an_error_event() -> None:
    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    events = run(collect(hooked_runtime(broken).run_specialist("a", "hi", thread_id="t")))

    assert events == [
        {"type": "error", "error": {"message": "event hook raised RuntimeError: boom", "code": "event_hook_error"}}
    ]


# -- the # Tools table in prompts --------------------------------------------------------


def test_define_runtime_lists_each_agents_built_in_and_bound_tools_in_its_prompt() -> None:
    plan = define_plan("P", {"type": "object"})
    search = define_tool("search", {"q": str}, description="Search | things", approval="always")
    spec = define_runtime(
        TENANT,
        agents=[
            define_coordinator("front", model="gpt-4o", prompt="Route.", routes=["planner", "executor"]),
            define_planner("planner", model="gpt-4o", prompt="Plan.", plan=plan, tools=[search]),
            define_executor("executor", model="gpt-4o", prompt="Execute.", plan=plan),
            define_specialist("quiet", model="gpt-4o", prompt="Answer."),
        ],
    )
    front, planner, executor, quiet = spec.agents

    assert front.system_prompt.startswith("Route.\n\n# Tools\n")
    assert "| call_agent | Hand a task to another agent and get its answer back. | runtime |" in front.system_prompt
    assert "| search | Search \\| things | always |" in planner.system_prompt
    assert "storePlan" in planner.system_prompt and "executePlan" not in planner.system_prompt
    assert "executePlan" in executor.system_prompt and "storePlan" not in executor.system_prompt
    assert quiet.system_prompt == "Answer." and quiet.prompt_cache_key is None
    assert planner.prompt_cache_key is not None


def test_rows_the_prompt_already_has_win_and_the_cache_key_follows_the_text() -> None:
    prompt = layered_prompt(identity="You search.", tools=[{"name": "search", "description": "Ours.", "approval": "never"}])
    search = define_tool("search", {"q": str}, description="Theirs.")
    agent = define_specialist("s", model="gpt-4o", prompt=prompt, tools=[search])
    (rendered,) = define_runtime(TENANT, agents=[agent]).agents
    assert rendered.system_prompt == prompt.text and rendered.prompt_cache_key == prompt.cache_key

    other = define_specialist("s", model="gpt-4o", prompt=layered_prompt(identity="You search."), tools=[search])
    (added,) = define_runtime(TENANT, agents=[other]).agents
    assert "Theirs." in added.system_prompt and added.prompt_cache_key != other.prompt_cache_key


def test_the_built_in_rows_describe_the_tools_as_the_runtime_defines_them() -> None:
    plan = define_plan("P", {"type": "object"})
    spec = define_runtime(
        TENANT,
        agents=[
            define_coordinator("front", model="gpt-4o", routes=["planner", "executor"]),
            define_planner("planner", model="gpt-4o", plan=plan),
            define_executor("executor", model="gpt-4o", plan=plan),
        ],
    )
    runtime = create_runtime(spec)
    for agent in spec.agents:
        for definition in runtime._engine.tool_definitions[agent.name]:
            assert f"| {definition.name} | {definition.description} | runtime |" in agent.system_prompt
