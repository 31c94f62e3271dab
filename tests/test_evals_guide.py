"""The worked examples of the published evals guides, with the same numbers."""

from __future__ import annotations

import pytest

from agentspec_runtime import (
    JudgeVerdict,
    RawSampleOutput,
    ResponseScorer,
    define_expected_action,
    define_expected_actions,
    define_final_response_eval,
    define_resolved_action,
    define_test_case,
    score_sample,
)


def test_first_offline_eval_scores_a_matching_trajectory_1() -> None:
    case = define_test_case("planner-basic", "Plan the requested change", expected_trajectory=["buildPlan", "explainPlan"])
    scored = score_sample(case, RawSampleOutput(actual_trajectory=["buildPlan", "explainPlan"]), scorer_preset="trajectory_only")
    assert scored.aggregate == 1.0
    assert scored.component_scores[0].scorer_name == "trajectory"
    assert not hasattr(scored, "passed")  # offline callers apply their own threshold


def test_response_weights_are_normalised_by_total_weight() -> None:
    scored = score_sample(
        define_test_case(
            "response-weighting",
            "Update billing",
            final_response=define_final_response_eval(
                scorers=[
                    ResponseScorer.contains(id="mentions_update", text="updated", weight=2),
                    ResponseScorer.contains(id="mentions_email", text="jane@example.com", weight=1),
                ],
                pass_threshold=0.5,
            ),
        ),
        RawSampleOutput(response_text="Billing was updated."),
        score_weights={"final_response": 1},
    )
    assert scored.component_scores[0].details["score"] == 2 / 3
    assert scored.aggregate == 2 / 3
    assert [c.scorer_name for c in scored.component_scores] == ["final_response", "composite"]
    assert scored.component_scores[-1].score == 2 / 3


def test_trajectory_modes_example_strict_fails_superset_passes() -> None:
    actual = RawSampleOutput(actual_trajectory=["a", "lookup", "b"])

    def run(mode: str):
        case = define_test_case("m", "Run the tools", expected_trajectory=["a", "b"], trajectory_mode=mode)
        return score_sample(case, actual, scorer_preset="trajectory_only")

    strict, superset = run("strict"), run("superset")
    assert strict.aggregate == 0.0
    assert superset.aggregate == 1.0
    detail = strict.component_scores[0].details
    assert detail["passed"] is False
    assert detail["matched"] == ["a", "b"]
    assert detail["unexpected"] == ["lookup"]
    assert detail["diagnostics"]["precision"] == 2 / 3
    assert detail["diagnostics"]["recall"] == 1.0


def test_executor_workflow_with_authored_trajectory_scores_1() -> None:
    payload = {"customerId": "acme", "billingContact": "jane@example.com"}
    case = define_test_case(
        "executor-workflow",
        "Update the billing contact",
        expected_trajectory=["lookupCustomer", "updateCustomer"],
        trajectory_mode="subsequence",
        expected_actions=define_expected_actions(executed_actions=[define_expected_action("update_customer", payload)]),
    )
    output = RawSampleOutput(
        actual_trajectory=["lookupCustomer", "updateCustomer"],
        extra={"resolvedActions": [define_resolved_action("update_customer", payload).model_dump(by_alias=True, mode="json")]},
    )
    scored = score_sample(case, output, scorer_preset="executor")
    assert scored.aggregate == 1.0
    # executor defaults with an authored trajectory: trajectory 0.2, executed actions 0.8
    assert [c.scorer_name for c in scored.component_scores] == ["trajectory", "executed_actions", "composite"]


def test_executor_workflow_weights_are_0_2_and_0_8() -> None:
    payload = {"customerId": "acme"}
    case = define_test_case(
        "executor-workflow",
        "Update",
        expected_trajectory=["lookupCustomer", "updateCustomer"],
        trajectory_mode="subsequence",
        expected_actions=define_expected_actions(executed_actions=[define_expected_action("update_customer", payload)]),
    )
    wrong_order = RawSampleOutput(
        actual_trajectory=["updateCustomer", "lookupCustomer"],
        extra={"resolvedActions": [{"type": "update_customer", "payload": payload}]},
    )
    assert score_sample(case, wrong_order, scorer_preset="executor").aggregate == pytest.approx(0.8)


def test_judge_unit_test_with_precomputed_verdicts_scores_1() -> None:
    case = define_test_case(
        "billing-response-unit",
        "Update Acme Corp's billing contact.",
        final_response=define_final_response_eval(
            scorers=[
                ResponseScorer.judge(id="reports_success", instructions="Pass when the response reports the update.", weight=2),
                ResponseScorer.judge(
                    id="does_not_claim_refund", instructions="Pass when the response does not claim a refund.", required=True
                ),
            ],
            pass_threshold=0.75,
        ),
    )
    output = RawSampleOutput(response_text="Acme Corp's billing contact was updated.").with_judge_verdicts(
        {
            "reports_success": JudgeVerdict(passed=True, selected_rubric_score=1, reason="The response reports the successful update."),
            "does_not_claim_refund": JudgeVerdict(passed=True, selected_rubric_score=1, reason="The response does not mention a refund."),
        }
    )
    assert score_sample(case, output, score_weights={"final_response": 1}).aggregate == 1.0


def test_specialist_examples_score_what_each_case_authors() -> None:
    answer = define_test_case(
        "insights-answer",
        "Summarize customer risk",
        final_response=define_final_response_eval(scorers=[ResponseScorer.contains(id="mentions_risk", text="risk")]),
    )
    scored = score_sample(answer, RawSampleOutput(response_text="High churn risk."), mode="specialist")
    assert [c.scorer_name for c in scored.component_scores] == ["final_response", "composite"]
    assert scored.aggregate == 1.0

    reader = define_test_case("catalog-reader", "Inspect product metadata", expected_trajectory=["get_catalog_entities"])
    scored = score_sample(reader, RawSampleOutput(actual_trajectory=[]), mode="specialist")
    assert [c.scorer_name for c in scored.component_scores] == ["trajectory", "composite"]
    assert scored.aggregate == 0.0


def test_no_tools_contract_with_explicit_trajectory_weight() -> None:
    case = define_test_case("no-tools", "Answer without tools.")
    assert score_sample(case, RawSampleOutput(actual_trajectory=[]), mode="specialist", score_weights={"trajectory": 1.0}).aggregate == 1.0
    assert score_sample(case, RawSampleOutput(actual_trajectory=["search"]), mode="specialist", score_weights={"trajectory": 1.0}).aggregate == 0.0
