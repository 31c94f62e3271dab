"""Expectations that remember the spec line they were written on.

A generated test builds a :class:`SpecScenario` (an agentgate ``Scenario``)
and, before each expectation, says where in the spec it comes from::

    scenario.at("specs/hello.agentspec:17:5", 'output contains "NH8"')
    scenario.expect_output(contains="NH8")

Every agentgate expectation appended after an ``at`` belongs to that spec
line, so one spec expectation that agentgate expands into several (a
``policy`` bundle) is still reported as the one line the user wrote. When the
scenario is checked, each ``ExpectationResult`` is stamped with its spec
location and text, and :func:`failed_lines` lists the failing ones for the
failure report.
"""

from __future__ import annotations

from dataclasses import dataclass

from agentgate import Scenario, ScenarioResult
from agentgate.types import AgentTrace, ExpectationResult

#: attribute of an ``ExpectationResult`` holding its :class:`SpecLine`
_STAMP = "agentspec_line"


@dataclass(frozen=True)
class SpecLine:
    """Where an expectation is written (``file:line:col``) and how it reads there."""

    location: str
    text: str

    def __str__(self) -> str:
        return f"{self.location}: {self.text}"


class SpecScenario(Scenario):
    """An agentgate ``Scenario`` whose expectations carry their spec lines."""

    def __init__(self, name: str, **kwargs) -> None:
        super().__init__(name, **kwargs)
        self._marks: list[tuple[int, SpecLine]] = []  # (index of the first expectation, its line)

    def at(self, location: str, text: str) -> "SpecScenario":
        """The expectations added next come from ``text`` at ``location``."""
        self._marks.append((len(self.expectations), SpecLine(location, text)))
        return self

    def line_of(self, index: int) -> SpecLine | None:
        """The spec line of the ``index``-th expectation (None before any ``at``)."""
        found = None
        for start, line in self._marks:
            if start > index:
                break
            found = line
        return found

    def check(self, trace: AgentTrace) -> ScenarioResult:
        result = super().check(trace)
        # agentgate checks self.expectations in order, then appends its own
        # scenario limits (max_steps, max_llm_calls), which have no mark
        for index, outcome in enumerate(result.expectations[: len(self.expectations)]):
            line = self.line_of(index)
            if line is not None:
                setattr(outcome, _STAMP, line)
        return result


def spec_line(outcome: ExpectationResult) -> SpecLine | None:
    """The spec line an expectation result was stamped with, if any."""
    return getattr(outcome, _STAMP, None)


def failed_lines(result: ScenarioResult) -> list[SpecLine]:
    """Each spec line with a failing expectation, in any run, once, in spec order."""
    outcomes = list(result.expectations)
    for run in result.run_results:
        outcomes += run.expectations
    seen: dict[SpecLine, None] = {}
    for outcome in outcomes:
        line = spec_line(outcome)
        if line is not None and not outcome.passed:
            seen.setdefault(line, None)
    return sorted(seen, key=_spec_order)


def _spec_order(line: SpecLine) -> tuple[str, int, int]:
    path, _, rest = line.location.rpartition(":")  # path:line:col
    path, _, row = path.rpartition(":")
    try:
        return (path, int(row), int(rest))
    except ValueError:
        return (line.location, 0, 0)
