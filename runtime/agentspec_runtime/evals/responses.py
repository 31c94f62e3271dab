"""Final-response scoring: weighted response scorers, ``required`` gates, a threshold.

Each scorer passes or fails (1.0 / 0.0). ``score`` is the passed weight over
the total weight. The eval passes when ``score >= pass_threshold`` and no
``required`` scorer failed; the component's score (``effectiveScore``) is
``score`` when it passes and 0.0 otherwise, so a failed gate reads as 0 while
``score`` stays available for diagnosis.

Judge scorers never call a model here: they read verdicts from the sample's
``extra["finalResponseJudgeVerdicts"]``. They fail closed — a judge scorer
without a verdict, or with a verdict recording a judge error, counts as a
failed scorer in the weighting (never dropped, never renormalised away).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from .cases import FINAL_RESPONSE_JUDGE_VERDICTS_EXTRA_KEY, FinalResponseEval, JudgeVerdict, RawSampleOutput, ResponseScorer

VERDICT_SCHEMA_VERSION = 1
#: keys a wrapped verdict may carry next to ``verdict`` (as the runtime records judge runs)
_WRAPPED_KEYS = {"verdict", "judgeRun", "errorKind", "judgeTrace"}


def judge_results(extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Verdicts by scorer id, each as ``{"verdict": {...}, ...}``; raises ``ValueError`` when malformed."""
    container = extra.get(FINAL_RESPONSE_JUDGE_VERDICTS_EXTRA_KEY)
    if container is None:
        return {}
    if not isinstance(container, dict):
        raise ValueError("final response judge verdicts extra field must be an object keyed by response scorer id")
    results: dict[str, dict[str, Any]] = {}
    for scorer_id, value in container.items():
        try:
            if isinstance(value, dict) and "verdict" in value:
                unknown = sorted(set(value) - _WRAPPED_KEYS)
                if unknown:
                    raise ValueError(f"unknown key(s) {unknown}")
                result = dict(value)
            else:
                result = {"verdict": value}
            result["verdict"] = JudgeVerdict.model_validate(result["verdict"]).as_extra_value()
        except (ValidationError, ValueError) as exc:
            raise ValueError(f"invalid judge verdict for response scorer '{scorer_id}': {exc}") from None
        results[scorer_id] = result
    return results


def _result(scorer: ResponseScorer, passed: bool, reason: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": scorer.id,
        "method": scorer.method,
        "passed": passed,
        "score": 1.0 if passed else 0.0,
        "required": scorer.required,
        "weight": scorer.weight,
        "reason": reason,
        "details": details,
    }


def _judge(scorer: ResponseScorer, verdicts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    found = verdicts.get(scorer.id)
    if found is None:
        return _result(
            scorer, False, "Judge response scorer did not have a precomputed judge verdict.", {"missingVerdict": True}
        )
    verdict = found["verdict"]
    details = {"verdict": verdict, **{k: v for k, v in found.items() if k != "verdict"}}
    return _result(scorer, verdict["passed"], verdict["reason"], details)


def _exact(scorer: ResponseScorer, text: str) -> dict[str, Any]:
    expected = scorer.expected or ""
    passed = text == expected
    reason = "The final response exactly matched the expected text." if passed else "The final response did not exactly match the expected text."
    return _result(scorer, passed, reason, {"expected": expected})


def _contains(scorer: ResponseScorer, text: str) -> dict[str, Any]:
    needle = scorer.text or ""
    passed = needle in text if scorer.case_sensitive else needle.lower() in text.lower()
    reason = "The final response contained the required text." if passed else "The final response did not contain the required text."
    return _result(scorer, passed, reason, {"text": needle, "caseSensitive": scorer.case_sensitive})


def _regex(scorer: ResponseScorer, text: str) -> dict[str, Any]:
    pattern = scorer.pattern or ""
    passed = re.search(pattern, text) is not None  # compiled once already, when the scorer was built
    reason = "The final response matched the required regex pattern." if passed else "The final response did not match the required regex pattern."
    return _result(scorer, passed, reason, {"pattern": pattern})


def evaluate(spec: FinalResponseEval, text: str, verdicts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Score every response scorer and combine them (see module docstring)."""
    results = []
    for scorer in spec.scorers:
        if scorer.method == "judge":
            results.append(_judge(scorer, verdicts))
        else:
            results.append({"exact": _exact, "contains": _contains, "regex": _regex}[scorer.method](scorer, text))
    total = sum(s.weight for s in spec.scorers)
    passed_weight = sum(s.weight for s, r in zip(spec.scorers, results) if r["passed"])
    required_failed = [s.id for s, r in zip(spec.scorers, results) if s.required and not r["passed"]]
    score = passed_weight / total if total > 0 else 0.0
    passed = score >= spec.pass_threshold and not required_failed
    return {
        "verdictSchemaVersion": VERDICT_SCHEMA_VERSION,
        "passed": passed,
        "score": score,
        "effectiveScore": score if passed else 0.0,
        "passThreshold": spec.pass_threshold,
        "passedWeight": passed_weight,
        "totalWeight": total,
        "requiredFailed": required_failed,
        "responseScorers": results,
    }


def score(spec: FinalResponseEval | None, output: RawSampleOutput) -> tuple[float, dict[str, Any]]:
    """The final_response component: (effective score, details)."""
    if spec is None:
        return 1.0, {"configured": False, "reason": "No finalResponse eval was configured for this test case."}
    if output.response_text is None:
        return 0.0, {"configured": True, "passed": False, "reason": "No final response text was captured for this sample."}
    try:
        verdicts = judge_results(output.extra)
    except ValueError as exc:
        return 0.0, {"configured": True, "passed": False, "reason": f"Invalid final response judge verdicts: {exc}"}
    result = evaluate(spec, output.response_text, verdicts)
    return result["effectiveScore"], result
