"""Action scoring: strict types, exact vs subset payloads, semantic JSON, matching, F2."""

from __future__ import annotations

import pytest

from agentspec_runtime import RawSampleOutput, define_expected_action, define_expected_actions, define_test_case, score_sample
from agentspec_runtime.evals.actions import semantic_equal, subset_match


def executed(expected, actual, payload_match="exact"):
    case = define_test_case(
        "a",
        "go",
        expected_actions=define_expected_actions(
            executed_actions=[define_expected_action(t, p) for t, p in expected], payload_match=payload_match
        ),
    )
    output = RawSampleOutput(extra={"resolvedActions": [{"type": t, "payload": p} for t, p in actual]})
    scored = score_sample(case, output, scorer_preset="executor")
    return scored, scored.component("executed_actions")


def test_type_is_strict_even_in_subset_mode() -> None:
    scored, detail = executed([("update_customer", {})], [("Update_Customer", {})], "subset")
    assert scored.aggregate == 0.0
    assert detail.details["summary"]["missingCount"] == 1 and detail.details["summary"]["extraCount"] == 1


def test_exact_mode_needs_equal_payloads_subset_mode_allows_extra_fields() -> None:
    actual = [("apply_discount", {"changeType": "discount", "value": 10, "id": "gen-1"})]
    expected = [("apply_discount", {"changeType": "discount", "value": 10})]
    assert executed(expected, actual, "exact")[0].aggregate == 0.0
    assert executed(expected, actual, "subset")[0].aggregate == 1.0


def test_payload_match_defaults_to_exact_and_rejects_unknown_modes() -> None:
    gt = define_expected_actions(executed_actions=[define_expected_action("x")])
    assert gt.payload.payload_match == "exact"
    with pytest.raises(Exception):
        define_expected_actions(executed_actions=[define_expected_action("x")], payload_match="fuzzy")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),  # key order ignored
        (1, 1.0, True),
        ({"v": [1, 2.5]}, {"v": [1.0, 2.5]}, True),
        (True, 1, False),  # a boolean is not a number
        (0, False, False),
        (9007199254740993, 9007199254740992.0, False),  # no rounding through float
        ("1", 1, False),
        (None, None, True),
        ([1, 2], [2, 1], False),  # exact keeps array order
        ({"a": 1}, {"a": 1, "b": 2}, False),
    ],
)
def test_semantic_json_equality(left, right, equal) -> None:
    assert semantic_equal(left, right) is equal
    assert semantic_equal(right, left) is equal


def test_subset_matching_is_deep_and_compares_scalar_arrays_as_multisets() -> None:
    assert subset_match({"a": {"b": 1}}, {"a": {"b": 1.0, "c": 2}, "d": 3})
    assert subset_match({"ids": ["a", "b", "c"]}, {"ids": ["c", "a", "b"]})
    assert not subset_match({"ids": ["a", "b"]}, {"ids": ["a", "b", "c"]})  # extra array values fail
    assert not subset_match({"ids": ["a", "a"]}, {"ids": ["a", "b"]})
    assert not subset_match({"a": 1}, {"b": 1})
    # arrays of objects compare element by element, in order
    assert subset_match({"rows": [{"k": 1}]}, {"rows": [{"k": 1, "x": 0}]})
    assert not subset_match({"rows": [{"k": 1}, {"k": 2}]}, {"rows": [{"k": 2}, {"k": 1}]})


def test_extra_actions_are_penalised_in_both_modes_and_order_never_matters() -> None:
    expected = [("a", {"n": 1}), ("b", {"n": 2})]
    for mode in ("exact", "subset"):
        reordered = executed(expected, [("b", {"n": 2}), ("a", {"n": 1})], mode)[0]
        assert reordered.aggregate == 1.0
        scored, detail = executed(expected, [("a", {"n": 1}), ("b", {"n": 2}), ("c", {})], mode)
        # tp 2, fp 1, fn 0: precision 2/3, recall 1 -> F2 = 5*(2/3) / (4*(2/3) + 1) = 10/11
        assert scored.aggregate == pytest.approx(10 / 11)
        assert detail.details["issues"] == ['Extra action: c:{}']


def test_missing_action_f2() -> None:
    # tp 1, fp 0, fn 1: precision 1, recall 1/2 -> F2 = 5*(1/2) / (4 + 1/2) = 5/9
    scored, detail = executed([("a", {}), ("b", {})], [("a", {})])
    assert scored.aggregate == pytest.approx(5 / 9)
    assert detail.details["summary"] == {
        "totalExpected": 2, "totalActual": 1, "exactCount": 1, "missingCount": 1, "extraCount": 0, "passRate": 0.5,
    }
    assert [a["status"] for a in detail.details["actions"]] == ["exact", "missing"]


def test_matching_is_maximal_so_a_broad_expectation_does_not_steal() -> None:
    # the broad {} (subset) could take either; a greedy pass would give it the only {"k": 1}
    expected = [("t", {}), ("t", {"k": 1})]
    actual = [("t", {"k": 1}), ("t", {"k": 2})]
    assert executed(expected, actual, "subset")[0].aggregate == 1.0


def test_signatures_are_canonical_json() -> None:
    _, detail = executed([("t", {"b": 1, "a": [1, 2]})], [])
    assert detail.details["actions"][0]["signature"] == 't:{"a":[1,2],"b":1}'


def test_planned_actions_score_against_planned_actions() -> None:
    case = define_test_case(
        "p", "go", expected_trajectory=["storePlan"],
        expected_actions=define_expected_actions(planned_actions=[define_expected_action("x", {"n": 1})]),
    )
    good = RawSampleOutput(actual_trajectory=["storePlan"], extra={"plannedActions": [{"type": "x", "payload": {"n": 1}}]})
    bad = RawSampleOutput(actual_trajectory=["storePlan"], extra={"resolvedActions": [{"type": "x", "payload": {"n": 1}}]})
    assert score_sample(case, good, scorer_preset="planner").aggregate == 1.0
    # trajectory 0.5 passes, planned 0.5 finds nothing (F2 = 0)
    assert score_sample(case, bad, scorer_preset="planner").aggregate == 0.5


def test_malformed_planned_actions_score_zero_with_the_reason() -> None:
    case = define_test_case("p", "go", expected_actions=define_expected_actions(planned_actions=[define_expected_action("x")]))
    scored = score_sample(case, RawSampleOutput(extra={"plannedActions": [{"kind": "x"}]}), scorer_preset="planner")
    component = scored.component("planned_actions")
    assert component.score == 0.0 and "Failed to deserialize actions" in component.details["error"]


def test_at_least_one_bucket_is_required() -> None:
    with pytest.raises(Exception, match="at least one"):
        define_expected_actions()
