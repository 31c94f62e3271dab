"""The built-in getPlan: planners and executors read a stored plan (as the published
harness scopes its plans toolkit: planner storePlan + getPlan, executor getPlan + executePlan)."""

from __future__ import annotations

from typing import Any

from agentspec_runtime import create_runtime
from agentspec_runtime.testing import script, tool_call
from runtime_support import Recorder, collect, inventory_spec, recording_dispatcher, results, run, store_plan_call


def runtime() -> Any:
    recorder = Recorder()
    return create_runtime(inventory_spec(recorder), interpreter="scripted", action_dispatcher=recording_dispatcher(recorder))


def test_get_plan_answers_with_the_record_store_plan_gave() -> None:
    rt = runtime()
    stored = results(run(collect(rt.run_specialist("planner", script(store_plan_call()), thread_id="t"))), "storePlan")
    read = results(
        run(collect(rt.run_specialist("executor", script(tool_call("getPlan", {"planId": "p1"})), thread_id="t"))),
        "getPlan",
    )
    assert read == stored and read[0]["id"] == "p1"


def test_get_plan_of_an_unknown_plan_or_without_a_plan_id_is_an_error_result() -> None:
    rt = runtime()
    prompt = script(tool_call("getPlan", {"planId": "nope"}), tool_call("getPlan", {}))
    unknown, missing = results(run(collect(rt.run_specialist("planner", prompt, thread_id="t"))), "getPlan")
    assert unknown["error"] == "no plan 'nope' in this thread"
    assert missing["error"].startswith("invalid arguments for getPlan: $: missing required key 'planId'")


def test_roles_get_the_published_plan_tools() -> None:
    rt = runtime()
    shown = {name: [d.name for d in rt._engine.tool_definitions[name]] for name in ("planner", "executor", "clerk")}
    assert shown == {"planner": ["storePlan", "getPlan"], "executor": ["getPlan", "executePlan", "resolveRef", "glimpseRef"], "clerk": ["lookup", "order"]}
