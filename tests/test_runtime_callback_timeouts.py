"""Approval predicates and the action dispatcher run within a timeout, as tool handlers do.

Both are user code the runtime calls in the middle of a stream. One that blocks
(a synchronous function waiting on a lock, a socket, a sleep) or never returns
(an ``async def`` awaiting forever) must end its call with the documented error,
and the stream with ``finish``, never hang. Blocking functions here wait on a
``threading.Event`` the test sets afterwards, so no thread outlives its test.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from agentspec_runtime import (
    create_runtime,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing import script, tool_call
from runtime_support import (
    SUMMARIES,
    Recorder,
    collect,
    inventory_runtime,
    results,
    run,
    store_plan_call,
    types,
)

DISPATCHED = [
    {"kind": "reorder", "payload": {"sku": "SKU-1", "quantity": 5}, "references": []}
]


def assert_the_plan_failed_on_time(runtime: Any, events: list[dict[str, Any]]) -> None:
    """A dispatcher still running after tool_timeout (0.05 s) failed the plan, and the stream finished."""
    assert results(events, "executePlan") == [
        {
            "error": "action_dispatcher warehouse did not return within 0.05 s",
            "planId": "p1",
            "status": "failed",
            "dispatched": DISPATCHED,
        }
    ]
    assert runtime.snapshot("t")["plans"]["p1"]["status"] == "failed"
    assert finished(events)


def transfer_runtime(
    approval: Any,
    *,
    predicates: Any = None,
    tool_timeout: Any = 0.05,
    timeout: Any = None,
) -> tuple[Any, list]:
    ran: list[int] = []

    @define_tool("transfer", {"amount": int}, approval=approval, timeout=timeout)
    async def transfer(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        ran.append(args["amount"])
        return {"sent": args["amount"]}

    spec = define_runtime(
        tenant=define_tenant("bank", "v1"),
        agents=[define_specialist("clerk", model="gpt-4o", tools=[transfer])],
    )
    runtime = create_runtime(
        spec,
        interpreter="scripted",
        approval_predicates=predicates,
        tool_timeout=tool_timeout,
    )
    return runtime, ran


def transfer(runtime: Any, amount: int = 5000) -> list[dict[str, Any]]:
    prompt = script(tool_call("transfer", {"amount": amount}))
    return run(
        collect(
            runtime.run_specialist("clerk", prompt, thread_id="t"),
            runtime,
            lambda data: "approve",
        )
    )


def plan_flow(runtime: Any) -> list[dict[str, Any]]:
    """Store plan p1, then execute it (approving any gate); the executor's events."""
    run(
        collect(
            runtime.run_specialist(
                "planner", script(store_plan_call("p1")), thread_id="t"
            )
        )
    )
    prompt = script(tool_call("executePlan", {"planId": "p1"}))
    return run(
        collect(
            runtime.run_specialist("executor", prompt, thread_id="t"),
            runtime,
            lambda data: "approve",
        )
    )


def finished(events: list[dict[str, Any]]) -> bool:
    return types(events)[-3:] == ["finish", *SUMMARIES]


# ---- approval predicates -----------------------------------------------------------------


def test_a_blocking_synchronous_predicate_fails_the_call_and_the_stream_finishes() -> (
    None
):
    release = threading.Event()

    def is_large(args: dict[str, Any], ctx: Any) -> bool:
        release.wait(
            timeout=60
        )  # a predicate stuck on I/O; released once the test has its events
        return True

    runtime, ran = transfer_runtime(is_large)
    try:
        events = transfer(runtime)
    finally:
        release.set()
    assert results(events, "transfer") == [
        {
            "error": "approval predicate is_large did not answer within 0.05 s; tool 'transfer' was not run"
        }
    ]
    assert ran == [] and "approval-required" not in types(events)
    assert finished(events)


