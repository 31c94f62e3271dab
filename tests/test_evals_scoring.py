"""Presets, weights and the composite; pass@k and aggregation; config validation."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from agentspec_runtime import (
    RawSampleOutput,
    ResponseScorer,
    ScoreWeights,
    define_eval_config,
    define_expected_action,
    define_expected_actions,
    define_final_response_eval,
    define_scorer_preset,
    define_test_case,
    score_sample,
)
from agentspec_runtime.evals import aggregate


def full_case():
    return define_test_case(
        "c",
        "go",
        expected_trajectory=["storePlan", "executePlan"],
        expected_actions=define_expected_actions(
            planned_actions=[define_expected_action("x", {"n": 1})], executed_actions=[define_expected_action("x", {"n": 1})]
        ),
    )


# planned actions right, executed actions missing, trajectory right
HALF_DONE = RawSampleOutput(actual_trajectory=["storePlan", "executePlan"], extra={"plannedActions": [{"type": "x", "payload": {"n": 1}}]})


def test_sequential_is_the_default_with_0_5_0_25_0_25() -> None:
    scored = score_sample(full_case(), HALF_DONE)
    assert [c.scorer_name for c in scored.component_scores] == ["trajectory", "planned_actions", "executed_actions", "composite"]
    assert scored.aggregate == pytest.approx(0.75)


def test_planner_preset_is_trajectory_and_planned_half_each() -> None:
    scored = score_sample(full_case(), HALF_DONE, scorer_preset="planner")
    assert [c.scorer_name for c in scored.component_scores] == ["trajectory", "planned_actions", "composite"]
    assert scored.aggregate == 1.0


def test_weights_are_normalised_by_their_total() -> None:
    a = score_sample(full_case(), HALF_DONE, score_weights={"trajectory": 1, "executed_actions": 3})
    b = score_sample(full_case(), HALF_DONE, score_weights={"trajectory": 0.25, "executed_actions": 0.75})
    assert a.aggregate == b.aggregate == pytest.approx(0.25)


def test_zero_weights_drop_a_scorer_and_all_zero_is_refused() -> None:
    scored = score_sample(full_case(), HALF_DONE, score_weights={"trajectory": 1, "executed_actions": 0})
    assert [c.scorer_name for c in scored.component_scores] == ["trajectory", "composite"]
    with pytest.raises(ValidationError, match="at least one score weight must be positive"):
        ScoreWeights({"trajectory": 0, "final_response": 0})
    with pytest.raises(ValidationError, match="finite"):
        ScoreWeights({"trajectory": math.nan})
    with pytest.raises(ValidationError, match="non-empty"):
        ScoreWeights({})


def test_unpopulated_buckets_give_no_free_score() -> None:
    case = define_test_case("c", "go", expected_actions=define_expected_actions(executed_actions=[define_expected_action("x")]))
    scored = score_sample(case, RawSampleOutput(), scorer_preset="sequential")
    # planned bucket is empty: no planned component; trajectory (empty vs empty) passes; executed misses
    assert [c.scorer_name for c in scored.component_scores] == ["trajectory", "executed_actions", "composite"]
    assert scored.aggregate == pytest.approx(0.5 / 0.75)


def test_a_final_response_adds_weight_0_5_by_default() -> None:
    case = define_test_case(
        "c", "go", expected_trajectory=["a"],
        final_response=define_final_response_eval(scorers=[ResponseScorer.contains(id="c", text="done")]),
    )
    scored = score_sample(case, RawSampleOutput(actual_trajectory=["a"], response_text="not yet"))
    # trajectory 0.5 (passes) + final_response 0.5 (fails), normalised: 0.5
    assert [c.scorer_name for c in scored.component_scores] == ["trajectory", "final_response", "composite"]
    assert scored.aggregate == 0.5


def test_the_composite_entry_is_the_weighted_mean_of_the_named_components() -> None:
    scored = score_sample(full_case(), HALF_DONE)
    named = {c.scorer_name: c.score for c in scored.component_scores}
    assert named["composite"] == scored.aggregate
    assert scored.aggregate == pytest.approx(0.5 * named["trajectory"] + 0.25 * named["planned_actions"] + 0.25 * named["executed_actions"])


def test_preset_weights_and_direct_weights_are_exclusive() -> None:
    with pytest.raises(ValueError, match="not both"):
        score_sample(full_case(), HALF_DONE, scorer_preset=define_scorer_preset("sequential", weights={"trajectory": 1}), score_weights={"trajectory": 1})
    scored = score_sample(full_case(), HALF_DONE, scorer_preset=define_scorer_preset("sequential", weights={"executed_actions": 1}))
    assert scored.aggregate == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scorer_preset": "trajectory_only", "score_weights": {"final_response": 1}}, "not valid for preset"),
        ({"scorer_preset": "planner", "score_weights": {"executed_actions": 1}}, "not valid for preset"),
        ({"scorer_preset": "nonsense"}, "unknown eval scorer preset"),
        ({"mode": "planner", "scorer_preset": "executor"}, "conflicts"),
        ({"mode": "executor", "scorer_preset": "trajectory_only"}, "only when mode is omitted"),
        ({"mode": "galaxy"}, "unknown eval mode"),
    ],
)
def test_conflicting_or_unknown_choices_are_errors(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        score_sample(full_case(), HALF_DONE, **kwargs)


def test_specialist_needs_something_to_score() -> None:
    with pytest.raises(ValueError, match="no scoreable expectations"):
        score_sample(define_test_case("c", "go"), RawSampleOutput(), mode="specialist")
    with pytest.raises(ValueError, match="finalResponse"):
        score_sample(define_test_case("c", "go"), RawSampleOutput(response_text="x"), mode="specialist", score_weights={"final_response": 1})


@pytest.mark.parametrize(
    ("n", "c", "k", "simple", "unbiased"),
    [
        (3, 3, 1, 1.0, 1.0),
        (3, 0, 3, 0.0, 0.0),
        (4, 1, 1, 0.25, 0.25),
        (4, 1, 2, 0.5, 0.5),  # 1 - (3/4)(2/3)
        (5, 2, 2, 0.7, 0.7),  # 1 - C(3,2)/C(5,2) = 1 - 3/10
        (2, 1, 3, 1.0, None),  # k > n: unbiased undefined
        (0, 0, 1, 0.0, None),
    ],
)
def test_pass_at_k(n, c, k, simple, unbiased) -> None:
    [result] = aggregate.pass_at_k(n, c, [k])
    assert result.simple_estimate == pytest.approx(simple)
    if unbiased is None:
        assert result.unbiased_estimate is None
    else:
        assert result.unbiased_estimate == pytest.approx(unbiased)
    assert (result.num_samples, result.num_correct, result.k) == (n, c, k)


def test_pass_rate_and_mean_score_aggregation() -> None:
    scores, passed = [1.0, 0.6, 0.2], [True, False, False]
    assert aggregate.combine(scores, passed, "passRate") == pytest.approx(1 / 3)
    assert aggregate.combine(scores, passed, "meanScore") == pytest.approx(0.6)
    assert aggregate.combine([], [], "meanScore") == 0.0


def test_latency_percentiles_are_nearest_rank() -> None:
    summary = aggregate.latency_summary(list(range(1, 101)))
    assert (summary.p50_ms, summary.p95_ms, summary.p99_ms, summary.min_ms, summary.max_ms) == (50, 95, 99, 1, 100)
    assert aggregate.latency_summary([]) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pass_threshold": 1.2}, "between 0 and 1"),
        ({"pass_threshold": -0.1}, "between 0 and 1"),
        ({"samples_per_case": 0}, "at least 1"),
        ({"concurrency": 0}, "at least 1"),
        ({"k_values": [0]}, "positive"),
        ({"aggregation_strategy": "median"}, "aggregation_strategy"),
        ({"mode": "galaxy"}, "mode"),
        ({"score_weights": {"trajectory": -1}}, "non-negative"),
        ({"scorer_config": {"trajectory": {"includeSubagents": True}}}, "includeSubagents"),
    ],
)
def test_eval_config_refuses_bad_input(kwargs, message) -> None:
    with pytest.raises(ValidationError, match=message):
        define_eval_config(**kwargs)
