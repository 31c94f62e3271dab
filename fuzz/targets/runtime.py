"""The runtime's scripted runs: any prompt ends its stream with ``finish`` or a
documented error, never ``internal_error``, an exception in the consumer, or a hang.

One runtime (built once) has tools that misbehave on request: return values
that are not JSON (a set, a self-referencing dict, NaN, an integer past
Python's digit limit, nesting past the recursion limit), raise any of the
exceptions a handler can raise, or need approval. Prompts are scripts over
them with random arguments, plain text, truncated JSON, JSON nested 20,000
deep and integers 50,000 digits long. Approvals are answered at random.
A stream still open after ``STREAM_SECONDS`` is a hang.
"""

from __future__ import annotations

import asyncio
import math
import random

from fuzz.targets import Target, Violation

#: What a stream may end with, besides ``finish`` (docs/runtime.md, Errors).
DOCUMENTED_ERRORS = {"invalid_script"}
SUMMARIES = ("data-cost-summary", "data-latency-summary")
STREAM_SECONDS = 60.0  # by the clock: a stream blocked for good (the runner's watchdog counts CPU time)
_SHARED: dict = {}


def _nested(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _weird(kind: str):
    if kind == "set":
        return {1, 2}
    if kind == "selfref":
        loop: dict = {"a": 1}
        loop["self"] = loop
        return loop
    if kind == "nan":
        return {"x": math.nan}
    if kind == "bigint":
        return 10**5000
    if kind == "deep":
        return _nested(5000)
    if kind == "bytes":
        return b"\xff"
    if kind == "object":
        return object()
    return {"kind": kind}


_RAISES = {
    "value": lambda: ValueError("bad"),
    "failure": None,  # ToolFailure, built below (the runtime is imported lazily)
    "system_exit": lambda: SystemExit(3),
    "cancelled": lambda: asyncio.CancelledError(),
    "recursion": lambda: RecursionError("deep"),
    "memory": lambda: MemoryError(),
}


def _runtime():
    if "runtime" in _SHARED:
        return _SHARED["runtime"]
    from typing import Any

    from agentspec_runtime import (
        ToolFailure, create_runtime, define_coordinator, define_plan, define_planner, define_runtime,
        define_specialist, define_tenant, define_tool,
    )

    @define_tool("echo", {"x": Any})
    async def echo(args, ctx):
        return args

    @define_tool("typed", {"n": int, "s": str, "items": list[str]})
    def typed(args, ctx):  # a synchronous handler
        return {"n": args["n"] + 1, "s": args["s"][::-1], "items": sorted(args["items"])}

    @define_tool("weird", {"kind": str})
    async def weird(args, ctx):
        return _weird(args["kind"])

    @define_tool("fail", {"how": str})
    async def fail(args, ctx):
        how = args["how"]
        if how == "failure":
            raise ToolFailure("it failed")
        raise _RAISES.get(how, lambda: KeyError(how))()

    @define_tool("gate", {"x": Any}, approval="always")
    async def gate(args, ctx):
        return {"approved": args["x"]}

    plan = define_plan("P", {"type": "object", "properties": {"actions": {"type": "array"}}, "required": ["actions"]})
    tools = [echo, typed, weird, fail, gate]
    spec = define_runtime(
        tenant=define_tenant("fuzz", "v1"),
        agents=[
            define_coordinator("front", model="claude-sonnet-4-6", prompt="Route.", routes=["worker", "planner"]),
            define_specialist("worker", model="claude-haiku-4-5", prompt="Work.", tools=tools),
            define_planner("planner", model="claude-haiku-4-5", prompt="Plan.", plan=plan, tools=[echo]),
        ],
        providers={"anthropic": None},
        plans=[plan],
    )
    runtime = create_runtime(spec, interpreter="scripted", action_dispatcher=lambda actions, ctx: {"applied": len(actions)})
    _SHARED["runtime"] = runtime
    _SHARED["loop"] = asyncio.new_event_loop()
    return runtime


async def _consume(runtime, case: dict) -> list[dict]:
    chooser = random.Random(case["decisions"])
    if case["agent"] == "front":
        stream = runtime.query(case["prompt"])
    else:
        stream = runtime.run_specialist(case["agent"], case["prompt"])
    seen = []
    async for event in stream:
        if not isinstance(event, dict) or "type" not in event:
            raise Violation(f"not an event: {event!r}")
        seen.append(event)
        if event["type"] == "approval-required":
            decision = chooser.choice(["approve", "reject", "revise"])
            await runtime.respond_to_approval(event["data"]["id"], decision, feedback="fuzz")
    return seen


def check(case: dict) -> str:
    runtime = _runtime()
    loop = _SHARED["loop"]
    try:
        seen = loop.run_until_complete(asyncio.wait_for(_consume(runtime, case), STREAM_SECONDS))
    except TimeoutError:
        raise Violation(f"the stream did not end within {STREAM_SECONDS:g} s") from None
    except (SystemExit, asyncio.CancelledError) as exc:  # BaseExceptions: the runner would not see them
        raise Violation(f"{type(exc).__name__} escaped the consumer's async for") from exc
    if not seen:
        raise Violation("an empty stream")
    ending = [e["type"] for e in seen]
    while ending and ending[-1] in SUMMARIES:  # the run's summaries follow its last event (docs/runtime.md)
        ending.pop()
    if [e["type"] for e in seen[len(ending) :]] not in ([], list(SUMMARIES)):
        raise Violation(f"the summaries after the last event are out of order: {seen[len(ending):]}")
    if not ending:
        raise Violation("a stream of summaries only")
    last = seen[len(ending) - 1]
    if last["type"] == "error":
        code = last.get("error", {}).get("code")
        if code not in DOCUMENTED_ERRORS:
            raise Violation(f"the stream ended with error {code!r}: {last}")
        return f"error {code}"
    if last["type"] != "finish":
        raise Violation(f"the stream ended with {last['type']!r}, not finish or error")
    errors = sum(1 for e in seen if e["type"] == "tool-invocation" and _is_error_result(e))
    return "finish, tool errors" if errors else "finish"


def _is_error_result(event: dict) -> bool:
    result = event.get("result")
    return event.get("state") == "result" and isinstance(result, dict) and "error" in result


def _strategy():
    from hypothesis import strategies as st

    from fuzz.strategies import json_values, script_prompts

    nested_script = st.builds(
        lambda tool, x: '{"tool": "%s", "args": {"x": %s}}' % (tool, x), st.sampled_from(["echo", "weird"]), st.just("1")
    )
    args = {
        "echo": st.fixed_dictionaries({"x": json_values}),
        "typed": st.fixed_dictionaries({"n": json_values, "s": json_values, "items": json_values}),
        "weird": st.fixed_dictionaries({"kind": st.sampled_from(["set", "selfref", "nan", "bigint", "deep", "bytes", "object", "ok"])}),
        "fail": st.fixed_dictionaries({"how": st.sampled_from(sorted(_RAISES) + ["other"])}),
        "gate": st.fixed_dictionaries({"x": json_values}),
        "call_agent": st.fixed_dictionaries(
            {"agent": st.sampled_from(["worker", "planner", "front", "nobody"]), "prompt": st.one_of(nested_script, st.text(max_size=10))}
        ),
        "storePlan": st.fixed_dictionaries(
            {"specName": st.sampled_from(["P", "Q"]), "planId": st.sampled_from(["p1", "p2"]), "body": st.one_of(json_values, st.just({"actions": [{"kind": "x"}]}))}
        ),
        "executePlan": st.fixed_dictionaries({"planId": st.sampled_from(["p1", "p2", "p3"])}),
    }
    well_formed = st.sampled_from(sorted(args)).flatmap(lambda tool: st.fixed_dictionaries({"tool": st.just(tool), "args": args[tool]}))
    any_shape = st.fixed_dictionaries(
        {"tool": st.one_of(st.sampled_from(sorted(args)), st.text(max_size=8))},
        optional={"args": st.dictionaries(st.sampled_from(["x", "kind", "how", "n", "agent"]), json_values, max_size=2)},
    )
    calls = st.one_of(well_formed, well_formed, well_formed, any_shape)
    return st.fixed_dictionaries(
        {
            "agent": st.sampled_from(["worker", "worker", "front", "planner"]),
            "prompt": script_prompts(calls, "echo"),
            "decisions": st.integers(0, 2**16),
        }
    )


TARGET = Target("runtime", "runtime: scripted runs end with finish or a documented error", _strategy, check, lambda: check({"agent": "front", "prompt": '{"tool": "echo", "args": {"x": 1}}', "decisions": 0}))
