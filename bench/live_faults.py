"""Provider faults against the local fakes: what each costs before the run ends, and how.

For each wire format (Anthropic Messages, OpenAI Chat Completions) and each
fault, runs one agent through the real SDK against tests/fake_providers.py
with the runtime's default retry policy (backoff from 0.5 s, x2, jittered)
and prints the requests the fake saw (retries show as repeated statuses),
the wall time until the stream ended and how it ended (`finish` or `error`). Every run is
bounded by a 60 s guard; a run that hits it is reported as HUNG.

    .venv/bin/python bench/live_faults.py [--retries 2] [--timeout 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from agentspec_runtime import create_runtime  # noqa: E402
from agentspec_runtime.live import live_interpreter  # noqa: E402
from fake_providers import Fault, FakeProvider, Replies, Turn, always, unused_port  # noqa: E402
from live_support import shop  # noqa: E402

GUARD_SECONDS = 60.0


def faults(timeout: float) -> list[tuple[str, Any]]:
    return [
        ("429, 429, then success", lambda: Replies(Fault(status=429), Fault(status=429), Turn(text="ok"))),
        ("429 storm (every request)", lambda: always(Fault(status=429, message="rate limited"))),
        ("500 forever", lambda: always(Fault(status=500, message="server error"))),
        (f"slower than the {timeout:g} s timeout", lambda: always(Fault(delay=timeout * 4, then=Turn(text="late")))),
        ("stream cut after text", lambda: always(Fault(cut_after=4, then=Turn(text="a long answer, never finished")))),
        ("connection refused", None),
    ]


async def one_run(wire: str, base_url: str, retries: int, timeout: float) -> tuple[float, dict[str, Any] | None]:
    spec = shop(wire, base_url=base_url, retries=retries, timeout=timeout)
    runtime = create_runtime(spec, interpreter=live_interpreter(wire, spec.providers[wire]))
    outcome = None  # the stream's `finish` or `error` event (the cost and latency summaries may follow a finish)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(GUARD_SECONDS):
            async for event in runtime.run_specialist("clerk", "hi"):
                if event["type"] in ("finish", "error"):
                    outcome = event
    except TimeoutError:
        return time.perf_counter() - started, None
    return time.perf_counter() - started, outcome


def describe(outcome: dict[str, Any] | None) -> str:
    if outcome is None:
        return f"HUNG (stopped by the {GUARD_SECONDS:g} s guard)"
    if outcome["type"] == "finish":
        return "finish"
    return f"error {outcome['error']['code']}: {outcome['error']['message']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1.0, help="provider timeout in seconds")
    options = parser.parse_args()
    print(f"retries={options.retries}, timeout={options.timeout:g} s, backoff 0.5 s x2 (jittered)")
    for wire in ("anthropic", "openai"):
        for name, responder in faults(options.timeout):
            if responder is None:
                base = f"http://127.0.0.1:{unused_port()}" + ("/v1" if wire == "openai" else "")
                seconds, outcome = asyncio.run(one_run(wire, base, options.retries, options.timeout))
                seen = "-"
            else:
                with FakeProvider(wire, responder()) as fake:
                    seconds, outcome = asyncio.run(one_run(wire, fake.base_url, options.retries, options.timeout))
                    seen = " ".join(str(s) for s in fake.statuses)
            print(f"{wire:9} | {name:30} | requests: {seen:15} | {seconds:6.2f} s | {describe(outcome)}")


if __name__ == "__main__":
    main()
