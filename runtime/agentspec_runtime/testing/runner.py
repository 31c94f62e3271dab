"""Running one agentgate scenario against a runtime, and reporting a failure.

Generated tests call :func:`run_scenario` (a thin wrapper over agentgate's
``TestSuite.run``, so runs/min_pass_rate/timeouts mean exactly what agentgate
says) and assert with :func:`failure_report` as the message, which points back
to the spec line the scenario came from.
"""

from __future__ import annotations

from agentgate import AgentAdapter, Scenario, ScenarioResult, TestSuite

from .. import eventlog, live_summary


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
    result = suite.run(
        adapter,
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
    """agentgate's summary of the result plus where the scenario is defined."""
    return f"{result.summary()}\n  at {location}"
