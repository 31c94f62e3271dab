"""Scripted-interpreter throughput: events per second for one long script.

Runs a specialist whose script makes CALLS tool calls (four events each:
step-start, call, result and the text echo; the stream adds finish, then the
cost and latency summaries) REPEATS times, and prints the median rate. A
benchmark, not a test: it only refuses to report a rate for a run that did not
finish.

    .venv/bin/python bench/runtime_events.py [--calls 5000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from agentspec_runtime import (
    create_runtime,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.testing.scripts import script, tool_call


def build() -> Any:
    @define_tool("add", {"a": int, "b": int}, description="Add two integers")
    async def add(args: dict[str, int], ctx: Any) -> dict[str, int]:
        return {"sum": args["a"] + args["b"]}

    spec = define_runtime(
        tenant=define_tenant("bench", "v1"),
        agents=[define_specialist("adder", model="claude-haiku-4-5", prompt="Add.", tools=[add])],
        providers=["anthropic"],
    )
    return create_runtime(spec, interpreter="scripted")


async def one_run(prompt: str) -> tuple[int, float]:
    runtime = build()
    started = time.perf_counter()
    count = 0
    ending: list[str] = []  # the event types from `finish` (or `error`) on
    async for event in runtime.run_specialist("adder", prompt, thread_id="bench"):
        count += 1
        if ending or event["type"] in ("finish", "error"):
            ending.append(event["type"])
    elapsed = time.perf_counter() - started
    # a finished stream ends finish, data-cost-summary, data-latency-summary (docs/runtime.md);
    # a rate for a failed run would be meaningless
    if ending != ["finish", "data-cost-summary", "data-latency-summary"]:
        raise SystemExit(f"the benchmark run did not finish: its stream ended {ending or 'without finish'}")
    return count, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    prompt = script(*(tool_call("add", {"a": i, "b": i + 1}) for i in range(options.calls)))
    rates = []
    for _ in range(options.repeats):
        count, elapsed = asyncio.run(one_run(prompt))
        rates.append(count / elapsed)
    print(
        f"scripted interpreter: {options.calls} tool calls, {count} events per run, "
        f"median {statistics.median(rates):,.0f} events/s over {options.repeats} runs "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f})"
    )


if __name__ == "__main__":
    main()
