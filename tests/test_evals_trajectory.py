"""Trajectory scoring: the five modes, ignored tools, sub-agent projection, diagnostics."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentspec_runtime import RawSampleOutput, define_test_case, define_trajectory_scorer_config, score_sample
from agentspec_runtime.evals import trajectory


def score(expected, actual, mode, **config):
    case = define_test_case("t", "go", expected_trajectory=expected, trajectory_mode=mode)
    kwargs = {"scorer_config": define_trajectory_scorer_config(**config)} if config else {}
    return score_sample(case, RawSampleOutput(actual_trajectory=actual), scorer_preset="trajectory_only", **kwargs)


@pytest.mark.parametrize(
    ("mode", "actual", "expected_score"),
    [
        ("strict", ["a", "b"], 1.0),
        ("strict", ["b", "a"], 0.0),
        ("strict", ["a", "b", "b"], 0.0),
        ("unordered", ["b", "a"], 1.0),
        ("unordered", ["a", "b", "b"], 0.0),  # counts matter
        ("unordered", ["a"], 0.0),
        ("subset", ["a"], 1.0),  # every observed tool is expected
        ("subset", [], 1.0),
        ("subset", ["a", "x"], 0.0),  # an extra observed tool fails
        ("superset", ["x", "b", "a", "y"], 1.0),  # every expected tool observed, extras allowed
        ("superset", ["a"], 0.0),
        ("subsequence", ["a", "x", "b"], 1.0),  # in order, gaps allowed
        ("subsequence", ["b", "a"], 0.0),
    ],
)
def test_each_mode_is_a_binary_predicate(mode, actual, expected_score) -> None:
    scored = score(["a", "b"], actual, mode)
    assert scored.aggregate == expected_score
    assert scored.component_scores[0].details["passed"] is (expected_score == 1.0)
    assert scored.component_scores[0].details["mode"] == mode


def test_default_mode_is_unordered() -> None:
    assert define_test_case("t", "go").trajectory_mode == "unordered"


def test_unknown_mode_is_rejected_where_the_case_is_built() -> None:
    with pytest.raises(Exception, match="trajectory_mode"):
        define_test_case("t", "go", trajectory_mode="fuzzy")  # type: ignore[arg-type]


def test_ignored_tools_are_removed_before_scoring_but_kept_in_the_raw_trajectory() -> None:
    scored = score(["a", "b"], ["call_agent", "a", "call_agent", "b"], "strict", ignore_tools=["call_agent"])
    detail = scored.component_scores[0].details
    assert scored.aggregate == 1.0
    assert detail["actual"] == ["a", "b"]
    assert detail["projection"]["observedTrajectory"] == ["call_agent", "a", "call_agent", "b"]
    assert detail["projection"]["source"] == "actualTrajectory"


def events(*items):
    return [{"kind": kind, "name": name, "depth": depth} for kind, name, depth in items]


def test_sub_agent_tools_count_only_when_included() -> None:
    extra = {
        "trajectoryEvents": events(
            ("agent", "coordinator", 1), ("tool", "call_agent", 1), ("agent", "planner", 2), ("tool", "storePlan", 2)
        )
    }
    output = RawSampleOutput(actual_trajectory=["call_agent", "storePlan"], extra=extra)
    case = define_test_case("t", "go", expected_trajectory=["storePlan"], trajectory_mode="strict")
    excluded = score_sample(case, output, scorer_preset="trajectory_only")
    included = score_sample(
        case,
        output,
        scorer_preset="trajectory_only",
        scorer_config=define_trajectory_scorer_config(include_sub_agents=True, ignore_tools=["call_agent"]),
    )
    assert excluded.component_scores[0].details["actual"] == ["call_agent"]
    assert excluded.aggregate == 0.0
    assert included.component_scores[0].details["actual"] == ["storePlan"]
    assert included.aggregate == 1.0


def test_malformed_trajectory_events_fall_back_to_the_raw_trajectory() -> None:
    output = RawSampleOutput(actual_trajectory=["a"], extra={"trajectoryEvents": [{"kind": "weird"}]})
    case = define_test_case("t", "go", expected_trajectory=["a"])
    scored = score_sample(case, output, scorer_preset="trajectory_only")
    assert scored.component_scores[0].details["projection"]["source"] == "actualTrajectory"
    assert scored.aggregate == 1.0


def test_ignore_tools_entries_must_be_non_empty_and_are_deduplicated() -> None:
    with pytest.raises(Exception, match="non-empty"):
        define_trajectory_scorer_config(ignore_tools=[" "])
    assert define_trajectory_scorer_config(ignore_tools=["x", "x"]) == {
        "trajectory": {"includeSubAgents": False, "ignoreTools": ["x"]}
    }


def test_diagnostics_f1_and_f2() -> None:
    # expected [a, b, c], observed [a, x]: tp 1, fp 1, fn 2 -> precision 1/2, recall 1/3
    detail = score(["a", "b", "c"], ["a", "x"], "superset").component_scores[0].details
    diag = detail["diagnostics"]
    assert diag["precision"] == pytest.approx(1 / 2) and diag["recall"] == pytest.approx(1 / 3)
    assert diag["f1"] == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))
    assert diag["f2"] == pytest.approx(5 * (1 / 2) * (1 / 3) / (4 * (1 / 2) + 1 / 3))
    assert detail["missing"] == ["b", "c"] and detail["unexpected"] == ["x"]


def test_nothing_expected_and_nothing_observed_is_perfect() -> None:
    scored = score([], [], "strict")
    assert scored.aggregate == 1.0
    assert scored.component_scores[0].details["diagnostics"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "f2": 1.0}


def test_ordered_modes_diff_along_a_longest_common_subsequence() -> None:
    detail = score(["a", "b", "c"], ["b", "a", "c"], "strict").component_scores[0].details
    assert len(detail["matched"]) == 2 and detail["matched"][-1] == "c"
    assert len(detail["missing"]) == 1 and len(detail["unexpected"]) == 1


tools = st.lists(st.sampled_from(["a", "b", "c"]), max_size=6)


@given(tools, tools)
def test_mode_predicates_agree_with_their_definitions(expected, actual) -> None:
    from collections import Counter

    assert trajectory.passes(expected, actual, "strict") == (expected == actual)
    assert trajectory.passes(expected, actual, "unordered") == (Counter(expected) == Counter(actual))
    assert trajectory.passes(expected, actual, "superset") == (not Counter(expected) - Counter(actual))
    assert trajectory.passes(expected, actual, "subset") == (not Counter(actual) - Counter(expected))
    # unordered is exactly subset and superset together; strict implies subsequence
    both = trajectory.passes(expected, actual, "subset") and trajectory.passes(expected, actual, "superset")
    assert trajectory.passes(expected, actual, "unordered") == both
    if expected == actual:
        assert trajectory.passes(expected, actual, "subsequence")
    matched, missing, unexpected = trajectory.ordered_diff(expected, actual)
    assert len(matched) + len(missing) == len(expected) and len(matched) + len(unexpected) == len(actual)
