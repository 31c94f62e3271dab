"""The figures a report shows, as plain data (this is also ``--format json``).

Per case of the latest set: its aggregate, threshold and verdict, pass@k,
token, cost and latency totals, each run's aggregate and component scores,
and the case's trend across all sets. Numbers are rounded only when shown.
"""

from __future__ import annotations

from typing import Any

from .results import CaseResult, Results


def _run(sample: Any) -> dict[str, Any]:
    cost = sample.cost.total_cost_usd if sample.cost is not None else None
    return {
        "run": sample.sample_index + 1,
        "aggregate": sample.aggregate_score,
        "passed": sample.passed,
        "components": {c.scorer_name: c.score for c in sample.component_scores if c.scorer_name != "composite"},
        "inputTokens": sample.token_usage.input_tokens,
        "outputTokens": sample.token_usage.output_tokens,
        "latencyMs": sample.latency.total_ms if sample.latency is not None else sample.duration_ms,
        "costUsd": cost,
        "error": sample.error,
    }


def _case(results: Results, case: CaseResult) -> dict[str, Any]:
    runs = [_run(s) for s in case.samples]
    costs = [r["costUsd"] for r in runs if r["costUsd"] is not None]
    return {
        "spec": case.spec,
        "case": case.case.test_case_id,
        "aggregate": case.case.aggregate_score,
        "threshold": case.threshold,
        "passed": case.passed,
        "passAtK": [
            {"k": p.k, "estimate": p.unbiased_estimate if p.unbiased_estimate is not None else p.simple_estimate}
            for p in case.case.pass_at_k
        ],
        "inputTokens": sum(r["inputTokens"] for r in runs),
        "outputTokens": sum(r["outputTokens"] for r in runs),
        "costUsd": sum(costs) if costs else None,
        "latencyMs": sum(r["latencyMs"] for r in runs),
        "runs": runs,
        "trend": [{"set": name, "aggregate": value} for name, value in results.trend(case.key)],
    }


def figures(results: Results) -> dict[str, Any]:
    cases = [_case(results, c) for c in results.latest.cases]
    return {
        "sets": [s.name for s in results.sets],
        "latest": results.latest.name,
        "cases": cases,
        "totals": {
            "cases": len(cases),
            "passed": sum(1 for c in cases if c["passed"] is True),
            "failed": sum(1 for c in cases if c["passed"] is False),
            "inputTokens": sum(c["inputTokens"] for c in cases),
            "outputTokens": sum(c["outputTokens"] for c in cases),
            "costUsd": sum(c["costUsd"] for c in cases if c["costUsd"] is not None) if any(c["costUsd"] is not None for c in cases) else None,
            "latencyMs": sum(c["latencyMs"] for c in cases),
        },
    }
