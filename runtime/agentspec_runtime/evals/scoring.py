"""Which scorers run, with which weights, and ``score_sample``.

A preset (or the eval mode) picks the default composition:

==================  =======================================================
``trajectory_only``  trajectory 1
``planner``          trajectory 0.5, planned_actions 0.5
``executor``         executed_actions 1 (0.8 + trajectory 0.2 when a case
                     authors an expected trajectory)
``sequential``       trajectory 0.5, planned 0.25, executed 0.25
``test_case_builder`` as sequential
``specialist``       1 for each expectation the case authors
==================  =======================================================

Without explicit weights, a case with a final-response eval adds
``final_response`` 0.5. Per case, a component whose expectation is absent is
dropped (an empty action bucket gives no free 1.0) and the rest are
renormalised by their total; the sample aggregate is the weighted mean of the
remaining components, reported last as the synthetic ``composite`` entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import actions, responses, trajectory
from .artifacts import ScoredSample, ScorerResult
from .cases import EvalTestCase, RawSampleOutput
from .config import SCORER_NAMES, SCORER_PRESETS, ScorerConfig, ScorerPreset, ScoreWeights

DEFAULT_FINAL_RESPONSE_WEIGHT = 0.5

PRESET_FOR_MODE = {
    "planner": "planner",
    "executor": "executor",
    "sequential": "sequential",
    "specialist": "specialist",
    "testCaseBuilder": "test_case_builder",
}

_DEFAULTS: dict[str, dict[str, float]] = {
    "trajectory_only": {"trajectory": 1.0},
    "planner": {"trajectory": 0.5, "planned_actions": 0.5},
    "executor": {"executed_actions": 1.0},
    "sequential": {"trajectory": 0.5, "planned_actions": 0.25, "executed_actions": 0.25},
    "test_case_builder": {"trajectory": 0.5, "planned_actions": 0.25, "executed_actions": 0.25},
}

_ALLOWED: dict[str, set[str]] = {
    "trajectory_only": {"trajectory"},
    "planner": {"trajectory", "planned_actions", "final_response"},
    "executor": {"trajectory", "executed_actions", "final_response"},
    "sequential": set(SCORER_NAMES),
    "specialist": set(SCORER_NAMES),
    "test_case_builder": set(SCORER_NAMES),
}


def check_preset(preset: str) -> str:
    if preset not in SCORER_PRESETS:
        raise ValueError(f"unknown eval scorer preset '{preset}'; expected one of: {', '.join(SCORER_PRESETS)}")
    return preset


def authored(case: EvalTestCase) -> dict[str, bool]:
    """Which scorers the case gives something to score."""
    gt = case.ground_truth.actions if case.ground_truth is not None else None
    return {
        "trajectory": bool(case.expected_trajectory),
        "planned_actions": bool(gt and gt.planned_actions),
        "executed_actions": bool(gt and gt.executed_actions),
        "final_response": case.final_response is not None,
    }


def materialize(weights: Mapping[str, float], preset: str) -> dict[str, float]:
    """Canonical order, zero weights dropped, allowed for the preset, normalised to sum 1."""
    positive = {name: float(weights[name]) for name in SCORER_NAMES if weights.get(name, 0) > 0}
    for name in positive:
        if name not in _ALLOWED[preset]:
            raise ValueError(f"scorer '{name}' is not valid for preset '{preset}'")
    total = sum(positive.values())
    if total <= 0:
        raise ValueError("at least one score weight must be positive (weights summing to zero give no signal)")
    return {name: weight / total for name, weight in positive.items()}


def default_weights(preset: str, cases: list[EvalTestCase]) -> dict[str, float]:
    """The preset's weights for these cases, before any final-response weight is added."""
    if preset == "specialist":
        if not cases:
            raise ValueError("specialist eval scoring requires at least one test case with scoreable expectations")
        combined = dict.fromkeys(SCORER_NAMES, False)
        for case in cases:
            present = authored(case)
            if not any(present.values()):
                raise ValueError(
                    f"specialist eval test case '{case.id}' has no scoreable expectations; author "
                    "expectedTrajectory, finalResponse, plannedActions, or executedActions, or configure "
                    "explicit scoreWeights"
                )
            combined = {name: combined[name] or present[name] for name in SCORER_NAMES}
        return {name: 1.0 for name in SCORER_NAMES if combined[name]}
    if preset == "executor" and any(case.expected_trajectory for case in cases):
        return {"trajectory": 0.2, "executed_actions": 0.8}
    return dict(_DEFAULTS[preset])


def check_specialist_weights(weights: Mapping[str, float], cases: list[EvalTestCase]) -> None:
    """Explicit specialist weights may score empty expectations, except final_response."""
    materialize(weights, "specialist")
    if weights.get("final_response", 0) > 0:
        for case in cases:
            if case.final_response is None:
                raise ValueError(
                    f"specialist scorer 'final_response' requires test case '{case.id}' to author finalResponse"
                )


