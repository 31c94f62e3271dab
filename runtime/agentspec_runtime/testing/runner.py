"""Running one agentgate scenario against a runtime, and reporting a failure.

Generated tests call :func:`run_scenario` (a thin wrapper over agentgate's
``TestSuite.run``, so runs/min_pass_rate/timeouts mean exactly what agentgate
says) and assert with :func:`failure_report` as the message, which points back
to the spec line the scenario came from and to each failing expectation's
own line (see :mod:`.located`).

In live mode (``agentspec_runtime.live.selection``) a scenario with several
``runs`` spends its time waiting on the network, so its runs are made
concurrently first — at most ``concurrency()`` at once, all within the
scenario's timeout — and agentgate then checks them one by one as usual.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from agentgate import AgentAdapter, AgentTrace, Scenario, ScenarioResult, TestSuite

from .. import eventlog, live_summary
from ..errors import StreamTimeout
from ..live import selection
from .located import failed_lines

def run_scenario(
    scenario: Scenario,
    adapter: AgentAdapter,
    *,
    runs: int = 1,
    min_pass_rate: float = 1.0,
    timeout_seconds: float = 300.0,
    scenario_timeout: float = 60.0,
) -> ScenarioResult:
    """Run ``scenario`` through agentgate's ``TestSuite.run`` and return its result."""
    suite = TestSuite(scenario.name)
    suite.add(scenario)
    runner: AgentAdapter = adapter
    if runs > 1 and selection.is_live() and hasattr(adapter, "arun"):
        limit = min(scenario.timeout_seconds, scenario_timeout, timeout_seconds)
        runner = _concurrent_runs(adapter, scenario.input, runs, limit, selection.concurrency())
    result = suite.run(
        runner,
        runs=runs,
        min_pass_rate=min_pass_rate,
        timeout_seconds=timeout_seconds,
        scenario_timeout=scenario_timeout,
    )
    outcome = result.results[0]
    eventlog.save_result(outcome)  # only when AGENTSPEC_EVENT_LOG names a directory
    live_summary.collect(outcome, adapter)  # only in a session that sums up live runs
    return outcome


def failure_report(result: ScenarioResult, location: str) -> str:
    """agentgate's summary of the result, where the scenario is defined, and
    each failing expectation's spec line (``file:line:col: text``), as a
    compiler would point at it."""
    lines = [result.summary(), f"  at {location}"]
    lines += [f"  {line.location}: failed: {line.text}" for line in failed_lines(result)]
    return "\n".join(lines)


class _Replay(AgentAdapter):
    """Hands agentgate the outcomes of runs already made, in order."""

    def __init__(self, outcomes: list[AgentTrace | BaseException]) -> None:
        self._outcomes = outcomes

    def run(self, input_text: str) -> AgentTrace:
        outcome = self._outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def _concurrent_runs(adapter: Any, input_text: str, runs: int, limit: float, concurrency: int) -> _Replay:
    async def all_runs() -> list[AgentTrace | BaseException]:
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int) -> AgentTrace:
            async with gate:
                return await adapter.arun(input_text)

        tasks = [asyncio.ensure_future(one(i)) for i in range(runs)]
        done, pending = await asyncio.wait(tasks, timeout=limit)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        outcomes: list[AgentTrace | BaseException] = []
        for index, task in enumerate(tasks, 1):
            if task in pending:
                outcomes.append(
                    StreamTimeout(f"run {index} of {runs} did not finish within the scenario's {limit:g} s "
                                  f"(live runs run {concurrency} at a time)")
                )
            elif task.exception() is not None:
                outcomes.append(task.exception())  # type: ignore[arg-type]
            else:
                outcomes.append(task.result())
        return outcomes

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _Replay(asyncio.run(all_runs()))
    with ThreadPoolExecutor(max_workers=1) as pool:  # called from inside a running loop
        return _Replay(pool.submit(asyncio.run, all_runs()).result())
