"""From sample scores to test-case and run figures: pass@k, aggregates, latency.

* A sample passes when its aggregate ``>= pass_threshold``.
* A test case's aggregate is, by ``aggregation_strategy``, the fraction of
  passing samples (``passRate``) or the mean sample aggregate (``meanScore``).
* A test case passes when its aggregate ``>= pass_threshold``; the run's
  aggregate is the fraction of passing cases (``passRate``) or the mean case
  aggregate (``meanScore``).
* pass@k is reported two ways: the simple estimate
  ``1 - prod_{i<k} (n-c-i)/(n-i)`` and the unbiased estimator of Chen et al.
  (2021), ``1 - C(n-c, k)/C(n, k)``, which is undefined (``None``) for k > n.
"""

from __future__ import annotations

import math

from .artifacts import PassAtKResult, SummaryLatency


def pass_at_k_simple(n: int, c: int, k: int) -> float:
    if k == 0 or n == 0:
        return 0.0
    if c >= n:
        return 1.0
    if c == 0:
        return 0.0
    if k == 1:
        return c / n
    product = 1.0
    for i in range(k):
        if n - c - i <= 0:
            return 1.0  # not enough failures to fill k draws
        product *= (n - c - i) / (n - i)
    return 1.0 - product


def pass_at_k_unbiased(n: int, c: int, k: int) -> float | None:
    if k > n:
        return None
    if c >= n:
        return 1.0
    if c == 0:
        return 0.0
    if n - c < k:
        return 1.0
    log_ratio = sum(math.log(n - c - i) - math.log(n - i) for i in range(k))
    return min(1.0, max(0.0, 1.0 - math.exp(log_ratio)))


def pass_at_k(n: int, c: int, k_values: list[int]) -> list[PassAtKResult]:
    return [
        PassAtKResult(
            k=k,
            simple_estimate=pass_at_k_simple(n, c, k),
            unbiased_estimate=pass_at_k_unbiased(n, c, k),
            num_samples=n,
            num_correct=c,
        )
        for k in k_values
    ]


def combine(scores: list[float], passed: list[bool], strategy: str) -> float:
    """A case aggregate from its samples, or a run aggregate from its cases."""
    if not scores:
        return 0.0
    if strategy == "meanScore":
        return sum(scores) / len(scores)
    return sum(passed) / len(passed)


def latency_summary(durations_ms: list[int]) -> SummaryLatency | None:
    """Nearest-rank percentiles of the samples' durations (``None`` without samples)."""
    if not durations_ms:
        return None
    ordered = sorted(durations_ms)

    def rank(p: float) -> int:
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)]

    return SummaryLatency(p50_ms=rank(0.5), p95_ms=rank(0.95), p99_ms=rank(0.99), min_ms=ordered[0], max_ms=ordered[-1])
