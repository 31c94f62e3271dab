"""Action scoring: expected business actions against planned or executed ones.

An expected action matches an actual one when the ``type`` is identical and
the payload matches: ``exact`` — semantically equal JSON; ``subset`` — the
expected payload is a deep subset of the actual one (scalar arrays compare as
multisets). Semantic JSON ignores object key order and compares numbers by
value (``1 == 1.0``), but a boolean is never a number.

Expected and actual actions are paired by maximum bipartite matching, so a
broad expectation cannot steal the only action a narrower one could match.
The score is F2 over (exact, extra, missing); list order never matters, and
extra actions are penalised in both modes.
"""

from __future__ import annotations

import json
from typing import Any

from .cases import ExpectedAction, RawSampleOutput, ResolvedAction
from .trajectory import f_beta

PLANNED_ACTIONS_KEY = "plannedActions"
RESOLVED_ACTIONS_KEY = "resolvedActions"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def semantic_equal(expected: Any, actual: Any) -> bool:
    """JSON equality with key order ignored and ``1 == 1.0`` (exact for big integers)."""
    if _is_number(expected) and _is_number(actual):
        return expected == actual  # Python compares int and float exactly, without rounding
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(semantic_equal(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(semantic_equal(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    return type(expected) is type(actual) and expected == actual


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def subset_match(expected: Any, actual: Any) -> bool:
    """Deep subset: expected object keys must exist and match; scalar arrays as multisets."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(key in actual and subset_match(value, actual[key]) for key, value in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        if all(map(_is_scalar, expected)) and all(map(_is_scalar, actual)):
            return _same_multiset(expected, actual)
        return len(expected) == len(actual) and all(subset_match(e, a) for e, a in zip(expected, actual))
    return semantic_equal(expected, actual)


def _same_multiset(expected: list[Any], actual: list[Any]) -> bool:
    if len(expected) != len(actual):
        return False
    unused = list(actual)
    for value in expected:
        hit = next((i for i, candidate in enumerate(unused) if semantic_equal(value, candidate)), None)
        if hit is None:
            return False
        unused.pop(hit)
    return True


def payload_matches(expected: Any, actual: Any, mode: str) -> bool:
    return subset_match(expected, actual) if mode == "subset" else semantic_equal(expected, actual)


def signature(action_type: str, payload: Any) -> str:
    """``type:{canonical JSON}`` — how an action is named in details and issues."""
    return f"{action_type}:{json.dumps(payload, sort_keys=True, separators=(',', ':'), ensure_ascii=False)}"


def _max_matching(candidates: list[list[int]], n_actual: int) -> list[int | None]:
    """Kuhn's augmenting paths: for each actual index, the expected index it is paired with."""
    owner: list[int | None] = [None] * n_actual

    def assign(exp: int, seen: list[bool]) -> bool:
        for act in candidates[exp]:
            if not seen[act]:
                seen[act] = True
                if owner[act] is None or assign(owner[act], seen):  # type: ignore[arg-type]
                    owner[act] = exp
                    return True
        return False

    for exp in range(len(candidates)):
        assign(exp, [False] * n_actual)
    return owner


def compare(expected: list[ExpectedAction], actual: list[ResolvedAction], payload_match: str) -> dict[str, Any]:
    """The comparison details: per-action status, summary counts and issues."""
    candidates = [
        [i for i, a in enumerate(actual) if a.type == e.type and payload_matches(e.payload, a.payload, payload_match)]
        for e in expected
    ]
    owner = _max_matching(candidates, len(actual))
    matched_expected = {exp for exp in owner if exp is not None}
    details, issues = [], []
    for index, action in enumerate(expected):
        if index in matched_expected:
            details.append({"signature": signature(action.type, action.payload), "status": "exact"})
    for index, action in enumerate(expected):
        if index not in matched_expected:
            sig = signature(action.type, action.payload)
            details.append({"signature": sig, "status": "missing"})
            issues.append(f"Missing action: {sig}")
    for index, action in enumerate(actual):
        if owner[index] is None:
            sig = signature(action.type, action.payload)
            details.append({"signature": sig, "status": "extra"})
            issues.append(f"Extra action: {sig}")
    exact = len(matched_expected)
    missing, extra = len(expected) - exact, len(actual) - exact
    if expected:
        pass_rate = exact / len(expected)
    else:
        pass_rate = 1.0 if not actual else 0.0
    return {
        "pass": missing == 0 and extra == 0,
        "payloadMatch": payload_match,
        "actions": details,
        "summary": {
            "totalExpected": len(expected),
            "totalActual": len(actual),
            "exactCount": exact,
            "missingCount": missing,
            "extraCount": extra,
            "passRate": pass_rate,
        },
        "issues": issues,
    }


def observed(output: RawSampleOutput, source: str) -> list[ResolvedAction]:
    """The planned or executed actions in the sample's extra; raises ``ValueError`` when malformed."""
    key = PLANNED_ACTIONS_KEY if source == "planned" else RESOLVED_ACTIONS_KEY
    value = output.extra.get(key)
    if value is None:
        return []
    if isinstance(value, dict) and key in value:  # a tool result that wraps the list
        value = value[key]
    if not isinstance(value, list):
        raise ValueError(f"extra['{key}'] must be a list of {{type, payload}} actions, got {type(value).__name__}")
    try:
        return [ResolvedAction.model_validate(action) for action in value]
    except Exception as exc:  # pydantic's message names the bad field
        raise ValueError(f"extra['{key}'] holds a malformed action: {exc}") from None


def score(expected: list[ExpectedAction], payload_match: str, output: RawSampleOutput, source: str) -> tuple[float, dict[str, Any] | None]:
    """One action component: (F2 score, details). An empty expected bucket scores 1.0."""
    if not expected:
        return 1.0, None
    try:
        actual = observed(output, source)
    except ValueError as exc:
        return 0.0, {"error": f"Failed to deserialize actions: {exc}"}
    result = compare(expected, actual, payload_match)
    summary = result["summary"]
    _, _, f2 = f_beta(summary["exactCount"], summary["extraCount"], summary["missingCount"], 2.0)
    return f2, result