def test_an_async_predicate_that_never_returns_fails_the_call_and_the_stream_finishes() -> (
    None
):
    async def never_decides(args: dict[str, Any], ctx: Any) -> bool:
        await asyncio.Event().wait()
        return True

    runtime, ran = transfer_runtime(
        {"kind": "dynamic", "value": "big"}, predicates={"big": never_decides}
    )
    events = transfer(runtime)
    assert results(events, "transfer") == [
        {
            "error": "approval predicate never_decides did not answer within 0.05 s; tool 'transfer' was not run"
        }
    ]
    assert ran == [] and finished(events)


def test_a_tools_predicate_gets_the_tools_own_timeout() -> None:
    async def is_large(args: dict[str, Any], ctx: Any) -> bool:
        await asyncio.sleep(
            0.2
        )  # longer than the runtime's 0.05 s, well within the tool's 60 s
        return False

    runtime, ran = transfer_runtime(is_large, timeout=60)
    events = transfer(runtime)
    assert results(events, "transfer") == [{"sent": 5000}] and ran == [5000]

    async def stuck(args: dict[str, Any], ctx: Any) -> bool:
        await asyncio.Event().wait()
        return False

    runtime, _ = transfer_runtime(stuck, tool_timeout=60, timeout=0.05)
    assert results(transfer(runtime), "transfer") == [
        {
            "error": "approval predicate stuck did not answer within 0.05 s; tool 'transfer' was not run"
        }
    ]


def test_a_plan_predicate_that_blocks_leaves_the_plan_a_draft() -> None:
    release = threading.Event()

    def big_plans(payload: dict[str, Any], ctx: Any) -> bool:
        release.wait(timeout=60)
        return True

    recorder = Recorder()
    runtime = inventory_runtime(
        recorder,
        approval_policies={"plans": {"kind": "dynamic", "value": "big_plans"}},
        approval_predicates={"big_plans": big_plans},
        tool_timeout=0.05,
    )
    try:
        events = plan_flow(runtime)
    finally:
        release.set()
    assert results(events, "executePlan") == [
        {
            "error": "approval predicate big_plans did not answer within 0.05 s; plan 'p1' was not executed",
            "planId": "p1",
        }
    ]
    assert (
        recorder.dispatches() == []
        and runtime.snapshot("t")["plans"]["p1"]["status"] == "draft"
    )
    assert finished(events)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_ordinary_predicates_still_decide(kind: str) -> None:
    def sync_large(args: dict[str, Any], ctx: Any) -> bool:
        return args["amount"] > 1000

    async def async_large(args: dict[str, Any], ctx: Any) -> bool:
        return args["amount"] > 1000

    predicate = sync_large if kind == "sync" else async_large
    runtime, ran = transfer_runtime(predicate, tool_timeout=30)
    small, large = transfer(runtime, 50), transfer(runtime, 5000)
    assert "approval-required" not in types(small) and "approval-required" in types(
        large
    )
    assert ran == [50, 5000] and finished(small) and finished(large)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_predicates_exception_is_still_reported_as_before(kind: str) -> None:
    def sync_broken(args: dict[str, Any], ctx: Any) -> bool:
        raise KeyError("amount")

    async def async_broken(args: dict[str, Any], ctx: Any) -> bool:
        raise KeyError("amount")

    predicate = sync_broken if kind == "sync" else async_broken
    runtime, ran = transfer_runtime(predicate)
    events = transfer(runtime)
    name = predicate.__name__
    assert results(events, "transfer") == [
        {
            "error": f"approval predicate {name} raised KeyError: 'amount'; tool 'transfer' was not run"
        }
    ]
    assert ran == [] and finished(events)


