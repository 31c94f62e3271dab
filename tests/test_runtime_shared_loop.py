"""Scenarios share one event loop and run without agentgate's worker thread
(agentspec_runtime.testing.loop, runner.run_scenario): what one scenario
leaves behind never reaches the next, and timeouts still end a hung run."""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from typing import Any

import pytest
from hypothesis import given, strategies as st

from agentgate import Scenario

from agentspec_runtime import (
    Interpreter,
    create_runtime,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.errors import StreamTimeout
from agentspec_runtime.interpreters import ModelUsage
from agentspec_runtime.jsonable import copy_value
from agentspec_runtime.testing import RuntimeAdapter, run_scenario, script, tool_call
from agentspec_runtime.testing import loop


def spec_with(handler: Any, name: str = "poke") -> Any:
    tool = define_tool(name, {"n": int}, description="a tool")(handler)
    return define_runtime(
        tenant=define_tenant("t", "v1"),
        agents=[define_specialist("clerk", model="claude-haiku-4-5", prompt="p", tools=[tool])],
        providers=["anthropic"],
    )


def adapter_for(spec: Any, **options: Any) -> RuntimeAdapter:
    return RuntimeAdapter(
        lambda: create_runtime(spec, interpreter="scripted"),
        agent="clerk",
        script=script(tool_call("poke", {"n": 1})),
        **options,
    )


def test_scenarios_run_on_one_loop_in_the_calling_thread() -> None:
    seen: list[tuple[Any, Any]] = []

    async def poke(args: Any, ctx: Any) -> Any:
        seen.append((asyncio.get_running_loop(), threading.current_thread()))
        return {"ok": True}

    spec = spec_with(poke)
    for _ in range(3):
        result = run_scenario(Scenario("s", input="x").expect_no_error(), adapter_for(spec))
        assert result.passed, result.summary()
    loops, threads = {id(l) for l, _ in seen}, {t for _, t in seen}
    assert len(seen) == 3 and len(loops) == 1 and threads == {threading.main_thread()}


@pytest.mark.parametrize("registry", ["asyncio's", "none"])
def test_a_task_a_scenario_leaves_behind_is_cancelled_before_the_next_scenario(registry: str, monkeypatch: Any) -> None:
    # "none": a Python whose asyncio keeps no _all_tasks WeakSet, where loop asks asyncio.all_tasks alone
    if registry == "none":
        monkeypatch.setattr(loop, "_REGISTRY", None)
    else:
        assert loop._REGISTRY is not None  # this Python's (3.11): the shortcut for "no task at all" is on
    log: list[str] = []

    async def leave_a_task_behind(args: Any, ctx: Any) -> Any:
        async def later() -> None:
            try:
                await asyncio.sleep(0.05)
                log.append("the first scenario's task ran on")
            except asyncio.CancelledError:
                log.append("cancelled")
                raise

        asyncio.ensure_future(later())
        return {"ok": True}

    async def slow(args: Any, ctx: Any) -> Any:
        await asyncio.sleep(0.2)  # long enough for the first task to wake, had it survived
        log.append("second scenario done")
        return {"ok": True}

    first = run_scenario(Scenario("a", input="x").expect_no_error(), adapter_for(spec_with(leave_a_task_behind)))
    second = run_scenario(Scenario("b", input="x").expect_no_error(), adapter_for(spec_with(slow)))

    assert first.passed and second.passed
    assert log == ["cancelled", "second scenario done"]
    assert not asyncio.all_tasks(loop._main_loop())


def test_runtime_state_does_not_leak_between_scenarios() -> None:
    async def poke(args: Any, ctx: Any) -> Any:
        return {"ok": True}

    spec = spec_with(poke)
    traces = []
    for name in ("a", "b"):
        result = run_scenario(Scenario(name, input="x").expect_no_error(), adapter_for(spec))
        traces.append(result.trace)
    # each scenario's adapter makes a fresh runtime: same thread id, no history carried over
    assert [t.metadata["thread_id"] for t in traces] == ["agentgate-run-1", "agentgate-run-1"]
    for trace in traces:
        assert [step.name for step in trace.steps if step.kind.value == "tool_call"] == ["poke"]


class Stuck(Interpreter):
    name = "stuck"

    async def next_step(self, request: Any) -> Any:
        yield ModelUsage()
        await asyncio.Event().wait()  # a model that never answers


def stuck_adapter(**options: Any) -> RuntimeAdapter:
    async def poke(args: Any, ctx: Any) -> Any:
        return {}

    return RuntimeAdapter(lambda: create_runtime(spec_with(poke), interpreter=Stuck()), agent="clerk", **options)


def test_the_scenario_timeout_ends_a_hung_run_as_a_timed_out_failure() -> None:
    scenario = Scenario("hangs", input="x", timeout_seconds=0.1).expect_no_error()
    result = run_scenario(scenario, stuck_adapter(timeout_seconds=60.0))
    assert not result.passed
    assert result.timed_out
    assert "did not finish within 0.1 s" in result.summary()
    # the loop is usable afterwards: the next scenario runs and passes
    async def poke(args: Any, ctx: Any) -> Any:
        return {"ok": True}

    assert run_scenario(Scenario("next", input="x").expect_no_error(), adapter_for(spec_with(poke))).passed


def test_the_suite_options_bound_a_hung_run_too() -> None:
    for options in ({"scenario_timeout": 0.1}, {"timeout_seconds": 0.1}):
        result = run_scenario(Scenario("hangs", input="x").expect_no_error(), stuck_adapter(), **options)
        assert not result.passed and result.timed_out, options
    result = run_scenario(Scenario("hangs", input="x").expect_no_error(), stuck_adapter(timeout_seconds=0.1))
    assert not result.passed and result.timed_out


class SlowStart(Interpreter):
    """Works synchronously for ``busy`` s before it first waits, then waits ``then`` s (once or several times)."""

    name = "slow-start"

    def __init__(self, busy: float, then: float, waits: int = 1) -> None:
        self.busy, self.then, self.waits = busy, then, waits

    async def next_step(self, request: Any) -> Any:
        time.sleep(self.busy)  # the stream's first stretch: no timer can fire during it
        for _ in range(self.waits):
            await asyncio.sleep(self.then)
        yield ModelUsage()


def slow_start_adapter(interpreter: Interpreter, timeout: float) -> RuntimeAdapter:
    async def poke(args: Any, ctx: Any) -> Any:
        return {}

    return RuntimeAdapter(
        lambda: create_runtime(spec_with(poke), interpreter=interpreter), agent="clerk", timeout_seconds=timeout
    )


def test_the_adapter_deadline_counts_from_the_start_of_the_run_not_from_its_first_wait() -> None:
    # 0.3 s of synchronous work against a 0.25 s limit: the deadline has passed when the stream first waits,
    # so the run ends there (counted from that first wait it would have finished: 0.1 s more is within 0.25 s)
    with pytest.raises(StreamTimeout, match=r"did not finish within 0.25 s \(\d+ events, last: "):
        loop.run(slow_start_adapter(SlowStart(busy=0.3, then=0.1), 0.25).arun("x"))


def test_a_run_that_waits_several_times_finishes_with_its_events() -> None:
    def types(waits: int) -> list[str]:
        trace = loop.run(slow_start_adapter(SlowStart(busy=0.0, then=0.001, waits=waits), 60.0).arun("x"))
        return [event["type"] for event in trace.metadata["events"]]

    assert types(5) == types(0) and types(0)[-1] == "finish"


def test_a_run_cancelled_by_its_consumer_while_waiting_is_cancelled() -> None:
    async def consumer() -> str:
        task = asyncio.ensure_future(slow_start_adapter(SlowStart(busy=0.0, then=30.0), 60.0).arun("x"))
        await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "cancelled"
        return "finished"

    assert loop.run(consumer()) == "cancelled"


def test_an_adapter_error_is_reported_as_agentgate_reports_it() -> None:
    def broken() -> Any:
        raise RuntimeError("no runtime today")

    result = run_scenario(Scenario("s", input="x").expect_no_error(), RuntimeAdapter(broken))
    assert not result.passed and not result.timed_out
    assert "Agent raised RuntimeError: no runtime today" in result.summary()


def test_several_runs_and_async_callers_still_work() -> None:
    async def poke(args: Any, ctx: Any) -> Any:
        return {"ok": True}

    spec = spec_with(poke)
    result = run_scenario(Scenario("s", input="x").expect_no_error(), adapter_for(spec), runs=3)
    assert result.passed and len(result.run_results) == 3

    async def from_a_running_loop() -> Any:
        return run_scenario(Scenario("s", input="x").expect_no_error(), adapter_for(spec))

    assert asyncio.run(from_a_running_loop()).passed


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_copy_value_is_an_independent_equal_copy(value: Any) -> None:
    copied = copy_value(value)
    assert copied == value
    if isinstance(value, (dict, list)):
        assert copied is not value
        reference = copy.deepcopy(value)
        if isinstance(copied, dict):
            copied["mutated"] = 1
        else:
            copied.append(1)
        assert value == reference


def test_copy_value_falls_back_to_deepcopy_for_other_values() -> None:
    cycle: list[Any] = [1]
    cycle.append(cycle)
    copied = copy_value(cycle)
    assert copied is not cycle and copied[1] is copied
    nested = {"t": (1, [2])}
    copied = copy_value(nested)
    assert copied == nested and copied["t"][1] is not nested["t"][1]
