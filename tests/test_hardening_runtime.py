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
from runtime_support import collect, results, run


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
    assert events[-1]["type"] == "finish"
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
    assert events[-1]["type"] == "finish", events[-1]
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
    assert events[-1]["type"] == "finish"
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
