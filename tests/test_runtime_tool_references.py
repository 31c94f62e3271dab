"""References from inside a run: a tool's ``ctx.references`` (create / resolve / glimpse),
the ``resolveRef`` and ``glimpseRef`` built-ins (executors by default, other agents with
``toolkits=["references"]``), and toolkit selection (``config.tools``, role-scoped ``plans``)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from agentspec_runtime import (
    ToolkitSpec,
    create_runtime,
    define_executor,
    define_planner,
    define_plan,
    define_reference,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing import script, tool_call
from runtime_support import collect, results, run

TENANT = define_tenant("acme", "v1")


class Basket(BaseModel):
    skus: list[str]


BASKET = define_reference("Basket", Basket, glimpse=lambda value: {"size": len(value.skus)})
SEEN: list[Any] = []


@define_tool("fill", {"skus": list[str]}, approval="never")
async def fill(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
    ref = await ctx.references.create(BASKET, Basket(skus=args["skus"]))
    return {"ref": {"kind": ref["kind"], "id": ref["id"]}, "glimpse": ref["glimpse"]}


@define_tool("peek", {"kind": str, "id": str}, approval="never")
async def peek(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
    return {"value": await ctx.references.resolve(args), "glimpse": await ctx.references.glimpse(args)}


def runtime(*agents: Any, **options: Any) -> Any:
    spec = define_runtime(TENANT, agents=list(agents), references=[BASKET], **options)
    return create_runtime(spec, interpreter="scripted")


def shopper(**options: Any) -> Any:
    return define_specialist("shopper", model="claude-sonnet-4-6", prompt="Shop.", tools=[fill, peek], **options)


def stream(rt: Any, agent: str, *calls: dict[str, Any], thread: str = "t-1") -> list[dict[str, Any]]:
    return run(collect(rt.run_specialist(agent, script(*calls), thread_id=thread)))


def test_a_tool_creates_a_reference_through_its_context_and_the_host_reads_it() -> None:
    rt = runtime(shopper(toolkits=["references"]))

    (created,) = results(stream(rt, "shopper", tool_call("fill", {"skus": ["a", "b", "c"]})))

    assert created == {"ref": {"kind": "Basket", "id": "Basket-1"}, "glimpse": {"size": 3}}
    assert run(rt.resolve_reference(created["ref"])) == {"skus": ["a", "b", "c"]}
    assert run(rt.reference_glimpse(created["ref"])) == {"size": 3}


def test_resolve_ref_and_glimpse_ref_answer_with_the_published_shapes() -> None:
    rt = runtime(shopper(toolkits=["references"]))
    stream(rt, "shopper", tool_call("fill", {"skus": ["a", "b"]}))
    ref = {"kind": "Basket", "id": "Basket-1"}

    events = stream(rt, "shopper", tool_call("resolveRef", ref), tool_call("glimpseRef", ref), tool_call("peek", ref))

    assert results(events, "resolveRef") == [{"kind": "Basket", "value": {"skus": ["a", "b"]}, "glimpse": {"size": 2}}]
    assert results(events, "glimpseRef") == [{"kind": "Basket", "glimpse": {"size": 2}}]
    assert results(events, "peek") == [{"value": {"skus": ["a", "b"]}, "glimpse": {"size": 2}}]


def test_an_unknown_or_malformed_reference_is_an_error_result_and_the_stream_goes_on() -> None:
    rt = runtime(shopper(toolkits=["references"]))

    events = stream(
        rt,
        "shopper",
        tool_call("resolveRef", {"kind": "Basket", "id": "Basket-9"}),
        tool_call("glimpseRef", {"kind": "Basket"}),
        tool_call("peek", {"kind": "Basket", "id": "Basket-9"}),
    )

    (unknown,) = results(events, "resolveRef")
    (malformed,) = results(events, "glimpseRef")
    (from_handler,) = results(events, "peek")
    assert unknown == {"error": "unknown reference Basket/Basket-9"}
    assert malformed["error"].startswith("invalid arguments for glimpseRef") and "id" in malformed["error"]
    assert "unknown reference Basket/Basket-9" in from_handler["error"]
    assert events[-1]["type"] == "data-latency-summary"


def test_a_thread_scoped_reference_is_not_seen_from_another_thread() -> None:
    rt = runtime(shopper(toolkits=["references"]))
    ref = run(rt.create_reference(BASKET, Basket(skus=["x"]), thread_id="t-1"))
    call = tool_call("glimpseRef", {"kind": ref["kind"], "id": ref["id"]})

    assert results(stream(rt, "shopper", call, thread="t-1")) == [{"kind": "Basket", "glimpse": {"size": 1}}]
    assert results(stream(rt, "shopper", call, thread="t-2")) == [{"error": "unknown reference Basket/Basket-1"}]


def test_executors_get_the_reference_tools_by_default_and_specialists_only_by_toolkit() -> None:
    executor = define_executor("runner", model="claude-sonnet-4-6", prompt="Run.", plan=define_plan("P", {"type": "object"}))
    rt = runtime(executor, shopper())

    shown = {name: [tool.name for tool in rt._engine.tool_definitions[name]] for name in ("runner", "shopper")}

    assert shown == {"runner": ["getPlan", "executePlan", "resolveRef", "glimpseRef"], "shopper": ["fill", "peek"]}
    (refused,) = results(stream(rt, "shopper", tool_call("resolveRef", {"kind": "Basket", "id": "Basket-1"})))
    assert "resolveRef" in refused["error"]
    assert "| resolveRef |" in rt.spec.agent("runner").system_prompt
    assert "resolveRef" not in rt.spec.agent("shopper").system_prompt


def test_a_toolkit_config_keeps_only_the_tools_it_names() -> None:
    narrowed = ToolkitSpec(id="references", config={"tools": ["glimpseRef"]})
    rt = runtime(shopper(toolkits=["references"]), toolkits=[narrowed])

    assert [tool.name for tool in rt._engine.tool_definitions["shopper"]] == ["fill", "peek", "glimpseRef"]
    prompt = rt.spec.agent("shopper").system_prompt
    assert "| glimpseRef |" in prompt and "resolveRef" not in prompt


def test_a_toolkit_config_naming_a_tool_it_lacks_is_refused() -> None:
    wrong = ToolkitSpec(id="references", config={"tools": ["dropRef"]})
    with pytest.raises(ValueError, match=r"toolkit 'references' has no tool\(s\) \['dropRef'\]"):
        runtime(shopper(toolkits=["references"]), toolkits=[wrong])


def test_the_plans_toolkit_is_scoped_by_role() -> None:
    rt = runtime(shopper(toolkits=["plans"]))
    assert [tool.name for tool in rt._engine.tool_definitions["shopper"]] == ["fill", "peek", "getPlan"]

    store = ToolkitSpec(id="plans", config={"tools": ["storePlan"]})
    with pytest.raises(ValueError, match=r"scoped by agent role; specialist agents cannot use \['storePlan'\]"):
        runtime(shopper(toolkits=["plans"]), toolkits=[store])


def test_the_context_is_a_read_only_mapping_with_references_and_as_dict() -> None:
    seen: list[Any] = []

    @define_tool("look", {}, approval="never")
    def look(args: dict[str, Any], ctx: Any) -> str:
        seen.append(ctx)
        return "ok"

    rt = create_runtime(
        define_runtime(TENANT, agents=[define_specialist("a", model="gpt-4o", tools=[look])], references=[BASKET]),
        interpreter="scripted",
        services={"shop": "the-shop"},
    )
    stream(rt, "a", tool_call("look"))

    (ctx,) = seen
    plain = ctx.as_dict()
    assert plain["shop"] == "the-shop" and plain["tool_use_id"] == ctx.tool_use_id
    assert plain["references"] is ctx.references is ctx["references"]
    assert "references" in ctx


def test_a_reference_a_tool_created_reaches_the_action_dispatcher_when_a_plan_names_it() -> None:
    plan = define_plan(
        "Restock",
        {"type": "object", "properties": {"actions": {"type": "array"}}, "required": ["actions"]},
    )
    received: list[Any] = []

    def dispatcher(actions: list[dict[str, Any]], ctx: Any) -> dict[str, Any]:
        received.append(ctx["resolved_refs"])
        return {"entitiesAffected": len(actions)}

    agents = [
        define_planner("planner", model="claude-sonnet-4-6", plan=plan, tools=[fill]),
        define_executor("executor", model="claude-sonnet-4-6", plan=plan),
    ]
    rt = create_runtime(
        define_runtime(TENANT, agents=agents, references=[BASKET]), interpreter="scripted", action_dispatcher=dispatcher
    )
    action = {"kind": "restock", "sku": "a", "references": [{"kind": "Basket", "id": "Basket-1"}]}
    store = tool_call("storePlan", {"specName": "Restock", "planId": "p1", "body": {"actions": [action]}})

    stream(rt, "planner", tool_call("fill", {"skus": ["a", "b"]}), store)
    calls = script(tool_call("glimpseRef", {"kind": "Basket", "id": "Basket-1"}), tool_call("executePlan", {"planId": "p1"}))
    events = run(collect(rt.run_specialist("executor", calls, thread_id="t-1"), rt, lambda data: "approve"))

    assert results(events, "glimpseRef") == [{"kind": "Basket", "glimpse": {"size": 2}}]
    assert received == [{"Basket": {"Basket-1": {"skus": ["a", "b"]}}}]