def resolve_weights(preset: str, explicit: ScoreWeights | None, cases: list[EvalTestCase]) -> dict[str, float]:
    """Run-level weights: explicit ones, or the preset defaults (+ final_response 0.5 when authored)."""
    if explicit is not None:
        weights = explicit.as_dict()
        if preset == "specialist":
            check_specialist_weights(weights, cases)
    else:
        weights = default_weights(preset, cases)
        if any(case.final_response is not None for case in cases):
            weights.setdefault("final_response", DEFAULT_FINAL_RESPONSE_WEIGHT)
    return materialize(weights, preset)


def case_weights(weights: dict[str, float], case: EvalTestCase, keep_empty_trajectory: bool) -> dict[str, float]:
    """The run weights narrowed to what this case authors, renormalised."""
    present = authored(case)
    present["trajectory"] = present["trajectory"] or keep_empty_trajectory
    kept = {name: w for name, w in weights.items() if present[name]}
    if not kept:
        # nothing authored for any weighted scorer: keep what we can rather than score nothing
        kept = {name: w for name, w in weights.items() if name != "trajectory" or present["trajectory"]} or dict(weights)
    total = sum(kept.values())
    return {name: w / total for name, w in kept.items()}


def _component(name: str, case: EvalTestCase, output: RawSampleOutput, config: ScorerConfig) -> tuple[float, dict[str, Any] | None]:
    if name == "trajectory":
        return trajectory.score(case, output, config.trajectory)
    if name == "final_response":
        return responses.score(case.final_response, output)
    gt = case.ground_truth.actions if case.ground_truth is not None else None
    if gt is None:
        return 1.0, None
    if name == "planned_actions":
        return actions.score(gt.planned_actions, gt.payload_match, output, "planned")
    return actions.score(gt.executed_actions, gt.payload_match, output, "executed")


def score_with_weights(
    case: EvalTestCase, output: RawSampleOutput, weights: dict[str, float], config: ScorerConfig
) -> ScoredSample:
    """Every weighted component, then the synthetic ``composite`` with the weighted mean."""
    components, weighted = [], 0.0
    for name, weight in weights.items():
        value, details = _component(name, case, output, config)
        value = min(1.0, max(0.0, value))
        components.append(ScorerResult(scorer_name=name, score=value, details=details))
        weighted += value * weight
    total = sum(weights.values())
    aggregate = min(1.0, max(0.0, weighted / total)) if total > 0 else 0.0
    components.append(ScorerResult(scorer_name="composite", score=aggregate))
    return ScoredSample(aggregate=aggregate, component_scores=components)


def preset_for(mode: str | None, preset: str | None) -> str:
    """The preset ``score_sample`` uses for this mode/preset pair."""
    if mode is None:
        return check_preset(preset) if preset is not None else "sequential"
    if mode not in PRESET_FOR_MODE:
        raise ValueError(f"unknown eval mode '{mode}'; expected one of: {', '.join(PRESET_FOR_MODE)}")
    if preset is None:
        return PRESET_FOR_MODE[mode]
    if preset == "trajectory_only":
        raise ValueError("scorerPreset='trajectory_only' is valid only when mode is omitted")
    if PRESET_FOR_MODE[mode] != preset:
        raise ValueError(f"mode '{mode}' conflicts with scorerPreset '{check_preset(preset)}'")
    return preset


def score_sample(
    test_case: EvalTestCase | Mapping[str, Any],
    output: RawSampleOutput | Mapping[str, Any],
    *,
    mode: str | None = None,
    score_weights: ScoreWeights | Mapping[str, float] | None = None,
    scorer_preset: ScorerPreset | str | Mapping[str, Any] | None = None,
    scorer_config: Mapping[str, Any] | None = None,
) -> ScoredSample:
    """Score one known sample offline: no runtime, no judge model (judge verdicts come in ``extra``).

    Returns a :class:`ScoredSample`; it has no ``passed`` — apply your own threshold.
    Raises ``ValueError`` for conflicting mode/preset/weights and
    ``pydantic.ValidationError`` for a malformed case or output.
    """
    case = EvalTestCase.model_validate(test_case)
    sample = RawSampleOutput.model_validate(output)
    preset_weights: ScoreWeights | None = None
    if scorer_preset is None or isinstance(scorer_preset, str):
        preset_name = scorer_preset
    else:
        preset = ScorerPreset.model_validate(scorer_preset)
        preset_name, preset_weights = preset.name, preset.weights
    if score_weights is not None and preset_weights is not None:
        raise ValueError("score_sample accepts weights either in scorer_preset or score_weights, not both")
    explicit = score_weights if score_weights is not None else preset_weights
    if explicit is not None and not isinstance(explicit, ScoreWeights):
        explicit = ScoreWeights.model_validate(explicit)
    preset_name = preset_for(mode, preset_name)
    weights = resolve_weights(preset_name, explicit, [case])
    config = ScorerConfig.parse(scorer_config)
    return score_with_weights(case, sample, case_weights(weights, case, keep_empty_trajectory=True), config)
