"""What a call into user code costs a scripted stream: handlers and approval predicates.

    .venv/bin/python bench/user_code_calls.py [--streams 2000] [--rounds 5]

One runtime per case, one agent with one tool, and STREAMS streams of one call
each, one after another, ROUNDS times. The cases differ in what the call runs:

- fixture, no predicate: ``returns(...)``, answered directly (the floor);
- sync / async predicate: the same fixture behind an approval predicate that
  says no (a synchronous one runs in a daemon thread, an async one as a task);
- sync / async handler: a user handler instead of the fixture.

Prints µs per stream (median and min over the rounds). Figures only; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from agentspec_runtime import create_runtime, define_runtime, define_specialist, define_tenant, define_tool
from agentspec_runtime.testing.fixtures import returns

PROMPT = '{"tool": "t", "args": {"amount": 1}}'


def sync_predicate(args: dict, ctx: Any) -> bool:
    return args["amount"] > 1000


async def async_predicate(args: dict, ctx: Any) -> bool:
    return args["amount"] > 1000


def sync_handler(args: dict, ctx: Any) -> dict:
    return {"ok": True}


async def async_handler(args: dict, ctx: Any) -> dict:
    return {"ok": True}


CASES = {
    "fixture, no predicate": (returns({"ok": True}), "never"),
    "fixture, sync predicate": (returns({"ok": True}), sync_predicate),
    "fixture, async predicate": (returns({"ok": True}), async_predicate),
    "sync handler": (sync_handler, "never"),
    "async handler": (async_handler, "never"),
}


def runtime(handler: Any, approval: Any) -> Any:
    tool = define_tool("t", {"amount": int}, approval=approval)(handler)
    spec = define_runtime(define_tenant("bench", "v1"), agents=[define_specialist("a", model="gpt-4o", tools=[tool])])
    return create_runtime(spec, interpreter="scripted")


async def per_stream(case: str, streams: int, rounds: int) -> list[float]:
    chosen = runtime(*CASES[case])
    figures = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(streams):
            async for _event in chosen.run_specialist("a", PROMPT):
                pass
        figures.append((time.perf_counter() - start) / streams * 1e6)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    print(f"{options.streams} streams of one call, {options.rounds} rounds")
    print(f"  {'per stream':28s} median µs   min µs")
    for case in CASES:
        figures = asyncio.run(per_stream(case, options.streams, options.rounds))
        print(f"  {case:28s} {statistics.median(figures):9.1f} {min(figures):8.1f}")


if __name__ == "__main__":
    main()
