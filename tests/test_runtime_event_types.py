"""Events are typed: every event a run streams has exactly the keys its TypedDict in
``agentspec_runtime.events`` declares (nested ``data`` too), and the trace mapping
has an entry for every event type but ``tool-agent``."""

from __future__ import annotations

import typing
from typing import Any

from agentspec_runtime import events
from agentspec_runtime.testing.bridge import TRACE_MAPPING
from agentspec_runtime.testing.scripts import agent_call, script, tool_call
from runtime_support import Recorder, collect, inventory_runtime, run, store_plan_call

PLAN_FLOW = script(
    agent_call("clerk", script(tool_call("lookup", {"sku": "SKU-1"}), tool_call("order", {"sku": "SKU-1", "quantity": 2}))),
    agent_call("planner", script(store_plan_call("p1"))),
    agent_call("executor", script(tool_call("executePlan", {"planId": "p1"}))),
)

BY_TYPE = {typing.get_type_hints(cls)["type"].__args__[0]: cls for cls in typing.get_args(events.Event)}


def check_shape(value: Any, shape: Any, where: str) -> None:
    """``value`` has every required key of ``shape``, no key it lacks, and nested TypedDicts recursively."""
    if not (isinstance(shape, type) and hasattr(shape, "__required_keys__")):
        return
    assert isinstance(value, dict), f"{where}: expected an object, got {value!r}"
    keys = set(value)
    assert shape.__required_keys__ <= keys, f"{where}: missing {sorted(shape.__required_keys__ - keys)}"
    assert keys <= shape.__required_keys__ | shape.__optional_keys__, f"{where}: unexpected {sorted(keys - shape.__required_keys__ - shape.__optional_keys__)}"
    hints = typing.get_type_hints(shape)
    for key, item in value.items():
        hint = hints[key]
        if typing.get_origin(hint) is list:
            for index, element in enumerate(item):
                check_shape(element, typing.get_args(hint)[0], f"{where}.{key}[{index}]")
        else:
            check_shape(item, hint, f"{where}.{key}")


def test_every_event_of_a_full_run_matches_its_typed_shape() -> None:
    runtime = inventory_runtime(Recorder())
    streamed = run(collect(runtime.query(PLAN_FLOW, thread_id="t"), runtime, lambda data: "approve"))
    seen = {event["type"] for event in streamed}
    assert seen >= {"step-start", "text", "tool-invocation", "tool-agent", "data-tool-agent", "approval-required",
                    "approval-decision", "plan-status-change", "data-cost-summary", "data-latency-summary", "finish"}
    failed = run(collect(inventory_runtime(Recorder()).query("{bad", thread_id="t")))
    for event in [*streamed, *failed]:
        check_shape(event, BY_TYPE[event["type"]], event["type"])
    assert failed[-1]["type"] == "error"


def test_there_is_a_typed_shape_for_every_event_type_and_a_trace_entry_for_all_but_agents_and_cost() -> None:
    assert set(BY_TYPE) == set(events.EVENT_TYPES)
    assert set(TRACE_MAPPING) == set(events.EVENT_TYPES) - {events.TOOL_AGENT, events.DATA_TOOL_AGENT, events.COST_SUMMARY}
