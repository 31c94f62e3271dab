"""Stuck handlers on a busy runtime: one blocking synchronous handler, one
asynchronous handler that never returns, one tool whose approval predicate
blocks, and OTHERS ordinary streams, all at once on one runtime and one event
loop.

Each ordinary stream makes two calls: an async handler that does a little
awaited work (WORK_MS) and a synchronous one that does a little blocking work
(WORK_MS, a sleep). The three stuck tools have a timeout of TIMEOUT seconds
(for the gated one, that bounds its predicate).
Prints when each group finished and what the stuck calls returned, for
REPEATS runs. A benchmark, not a test: it prints figures.

    .venv/bin/python bench/tool_timeouts.py [--others 100] [--timeout 1.0] [--work-ms 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import threading
import time
from typing import Any

from agentspec_runtime import (
    create_runtime,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.events import ERROR, FINISH, TOOL_INVOCATION


def build(timeout: float, work_ms: float, unblock: threading.Event) -> Any:
    @define_tool("blocking", {}, timeout=timeout)
    def blocking(args: dict, ctx: Any) -> dict:
        unblock.wait()  # a synchronous handler stuck on I/O, a lock, a sleep...
        return {"late": True}

    @define_tool("never", {}, timeout=timeout)
    async def never(args: dict, ctx: Any) -> dict:
        await asyncio.Event().wait()  # an asynchronous handler that never returns
        return {"late": True}

    def is_risky(args: dict, ctx: Any) -> bool:
        unblock.wait()  # an approval predicate stuck on I/O: the runtime gives up on it
        return True

    @define_tool("gated", {}, approval=is_risky, timeout=timeout)
    async def gated(args: dict, ctx: Any) -> dict:
        return {"ran": True}

    @define_tool("work", {"n": int})
    async def work(args: dict, ctx: Any) -> dict:
        await asyncio.sleep(work_ms / 1000)
        return {"n": args["n"] * 2}

    @define_tool("sync_work", {"n": int})
    def sync_work(args: dict, ctx: Any) -> dict:
        time.sleep(work_ms / 1000)
        return {"n": args["n"] + 1}

    spec = define_runtime(
        tenant=define_tenant("bench", "v1"),
        agents=[
            define_specialist(
                "worker",
                model="claude-haiku-4-5",
                prompt="Work.",
                tools=[blocking, never, gated, work, sync_work],
            )
        ],
        providers=["anthropic"],
    )
    return create_runtime(spec, interpreter="scripted")


async def timed(stream: Any, started: float) -> tuple[float, list[dict]]:
    events = [event async for event in stream]
    return time.perf_counter() - started, events


def results(events: list[dict], tool: str) -> list[Any]:
    return [
        e["result"]
        for e in events
        if e["type"] == TOOL_INVOCATION
        and e["state"] == "result"
        and e["toolName"] == tool
    ]


async def one_run(runtime: Any, others: int) -> dict[str, Any]:
    started = time.perf_counter()
    stuck = [
        timed(runtime.run_specialist("worker", '{"tool": "%s"}' % name), started)
        for name in ("blocking", "never", "gated")
    ]
    ordinary = [
        timed(
            runtime.run_specialist(
                "worker",
                json.dumps(
                    {
                        "script": [
                            {"tool": "work", "args": {"n": i}},
                            {"tool": "sync_work", "args": {"n": i}},
                        ]
                    }
                ),
            ),
            started,
        )
        for i in range(others)
    ]
    (blocked_s, blocked), (never_s, never), (gated_s, gated), *rest = await asyncio.gather(*stuck, *ordinary)
    correct = all(
        results(events, "work") == [{"n": i * 2}]
        and results(events, "sync_work") == [{"n": i + 1}]
        and FINISH
        in [e["type"] for e in events]  # the run's summaries follow its finish
        and ERROR not in [e["type"] for e in events]
        for i, (_, events) in enumerate(rest)
    )
    times = sorted(seconds for seconds, _ in rest)
    return {
        "others_median": statistics.median(times),
        "others_max": times[-1],
        "others_correct": correct,
        "blocking_s": blocked_s,
        "blocking_result": results(blocked, "blocking"),
        "never_s": never_s,
        "never_result": results(never, "never"),
        "gated_s": gated_s,
        "gated_result": results(gated, "gated"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--others", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--work-ms", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    unblock = threading.Event()
    runtime = build(args.timeout, args.work_ms, unblock)
    print(
        f"{args.others} ordinary streams (async {args.work_ms:g} ms + sync {args.work_ms:g} ms each) "
        f"+ 1 blocking sync handler + 1 never-returning async handler + 1 blocking approval predicate "
        f"(timeout {args.timeout:g} s), one runtime"
    )
    try:
        for index in range(args.repeats):
            r = asyncio.run(one_run(runtime, args.others))
            print(
                f"run {index + 1}: ordinary streams done in median {r['others_median'] * 1000:.0f} ms, "
                f"slowest {r['others_max'] * 1000:.0f} ms, all results correct: {r['others_correct']}; "
                f"blocking stream ended after {r['blocking_s']:.2f} s with {r['blocking_result']}; "
                f"never-returning stream ended after {r['never_s']:.2f} s with {r['never_result']}; "
                f"gated stream ended after {r['gated_s']:.2f} s with {r['gated_result']}"
            )
    finally:
        unblock.set()  # let the abandoned threads end


if __name__ == "__main__":
    main()