def test_a_blocking_predicate_does_not_stall_other_streams() -> None:
    started, released = threading.Event(), threading.Event()
    outcome: dict[str, bool] = {}

    def waits(
        args: dict[str, Any], ctx: Any
    ) -> bool:  # blocks until a stream on the event loop releases it
        started.set()
        outcome["released"] = released.wait(timeout=30)
        return False

    runtime, ran = transfer_runtime(waits, tool_timeout=30)

    @define_tool("release", {})
    async def release(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        while not started.is_set():
            await asyncio.sleep(0.001)
        released.set()
        return {"ok": True}

    other = create_runtime(
        define_runtime(
            define_tenant("bank", "v1"),
            agents=[define_specialist("w", model="gpt-4o", tools=[release])],
        ),
        interpreter="scripted",
    )

    async def scenario() -> tuple[Any, Any]:
        first = collect(
            runtime.run_specialist(
                "clerk", script(tool_call("transfer", {"amount": 1}))
            )
        )
        second = collect(other.run_specialist("w", script(tool_call("release", {}))))
        return tuple(await asyncio.gather(first, second))

    first, second = run(scenario())
    # had the predicate run on the event loop, `release` could not have run: the wait would have timed out
    assert outcome == {"released": True}
    assert results(first, "transfer") == [{"sent": 1}] and results(
        second, "release"
    ) == [{"ok": True}]


def test_cancelling_the_consumer_while_a_predicate_waits_cancels_the_predicate() -> (
    None
):
    started = asyncio.Event()
    seen: list[str] = []

    async def waits(args: dict[str, Any], ctx: Any) -> bool:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        return True

    runtime, ran = transfer_runtime(waits, tool_timeout=30)

    async def scenario() -> None:
        consumer = asyncio.create_task(
            collect(
                runtime.run_specialist(
                    "clerk", script(tool_call("transfer", {"amount": 1}))
                )
            )
        )
        await started.wait()
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
        await asyncio.sleep(0)  # the predicate's task runs its cancellation

    run(scenario())
    assert seen == ["cancelled"] and ran == []


# ---- the action dispatcher ---------------------------------------------------------------


def test_a_blocking_synchronous_dispatcher_fails_the_plan_and_the_stream_finishes() -> (
    None
):
    release = threading.Event()

    def warehouse(actions: Any, context: Any) -> Any:
        release.wait(timeout=60)
        return {"entitiesAffected": 1}

    runtime = inventory_runtime(
        Recorder(), action_dispatcher=warehouse, tool_timeout=0.05
    )
    try:
        events = plan_flow(runtime)
    finally:
        release.set()
    assert_the_plan_failed_on_time(runtime, events)


def test_an_async_dispatcher_that_never_returns_fails_the_plan_and_the_stream_finishes() -> (
    None
):
    async def warehouse(actions: Any, context: Any) -> Any:
        await asyncio.Event().wait()

    runtime = inventory_runtime(
        Recorder(), action_dispatcher=warehouse, tool_timeout=0.05
    )
    events = plan_flow(runtime)
    assert_the_plan_failed_on_time(runtime, events)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_ordinary_dispatchers_still_dispatch(kind: str) -> None:
    seen: list[Any] = []

    def sync_dispatch(actions: Any, context: Any) -> Any:
        seen.append(actions)
        return {"entitiesAffected": len(actions), "summary": "ok"}

    async def async_dispatch(actions: Any, context: Any) -> Any:
        return sync_dispatch(actions, context)

    dispatcher = sync_dispatch if kind == "sync" else async_dispatch
    runtime = inventory_runtime(Recorder(), action_dispatcher=dispatcher)
    (result,) = results(plan_flow(runtime), "executePlan")
    assert (result["status"], result["entitiesAffected"], result["summary"]) == (
        "executed",
        1,
        "ok",
    )
    assert seen == [DISPATCHED]


def test_an_async_dispatchers_exception_is_still_reported_as_before() -> None:
    async def warehouse(actions: Any, context: Any) -> Any:
        raise ConnectionError("warehouse offline")

    runtime = inventory_runtime(
        Recorder(), action_dispatcher=warehouse, tool_timeout=0.05
    )
    assert results(plan_flow(runtime), "executePlan") == [
        {
            "error": "action_dispatcher warehouse raised ConnectionError: warehouse offline",
            "planId": "p1",
            "status": "failed",
            "dispatched": DISPATCHED,
        }
    ]
