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
from typing import Any

from agentgate import AgentAdapter, AgentTrace, Scenario, ScenarioResult, SuiteResult, TestSuite

from .. import eventlog, live_summary
from ..errors import StreamTimeout
from ..live import selection
from . import loop
from .bridge import RuntimeAdapter
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
    options = dict(runs=runs, min_pass_rate=min_pass_rate, timeout_seconds=timeout_seconds)
    limit = min(scenario.timeout_seconds, scenario_timeout, timeout_seconds)
    if runs <= 1 and isinstance(adapter, RuntimeAdapter) and limit > 0:
        result = _run_once(suite, adapter, scenario.input, limit, options)
    else:
        runner: AgentAdapter = adapter
        if runs > 1 and selection.is_live() and hasattr(adapter, "arun"):
            runner = _concurrent_runs(adapter, scenario.input, runs, limit, selection.concurrency())
        result = suite.run(runner, scenario_timeout=scenario_timeout, **options)
    outcome = result.results[0]
    eventlog.save_result(outcome)  # only when AGENTSPEC_EVENT_LOG names a directory
    live_summary.collect(outcome, adapter)  # only in a session that sums up live runs
    return outcome


def _run_once(
    suite: TestSuite, adapter: RuntimeAdapter, input_text: str, limit: float, options: dict[str, Any]
) -> SuiteResult:
    """One run, bounded by the adapter's own timeout lowered to the scenario's
    ``limit``, on the shared event loop; agentgate then checks its trace.

    agentgate would run the adapter in a new worker thread to time it out; the
    adapter's timeout already bounds the stream, so the run is made here first
    and agentgate gets its outcome through a replay with no timeout of its own
    (it then calls the adapter directly). A run that raised (a timeout above
    all) goes through agentgate's usual path, which reports it as a failed run;
    a timeout is also marked ``timed_out``, as agentgate marks its own.
    """
    try:
        trace: AgentTrace | BaseException = loop.run(adapter.arun(input_text, timeout_seconds=limit))
    except Exception as exc:
        trace = exc
    if not isinstance(trace, BaseException):
        return suite.run(_Replay([trace]), scenario_timeout=0, **options)
    result = suite.run(_Replay([trace]), scenario_timeout=limit, **options)
    if isinstance(trace, StreamTimeout):
        result.results[0].timed_out = True
        result.results[0].timeout_detail = str(trace)
    return result


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

    return _Replay(loop.run(all_runs()))
