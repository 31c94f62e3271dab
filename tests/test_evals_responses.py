"""Final-response scoring: exact/contains/regex/judge, weights, required gates, thresholds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agentspec_runtime import (
    RawSampleOutput,
    ResponseScorer,
    define_final_response_eval,
    define_test_case,
    final_response_judge_verdicts_extra,
    score_sample,
)


def final(scorers, text, threshold=1.0, verdicts=None):
    case = define_test_case("r", "go", final_response=define_final_response_eval(scorers=scorers, pass_threshold=threshold))
    output = RawSampleOutput(response_text=text)
    if verdicts is not None:
        output = output.with_judge_verdicts(verdicts)
    scored = score_sample(case, output, score_weights={"final_response": 1})
    return scored, scored.component_scores[0].details


def test_exact_is_whole_string_equality() -> None:
    assert final([ResponseScorer.exact(id="e", expected="42")], "42")[0].aggregate == 1.0
    assert final([ResponseScorer.exact(id="e", expected="42")], "42 ")[0].aggregate == 0.0


def test_contains_is_case_sensitive_unless_told_otherwise() -> None:
    assert final([ResponseScorer.contains(id="c", text="Revenue")], "revenue up")[0].aggregate == 0.0
    assert final([ResponseScorer.contains(id="c", text="Revenue", case_sensitive=False)], "revenue up")[0].aggregate == 1.0


def test_regex_searches_anywhere() -> None:
    assert final([ResponseScorer.regex(id="r", pattern=r"TICKET-[0-9]+")], "see TICKET-12 now")[0].aggregate == 1.0
    assert final([ResponseScorer.regex(id="r", pattern=r"^TICKET")], "see TICKET-12")[0].aggregate == 0.0


def test_threshold_applies_to_the_weighted_score() -> None:
    scorers = [ResponseScorer.contains(id="a", text="a", weight=3), ResponseScorer.contains(id="b", text="b", weight=1)]
    scored, detail = final(scorers, "a only", threshold=0.75)
    assert scored.aggregate == 0.75 and detail["passed"] is True
    scored, detail = final(scorers, "a only", threshold=0.8)
    assert scored.aggregate == 0.0 and detail["passed"] is False and detail["score"] == 0.75
    assert detail["passedWeight"] == 3 and detail["totalWeight"] == 4


def test_required_is_a_gate_not_a_weight() -> None:
    scorers = [ResponseScorer.contains(id="big", text="done", weight=4), ResponseScorer.contains(id="gate", text="jane", required=True)]
    scored, detail = final(scorers, "done", threshold=0.5)
    assert detail["score"] == pytest.approx(0.8)
    assert detail["effectiveScore"] == 0.0 and scored.aggregate == 0.0
    assert detail["requiredFailed"] == ["gate"]


def test_judge_reads_precomputed_verdicts() -> None:
    scorers = [ResponseScorer.judge(id="j", instructions="Reports success?"), ResponseScorer.contains(id="c", text="ok")]
    verdict = {"j": {"passed": False, "selected_rubric_score": 0, "reason": "No success reported."}}
    scored, detail = final(scorers, "ok", threshold=0.5, verdicts=verdict)
    assert scored.aggregate == 0.5
    assert detail["responseScorers"][0]["reason"] == "No success reported."


def test_a_judge_without_a_verdict_fails_closed_and_stays_in_the_weighting() -> None:
    scorers = [ResponseScorer.judge(id="j", instructions="Reports success?"), ResponseScorer.contains(id="c", text="ok")]
    scored, detail = final(scorers, "ok", threshold=0.5)
    judge = detail["responseScorers"][0]
    assert judge["passed"] is False and judge["details"] == {"missingVerdict": True}
    assert detail["totalWeight"] == 2 and scored.aggregate == 0.5  # not renormalised away


def test_a_recorded_judge_error_counts_as_a_failed_scorer() -> None:
    scorers = [ResponseScorer.judge(id="j", instructions="Reports success?", required=True)]
    case = define_test_case("r", "go", final_response=define_final_response_eval(scorers=scorers))
    failed = {"verdict": {"passed": False, "selected_rubric_score": 0, "reason": "judge unavailable"}, "errorKind": "judge_no_text"}
    output = RawSampleOutput(response_text="ok", extra={"finalResponseJudgeVerdicts": {"j": failed}})
    detail = score_sample(case, output, score_weights={"final_response": 1}).component_scores[0].details
    assert detail["passed"] is False and detail["requiredFailed"] == ["j"]
    assert detail["responseScorers"][0]["details"]["errorKind"] == "judge_no_text"


def test_malformed_verdicts_score_zero_with_the_reason() -> None:
    scorers = [ResponseScorer.contains(id="c", text="ok")]
    case = define_test_case("r", "go", final_response=define_final_response_eval(scorers=scorers))
    output = RawSampleOutput(response_text="ok", extra={"finalResponseJudgeVerdicts": ["not", "a", "map"]})
    scored = score_sample(case, output, score_weights={"final_response": 1})
    assert scored.aggregate == 0.0 and "Invalid final response judge verdicts" in scored.component_scores[0].details["reason"]


def test_no_response_text_scores_zero() -> None:
    case = define_test_case("r", "go", final_response=define_final_response_eval(scorers=[ResponseScorer.contains(id="c", text="x")]))
    scored = score_sample(case, RawSampleOutput(), score_weights={"final_response": 1})
    assert scored.aggregate == 0.0 and scored.component_scores[0].details["passed"] is False


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ResponseScorer.regex(id="r", pattern="["), "invalid regex"),
        (lambda: ResponseScorer.contains(id="c", text="x", weight=0), "weight must be positive"),
        (lambda: ResponseScorer.contains(id="c", text="x", weight=float("inf")), "weight must be positive"),
        (lambda: ResponseScorer.contains(id=" ", text="x"), "id must be non-empty"),
        (lambda: ResponseScorer.contains(id="c", text=""), "text must be non-empty"),
        (lambda: ResponseScorer.judge(id="j", instructions=" "), "instructions must be non-empty"),
        (lambda: ResponseScorer.judge(id="j", instructions="x", rubric={1: "yes"}), "rubric must define exactly 0 and 1"),
        (lambda: ResponseScorer(id="x", method="fuzzy"), "method"),
        (lambda: define_final_response_eval(scorers=[]), "at least 1"),
        (lambda: define_final_response_eval(scorers=[ResponseScorer.contains(id="c", text="x")], pass_threshold=1.5), "between 0 and 1"),
        (
            lambda: define_final_response_eval(scorers=[ResponseScorer.contains(id="c", text="x"), ResponseScorer.exact(id="c", expected="y")]),
            "unique",
        ),
    ],
)
def test_bad_scorers_fail_where_they_are_built(build, message) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


def test_verdict_extra_shape() -> None:
    assert final_response_judge_verdicts_extra({"j": {"passed": True, "selected_rubric_score": 1, "reason": " ok "}}) == {
        "finalResponseJudgeVerdicts": {"j": {"passed": True, "selected_rubric_score": 1, "reason": "ok"}}
    }
    with pytest.raises(TypeError):
        final_response_judge_verdicts_extra([("j", {})])  # type: ignore[arg-type]
