"""Regression tests for the runtime defects found by the adversarial pass (issue 14).

Each malformed input below ended its stream with ``internal_error`` (which the
docs reserve for bugs) or escaped the consumer's ``async for``; each must now
give the documented outcome.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from agentspec_runtime import (
    create_runtime,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from runtime_support import SUMMARIES, collect, results, run


def _runtime(*tools) -> Any:
    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[define_specialist("worker", model="claude-haiku-4-5", prompt="Work.", tools=list(tools))],
        providers={"anthropic": None},
    )
    return create_runtime(spec, interpreter="scripted")


@define_tool("echo", {"x": Any})
async def echo(args, ctx):
    return args


def _last_error(events: list[dict]) -> dict:
    assert events[-1]["type"] == "error", events[-1]
    return events[-1]["error"]


# ---- 5. malformed scripts that ended in internal_error --------------------------------


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_a_script_nested_5000_deep_is_invalid_script(opener) -> None:
    closer = "]" if opener == "[" else "}"
    prompt = '{"tool": "echo", "args": {"x": ' + opener * 5000 + "1" + closer * 5000 + "}}"
    error = _last_error(run(collect(_runtime(echo).run_specialist("worker", prompt))))
    assert error["code"] == "invalid_script"
    assert "nested more than 100 levels deep" in error["message"]


def test_a_whole_prompt_nested_5000_deep_is_invalid_script() -> None:
    error = _last_error(run(collect(_runtime(echo).run_specialist("worker", "[" * 5000 + "]" * 5000))))
    assert error["code"] == "invalid_script"


def test_a_script_nested_just_within_the_limit_runs() -> None:
    value = "[" * 97 + "1" + "]" * 97  # + args object + the call object = 99 levels
    events = run(collect(_runtime(echo).run_specialist("worker", '{"tool": "echo", "args": {"x": %s}}' % value)))
    assert [e["type"] for e in events[-3:]] == ["finish", *SUMMARIES]
    assert results(events, "echo") == [{"x": json.loads(value)}]


def test_a_5001_digit_integer_argument_is_invalid_script() -> None:
    prompt = '{"tool": "echo", "args": {"x": ' + "7" * 5001 + "}}"
    error = _last_error(run(collect(_runtime(echo).run_specialist("worker", prompt))))
    assert error["code"] == "invalid_script"
    assert "a number cannot be read" in error["message"] and "4300" in error["message"]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: _self_referencing(), "$.self: the value contains itself (a circular reference)"),
        (lambda: {"list": _nested_list(5000)}, "nested more than 200 levels deep"),
        (lambda: {"n": 10**5000}, "$.n: an integer of 16610 bits is too long to write as JSON"),
    ],
    ids=["self-referencing", "5000-deep", "5001-digit"],
)
def test_a_result_json_cannot_hold_is_an_error_tool_result(make, message) -> None:
    @define_tool("odd", {})
    async def odd(args, ctx):
        return make()

    events = run(collect(_runtime(odd).run_specialist("worker", '{"tool": "odd"}')))
    assert [e["type"] for e in events[-3:]] == ["finish", *SUMMARIES], events[-3:]
    (result,) = results(events, "odd")
    assert message in result["error"]
    assert result["error"].startswith("tool 'odd' returned a value that is not JSON-serialisable")


def _self_referencing() -> dict:
    loop: dict = {"a": 1}
    loop["self"] = loop
    return loop


def _nested_list(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_a_value_shared_twice_is_not_a_circular_reference() -> None:
    shared = {"k": [1, 2]}

    @define_tool("twice", {})
    async def twice(args, ctx):
        return {"a": shared, "b": shared, "c": [shared, shared]}

    events = run(collect(_runtime(twice).run_specialist("worker", '{"tool": "twice"}')))
    assert results(events, "twice") == [{"a": shared, "b": shared, "c": [shared, shared]}]


# ---- 6. SystemExit / CancelledError from a handler ------------------------------------


@pytest.mark.parametrize("exception", [SystemExit(3), asyncio.CancelledError()], ids=["SystemExit", "CancelledError"])
def test_a_handler_raising_a_base_exception_is_a_tool_error(exception) -> None:
    @define_tool("boom", {})
    async def boom(args, ctx):
        raise exception

    @define_tool("after", {})
    def after(args, ctx):
        return {"ran": True}

    runtime = _runtime(boom, after)
    events = run(collect(runtime.run_specialist("worker", '{"script": [{"tool": "boom"}, {"tool": "after"}]}')))
    assert [e["type"] for e in events[-3:]] == ["finish", *SUMMARIES]
    (result,) = results(events, "boom")
    assert result == {"error": f"tool 'boom' raised {type(exception).__name__}: {exception}".rstrip(": ")}
    assert results(events, "after") == [{"ran": True}]  # the script went on


def test_cancelling_the_consumer_while_a_handler_runs_still_cancels() -> None:
    started = asyncio.Event()

    @define_tool("slow", {})
    async def slow(args, ctx):
        started.set()
        await asyncio.Event().wait()  # until cancelled

    runtime = _runtime(slow)

    async def scenario() -> None:
        consumer = asyncio.create_task(collect(runtime.run_specialist("worker", '{"tool": "slow"}')))
        await started.wait()
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
        assert consumer.cancelled()

    run(scenario())


# ---- 7. tool timeouts; synchronous handlers off the event loop ---------------------------


def test_a_handler_that_never_returns_times_out_as_a_tool_error_and_the_script_goes_on() -> None:
    @define_tool("stuck", {}, timeout=0.05)
    async def stuck(args, ctx):
        await asyncio.Event().wait()

    runtime = _runtime(stuck, echo)
    events = run(collect(runtime.run_specialist("worker", '{"script": [{"tool": "stuck"}, {"tool": "echo", "args": {"x": 1}}]}')))
    assert results(events, "stuck") == [{"error": "tool 'stuck' timed out after 0.05 s"}]
    assert results(events, "echo") == [{"x": 1}]
    assert [e["type"] for e in events[-3:]] == ["finish", *SUMMARIES]


def test_a_handler_that_ignores_cancellation_still_times_out() -> None:
    release = asyncio.Event()

    @define_tool("stubborn", {}, timeout=0.05)
    async def stubborn(args, ctx):
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                continue  # a badly behaved handler: the call must end anyway

    async def scenario() -> list[dict]:
        try:
            return await collect(_runtime(stubborn).run_specialist("worker", '{"tool": "stubborn"}'))
        finally:
            release.set()  # let the abandoned handler finish, so the loop can close

    events = run(scenario())
    assert results(events, "stubborn") == [{"error": "tool 'stubborn' timed out after 0.05 s"}]


def test_fixtures_answer_within_the_callers_task_and_a_wrapped_fixture_still_times_out() -> None:
    # returns()/fails() are answered by their synchronous twins (no task of their own); a user's
    # handler wrapping one (functools.wraps copies its attributes) gets the usual task and timeout
    import functools

    from agentspec_runtime.testing.fixtures import fails, returns

    fixture = returns({"tier": "gold"})

    @functools.wraps(fixture)
    async def slow(args, ctx):
        await asyncio.Event().wait()
        return await fixture(args, ctx)

    gold = define_tool("gold", {})(fixture)
    broken = define_tool("broken", {})(fails("no such customer"))
    wrapped = define_tool("wrapped", {}, timeout=0.05)(slow)
    made: list[str] = []  # the tasks created while the stream runs, by the handler they run

    async def scenario() -> list[dict]:
        loop = asyncio.get_running_loop()

        def counting(loop, coro, **kwargs):
            made.append(getattr(coro, "__qualname__", "?"))
            return asyncio.Task(coro, loop=loop, **kwargs)

        loop.set_task_factory(counting)
        try:
            return await collect(
                _runtime(gold, broken, wrapped).run_specialist(
                    "worker", '{"script": [{"tool": "gold"}, {"tool": "broken"}, {"tool": "wrapped"}]}'
                )
            )
        finally:
            loop.set_task_factory(None)

    events = run(scenario())
    assert results(events, "gold") == [{"tier": "gold"}]
    assert results(events, "broken") == [{"error": "no such customer"}]
    assert results(events, "wrapped") == [{"error": "tool 'wrapped' timed out after 0.05 s"}]
    assert made == ["_contained"]  # one task, the wrapped handler's: the fixtures' calls made none


def test_the_runtime_default_applies_unless_the_tool_sets_its_own() -> None:
    @define_tool("slow_default", {})
    async def slow_default(args, ctx):
        await asyncio.Event().wait()

    @define_tool("patient", {}, timeout=60)
    async def patient(args, ctx):
        await asyncio.sleep(0.2)  # longer than the runtime default below, within its own
        return {"done": True}

    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[define_specialist("worker", model="claude-haiku-4-5", prompt="Work.", tools=[slow_default, patient])],
        providers={"anthropic": None},
    )
    runtime = create_runtime(spec, interpreter="scripted", tool_timeout=0.05)
    events = run(collect(runtime.run_specialist("worker", '{"script": [{"tool": "slow_default"}, {"tool": "patient"}]}')))
    assert results(events, "slow_default") == [{"error": "tool 'slow_default' timed out after 0.05 s"}]
    assert results(events, "patient") == [{"done": True}]


def test_a_blocking_synchronous_handler_does_not_stall_the_event_loop() -> None:
    import threading

    started, released = threading.Event(), threading.Event()
    outcome: dict[str, bool] = {}

    @define_tool("blocking", {})
    def blocking(args, ctx):  # blocks its thread until a handler on the event loop releases it
        started.set()
        outcome["released"] = released.wait(timeout=30)
        return {"released": outcome["released"]}

    @define_tool("release", {})
    async def release(args, ctx):
        while not started.is_set():  # only once `blocking` is blocking
            await asyncio.sleep(0.001)
        released.set()
        return {"ok": True}

    runtime = _runtime(blocking, release)

    async def scenario() -> tuple[list, list]:
        first = collect(runtime.run_specialist("worker", '{"tool": "blocking"}'))
        second = collect(runtime.run_specialist("worker", '{"tool": "release"}'))
        return tuple(await asyncio.gather(first, second))

    first, second = run(scenario())
    # had the handler run on the loop, the loop could not have run `release`: the wait would have timed out
    assert outcome == {"released": True}
    assert results(first, "blocking") == [{"released": True}]
    assert results(second, "release") == [{"ok": True}]


def test_stuck_handlers_time_out_while_100_other_streams_finish() -> None:
    import threading
    import time

    unblock = threading.Event()

    @define_tool("blocking", {}, timeout=0.2)
    def blocking(args, ctx):
        unblock.wait(timeout=60)  # a synchronous handler that does not return in time
        return {"late": True}

    @define_tool("never", {}, timeout=0.2)
    async def never(args, ctx):
        await asyncio.Event().wait()

    @define_tool("work", {"n": int})
    async def work(args, ctx):
        await asyncio.sleep(0)
        return {"n": args["n"] * 2}

    @define_tool("sync_work", {"n": int})
    def sync_work(args, ctx):
        time.sleep(0.001)
        return {"n": args["n"] + 1}

    runtime = _runtime(blocking, never, work, sync_work)

    async def scenario():
        stuck = [collect(runtime.run_specialist("worker", '{"tool": "%s"}' % name)) for name in ("blocking", "never")]
        others = [
            collect(runtime.run_specialist(
                "worker", json.dumps({"script": [{"tool": "work", "args": {"n": i}}, {"tool": "sync_work", "args": {"n": i}}]})
            ))
            for i in range(100)
        ]
        return await asyncio.gather(*stuck, *others)

    try:
        blocked, never_returned, *others = run(scenario())
    finally:
        unblock.set()
    assert results(blocked, "blocking") == [{"error": "tool 'blocking' timed out after 0.2 s"}]
    assert results(never_returned, "never") == [{"error": "tool 'never' timed out after 0.2 s"}]
    assert [results(events, "work") + results(events, "sync_work") for events in others] == [
        [{"n": i * 2}, {"n": i + 1}] for i in range(100)
    ]
    assert all([e["type"] for e in events[-3:]] == ["finish", *SUMMARIES] for events in [blocked, never_returned, *others])


def test_cancelling_the_consumer_while_a_synchronous_handler_blocks_still_cancels() -> None:
    import threading

    started, unblock = threading.Event(), threading.Event()

    @define_tool("blocking", {})
    def blocking(args, ctx):
        started.set()
        unblock.wait(timeout=60)

    runtime = _runtime(blocking)

    async def scenario() -> None:
        consumer = asyncio.create_task(collect(runtime.run_specialist("worker", '{"tool": "blocking"}')))
        while not started.is_set():
            await asyncio.sleep(0.001)
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer

    try:
        run(scenario())
    finally:
        unblock.set()


@pytest.mark.parametrize(
    "timeout, error",
    [(0, ValueError), (-1, ValueError), (float("inf"), ValueError), (float("nan"), ValueError), ("5", TypeError), (True, TypeError)],
)
def test_timeouts_must_be_positive_numbers_of_seconds(timeout, error) -> None:
    with pytest.raises(error, match="timeout"):
        define_tool("t", {}, timeout=timeout)
    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[define_specialist("worker", model="claude-haiku-4-5", prompt="Work.", tools=[echo])],
        providers={"anthropic": None},
    )
    with pytest.raises(error, match="tool_timeout"):
        create_runtime(spec, tool_timeout=timeout)
