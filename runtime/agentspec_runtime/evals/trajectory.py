"""Trajectory scoring: is the observed tool sequence what the case expects?

The score is binary — 1.0 when the mode's predicate holds, else 0.0:

* ``strict``      — the same sequence;
* ``unordered``   — the same multiset (order ignored, counts matter);
* ``subset``      — every observed tool is expected (extra observed tools fail);
* ``superset``    — every expected tool was observed (extras allowed);
* ``subsequence`` — the expected tools appear in order (gaps allowed).

``matched``/``missing``/``unexpected`` and precision, recall, F1 and F2 are
diagnostics only. Ordered modes diff by a longest common subsequence, the
others by multiset counts.

Before scoring, the observed trajectory is *projected*: with
``trajectoryEvents`` in the sample's extra, sub-agent tool calls (depth > 1)
are kept only with ``include_sub_agents``; ``ignore_tools`` are dropped either
way. The artifact's raw ``actual_trajectory`` is never changed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .cases import EvalTestCase, RawSampleOutput
from .config import TrajectoryScorerConfig

TRAJECTORY_EVENTS_KEY = "trajectoryEvents"


def passes(expected: list[str], actual: list[str], mode: str) -> bool:
    """The mode's predicate (see module docstring)."""
    if mode == "strict":
        return expected == actual
    if mode == "unordered":
        return Counter(expected) == Counter(actual)
    if mode == "subset":
        return _within(actual, expected)
    if mode == "superset":
        return _within(expected, actual)
    if mode == "subsequence":
        return is_subsequence(expected, actual)
    raise ValueError(f"unknown trajectory mode '{mode}'")


def _within(smaller: list[str], larger: list[str]) -> bool:
    """Multiset inclusion: every tool of ``smaller`` occurs at least as often in ``larger``."""
    counts = Counter(larger)
    return all(counts[tool] >= n for tool, n in Counter(smaller).items())


def is_subsequence(expected: list[str], actual: list[str]) -> bool:
    remaining = iter(actual)
    return all(any(tool == seen for seen in remaining) for tool in expected)


def multiset_diff(expected: list[str], actual: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(matched, missing, unexpected) by counts; matched and unexpected keep actual order."""
    left = Counter(expected)
    matched, unexpected = [], []
    for tool in actual:
        if left[tool] > 0:
            left[tool] -= 1
            matched.append(tool)
        else:
            unexpected.append(tool)
    missing = []
    for tool in expected:
        if left[tool] > 0:
            left[tool] -= 1
            missing.append(tool)
    return matched, missing, unexpected


def ordered_diff(expected: list[str], actual: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(matched, missing, unexpected) along one longest common subsequence."""
    rows, cols = len(expected), len(actual)
    lcs = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows):
        for j in range(cols):
            lcs[i + 1][j + 1] = lcs[i][j] + 1 if expected[i] == actual[j] else max(lcs[i][j + 1], lcs[i + 1][j])
    in_expected, in_actual = [False] * rows, [False] * cols
    i, j = rows, cols
    while i > 0 and j > 0:  # walk back, preferring to skip an expected tool on ties
        if expected[i - 1] == actual[j - 1]:
            in_expected[i - 1] = in_actual[j - 1] = True
            i, j = i - 1, j - 1
        elif lcs[i - 1][j] >= lcs[i][j - 1]:
            i -= 1
        else:
            j -= 1
    matched = [tool for tool, hit in zip(actual, in_actual) if hit]
    missing = [tool for tool, hit in zip(expected, in_expected) if not hit]
    unexpected = [tool for tool, hit in zip(actual, in_actual) if not hit]
    return matched, missing, unexpected


def f_beta(true_pos: int, false_pos: int, false_neg: int, beta: float) -> tuple[float, float, float]:
    """(precision, recall, F-beta); nothing expected and nothing observed is a perfect 1.0."""
    if true_pos == false_pos == false_neg == 0:
        return 1.0, 1.0, 1.0
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 0.0
    if precision + recall == 0:
        return precision, recall, 0.0
    b2 = beta * beta
    return precision, recall, (1 + b2) * precision * recall / (b2 * precision + recall)


def project(output: RawSampleOutput, config: TrajectoryScorerConfig) -> dict[str, Any]:
    """The trajectory the scorer sees, and where it came from."""
    ignored = set(config.ignore_tools)
    events = _trajectory_events(output.extra.get(TRAJECTORY_EVENTS_KEY))
    if events is not None:
        scored = [
            e["name"]
            for e in events
            if e["kind"] == "tool"
            and (config.include_sub_agents or e.get("depth", 0) <= 1)
            and e["name"] not in ignored
        ]
        source = TRAJECTORY_EVENTS_KEY
    else:
        scored = [tool for tool in output.actual_trajectory if tool not in ignored]
        source = "actualTrajectory"
    return {
        "observedTrajectory": list(output.actual_trajectory),
        "scoredTrajectory": scored,
        "source": source,
        "config": config.model_dump(by_alias=True, mode="json"),
    }


def _trajectory_events(value: Any) -> list[dict[str, Any]] | None:
    """Well-formed trajectory events, or ``None`` (then the raw trajectory is scored)."""
    if not isinstance(value, list):
        return None
    for event in value:
        if not (
            isinstance(event, dict)
            and event.get("kind") in ("tool", "agent")
            and isinstance(event.get("name"), str)
            and isinstance(event.get("depth", 0), int)
            and not isinstance(event.get("depth", 0), bool)
        ):
            return None
    return value


def score(case: EvalTestCase, output: RawSampleOutput, config: TrajectoryScorerConfig) -> tuple[float, dict[str, Any]]:
    """The trajectory component: (score, details)."""
    projection = project(output, config)
    expected, actual, mode = list(case.expected_trajectory), projection["scoredTrajectory"], case.trajectory_mode
    passed = passes(expected, actual, mode)
    diff = ordered_diff if mode in ("strict", "subsequence") else multiset_diff
    matched, missing, unexpected = diff(expected, actual)
    tp, fp, fn = len(matched), len(unexpected), len(missing)
    precision, recall, f2 = f_beta(tp, fp, fn, 2.0)
    details = {
        "mode": mode,
        "passed": passed,
        "expected": expected,
        "actual": actual,
        "matched": matched,
        "missing": missing,
        "unexpected": unexpected,
        "diagnostics": {"precision": precision, "recall": recall, "f1": f_beta(tp, fp, fn, 1.0)[2], "f2": f2},
        "projection": projection,
    }
    return (1.0 if passed else 0.0), details
