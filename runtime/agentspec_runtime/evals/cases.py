"""What a test case expects: trajectory, business actions, final-response scorers.

Also the observed side of one sample (:class:`RawSampleOutput`) and judge
verdicts supplied for offline scoring. Everything is validated where it is
built, so a bad scorer (an empty id, a regex that does not compile, a weight
of zero) fails at the call site with a ``pydantic.ValidationError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    TypeAdapter,
    field_validator,
    model_serializer,
    model_validator,
)

from ._base import EvalModel, wire

TrajectoryMode = Literal["strict", "unordered", "subset", "superset", "subsequence"]
ResponseScorerMethod = Literal["judge", "exact", "contains", "regex"]
ActionPayloadMatchMode = Literal["subset", "exact"]

TRAJECTORY_MODES: tuple[str, ...] = ("strict", "unordered", "subset", "superset", "subsequence")
RESPONSE_SCORER_METHODS: tuple[str, ...] = ("judge", "exact", "contains", "regex")
PAYLOAD_MATCH_MODES: tuple[str, ...] = ("subset", "exact")

#: ``RawSampleOutput.extra`` key carrying precomputed judge verdicts.
FINAL_RESPONSE_JUDGE_VERDICTS_EXTRA_KEY = "finalResponseJudgeVerdicts"


# -- final response --------------------------------------------------------------


class ResponseScorer(EvalModel):
    """One check of the final response; build it with the classmethods."""

    id: str
    method: ResponseScorerMethod
    weight: float = 1.0
    required: bool = False
    instructions: str | None = None
    reference_response: str | None = None
    rubric: dict[int, str] | None = None
    context: dict[str, Any] | None = None
    expected: str | None = None
    text: str | None = None
    pattern: str | None = None
    case_sensitive: bool = True

    @classmethod
    def judge(
        cls,
        *,
        id: str,
        instructions: str,
        reference_response: str | None = None,
        rubric: Mapping[int, str] | None = None,
        context: Mapping[str, Any] | None = None,
        required: bool = False,
        weight: float = 1.0,
    ) -> "ResponseScorer":
        """A binary LLM-as-judge check (runs only in runtime-backed evals)."""
        return cls(
            id=id,
            method="judge",
            instructions=instructions,
            reference_response=reference_response,
            rubric=dict(rubric) if rubric is not None else None,
            context=dict(context) if context is not None else None,
            required=required,
            weight=weight,
        )

    @classmethod
    def exact(cls, *, id: str, expected: str, required: bool = False, weight: float = 1.0) -> "ResponseScorer":
        """Passes when the response equals ``expected`` exactly."""
        return cls(id=id, method="exact", expected=expected, required=required, weight=weight)

    @classmethod
    def contains(
        cls, *, id: str, text: str, case_sensitive: bool = True, required: bool = False, weight: float = 1.0
    ) -> "ResponseScorer":
        """Passes when the response contains ``text``."""
        return cls(
            id=id, method="contains", text=text, case_sensitive=case_sensitive, required=required, weight=weight
        )

    @classmethod
    def regex(cls, *, id: str, pattern: str, required: bool = False, weight: float = 1.0) -> "ResponseScorer":
        """Passes when ``pattern`` (Python ``re`` syntax) matches anywhere in the response."""
        return cls(id=id, method="regex", pattern=pattern, required=required, weight=weight)

    @model_validator(mode="after")
    def _check(self) -> "ResponseScorer":
        if not self.id.strip():
            raise ValueError("response scorer id must be non-empty")
        if not math.isfinite(self.weight) or self.weight <= 0:
            raise ValueError(f"response scorer '{self.id}' weight must be positive and finite")
        check = _METHOD_CHECKS[self.method]
        check(self)
        return self


def _check_judge(scorer: ResponseScorer) -> None:
    if not (scorer.instructions or "").strip():
        raise ValueError(f"judge response scorer '{scorer.id}' instructions must be non-empty")
    if scorer.rubric is not None:
        if set(scorer.rubric) != {0, 1}:
            raise ValueError(f"judge response scorer '{scorer.id}' rubric must define exactly 0 and 1")
        if not all(text.strip() for text in scorer.rubric.values()):
            raise ValueError(f"judge response scorer '{scorer.id}' rubric descriptions must be non-empty")


def _check_exact(scorer: ResponseScorer) -> None:
    if scorer.expected is None:
        raise ValueError(f"exact response scorer '{scorer.id}' expected text must be provided")


def _check_contains(scorer: ResponseScorer) -> None:
    if not scorer.text:
        raise ValueError(f"contains response scorer '{scorer.id}' text must be non-empty")


def _check_regex(scorer: ResponseScorer) -> None:
    if not scorer.pattern:
        raise ValueError(f"regex response scorer '{scorer.id}' pattern must be non-empty")
    try:
        re.compile(scorer.pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex response scorer pattern for '{scorer.id}': {exc}") from None


_METHOD_CHECKS = {"judge": _check_judge, "exact": _check_exact, "contains": _check_contains, "regex": _check_regex}


class FinalResponseEval(EvalModel):
    """How the final response is scored: weighted scorers, gates and a threshold."""

    scorers: list[ResponseScorer] = Field(min_length=1)
    pass_threshold: float = 1.0

    @model_validator(mode="after")
    def _check(self) -> "FinalResponseEval":
        if not (math.isfinite(self.pass_threshold) and 0 <= self.pass_threshold <= 1):
            raise ValueError("final response pass_threshold must be between 0 and 1")
        ids = [scorer.id for scorer in self.scorers]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"response scorer ids must be unique; repeated: {', '.join(duplicates)}")
        return self


class JudgeVerdict(EvalModel):
    """A binary judge decision; ``passed`` is true exactly when the rubric score is 1."""

    passed: bool
    selected_rubric_score: int
    reason: str

    @field_validator("reason")
    @classmethod
    def _strip_reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("judge verdict reason must be non-empty")
        return value.strip()

    @model_validator(mode="after")
    def _check(self) -> "JudgeVerdict":
        if self.selected_rubric_score not in (0, 1):
            raise ValueError("judge verdict selected_rubric_score must be 0 or 1")
        if self.passed != (self.selected_rubric_score == 1):
            raise ValueError("judge verdict passed must be true exactly when selected_rubric_score is 1")
        return self

    def as_extra_value(self) -> dict[str, Any]:
        """The verdict as it travels in ``RawSampleOutput.extra`` (snake_case keys)."""
        return {"passed": self.passed, "selected_rubric_score": self.selected_rubric_score, "reason": self.reason}


def final_response_judge_verdicts_extra(
    verdicts: Mapping[str, JudgeVerdict | Mapping[str, Any]],
) -> dict[str, Any]:
    """``{"finalResponseJudgeVerdicts": {scorer_id: verdict}}`` for offline judge scoring."""
    if not isinstance(verdicts, Mapping):
        raise TypeError("judge verdicts must be a mapping keyed by response scorer id")
    normalized: dict[str, Any] = {}
    for raw_id, verdict in verdicts.items():
        scorer_id = str(raw_id).strip()
        if not scorer_id:
            raise ValueError("judge verdict response scorer ids must be non-empty")
        normalized[scorer_id] = JudgeVerdict.model_validate(verdict).as_extra_value()
    return {FINAL_RESPONSE_JUDGE_VERDICTS_EXTRA_KEY: normalized}


# -- actions -------------------------------------------------------------------------


class ExpectedAction(EvalModel):
    """A business action the case expects; ``type`` matches strictly."""

    type: str
    payload: dict[str, Any] = Field(default_factory=dict)


class ResolvedAction(EvalModel):
    """A business action the run planned or executed."""

    type: str
    payload: dict[str, Any] = Field(default_factory=dict)


class FlatActionGroundTruthPayload(EvalModel):
    """Expected planned and/or executed actions, and how payloads are compared."""

    kind: Literal["flat"] = "flat"
    planned_actions: list[ExpectedAction] = Field(default_factory=list)
    executed_actions: list[ExpectedAction] = Field(default_factory=list)
    payload_match: ActionPayloadMatchMode = "exact"

    @model_validator(mode="after")
    def _check(self) -> "FlatActionGroundTruthPayload":
        if not self.planned_actions and not self.executed_actions:
            raise ValueError("expected actions must declare at least one of planned_actions or executed_actions")
        return self


ActionGroundTruthPayload = Annotated[FlatActionGroundTruthPayload, Field(discriminator="kind")]
_ACTION_PAYLOAD = TypeAdapter(ActionGroundTruthPayload)


class GroundTruth(EvalModel):
    """The structured ground-truth envelope; wire shape ``{"kind": "structured", "data": ...}``."""

    kind: Literal["structured"] = "structured"
    payload: ActionGroundTruthPayload | dict[str, Any]
    schema_: str | None = Field(default=None, alias="schema")

    @model_validator(mode="before")
    @classmethod
    def _accept_wire_shape(cls, value: Any) -> Any:
        if isinstance(value, Mapping) and value.get("kind") == "structured" and "data" in value:
            data = dict(value)
            data.setdefault("payload", data.pop("data"))
            data.pop("data", None)
            return data
        return value

    @model_validator(mode="after")
    def _type_action_payload(self) -> "GroundTruth":
        # a flat payload given as a plain dict is still action ground truth: validate it as one
        if isinstance(self.payload, Mapping) and self.payload.get("kind") == "flat":
            object.__setattr__(self, "payload", _ACTION_PAYLOAD.validate_python(self.payload))
        return self

    @model_serializer(mode="plain")
    def _wire(self) -> dict[str, Any]:
        shape: dict[str, Any] = {"kind": "structured", "data": wire(self.payload)}
        if self.schema_ is not None:
            shape["schema"] = self.schema_
        return shape

    @property
    def actions(self) -> FlatActionGroundTruthPayload | None:
        """The action expectations, if this envelope carries them."""
        return self.payload if isinstance(self.payload, FlatActionGroundTruthPayload) else None


# -- the observed sample ---------------------------------------------------------------


class RawSampleOutput(EvalModel):
    """What one run produced: its tool trajectory, final text and scorer payloads in ``extra``.

    ``extra`` keys are camelCase: ``plannedActions``, ``resolvedActions``,
    ``trajectoryEvents`` and ``finalResponseJudgeVerdicts``.
    """

    actual_trajectory: list[str] = Field(default_factory=list)
    response_text: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("extra", mode="before")
    @classmethod
    def _type_resolved_actions(cls, value: Any) -> dict[str, Any]:
        data = dict(value or {})
        if "resolvedActions" in data:
            data["resolvedActions"] = [wire(ResolvedAction.model_validate(a)) for a in data["resolvedActions"]]
        return data

    def with_judge_verdicts(self, verdicts: Mapping[str, JudgeVerdict | Mapping[str, Any]]) -> "RawSampleOutput":
        """A copy whose ``extra`` carries these precomputed judge verdicts."""
        extra = {**self.extra, **final_response_judge_verdicts_extra(verdicts)}
        return RawSampleOutput(actual_trajectory=list(self.actual_trajectory), response_text=self.response_text, extra=extra)


# -- the test case --------------------------------------------------------------------


class EvalTestCase(EvalModel):
    """One eval test case. Build with :func:`define_test_case`."""

    id: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    input: str
    expected_trajectory: list[str] = Field(default_factory=list)
    trajectory_mode: TrajectoryMode = "unordered"
    ground_truth: GroundTruth | None = Field(
        default=None,
        alias="structuredGroundTruth",
        validation_alias=AliasChoices("structuredGroundTruth", "groundTruth", "ground_truth", "expectedActions", "expected_actions"),
    )
    final_response: FinalResponseEval | None = None
    source_thread_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_action_expectation(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            actions = any(key in value for key in ("expectedActions", "expected_actions"))
            truth = any(key in value for key in ("structuredGroundTruth", "groundTruth", "ground_truth"))
            if actions and truth:
                raise ValueError("provide either expected_actions or ground_truth, not both")
        return value


# -- helpers --------------------------------------------------------------------------


def define_test_case(
    id: str,
    input: str,
    *,
    tags: list[str] | None = None,
    expected_trajectory: list[str] | None = None,
    trajectory_mode: TrajectoryMode = "unordered",
    expected_actions: GroundTruth | Mapping[str, Any] | None = None,
    ground_truth: GroundTruth | Mapping[str, Any] | None = None,
    final_response: FinalResponseEval | Mapping[str, Any] | None = None,
    source_thread_id: str | None = None,
) -> EvalTestCase:
    """A validated test case; ``expected_actions`` and ``ground_truth`` are two names for one field."""
    if expected_actions is not None and ground_truth is not None:
        raise ValueError("provide either expected_actions or ground_truth, not both")
    return EvalTestCase(
        id=id,
        input=input,
        tags=tags or [],
        expected_trajectory=expected_trajectory or [],
        trajectory_mode=trajectory_mode,
        ground_truth=expected_actions if expected_actions is not None else ground_truth,
        final_response=final_response,
        source_thread_id=source_thread_id,
    )


def define_final_response_eval(
    *, scorers: list[ResponseScorer | Mapping[str, Any]], pass_threshold: float = 1.0
) -> FinalResponseEval:
    """Score the final response: weighted mean of scorers, ``required`` gates, ``pass_threshold``."""
    return FinalResponseEval(scorers=list(scorers), pass_threshold=pass_threshold)


def define_expected_actions(
    *,
    planned_actions: list[ExpectedAction | Mapping[str, Any]] | None = None,
    executed_actions: list[ExpectedAction | Mapping[str, Any]] | None = None,
    payload_match: ActionPayloadMatchMode = "exact",
) -> GroundTruth:
    """Expected planned and/or executed actions (at least one bucket) as ground truth."""
    return define_action_ground_truth(
        planned_actions=planned_actions, executed_actions=executed_actions, payload_match=payload_match
    )


def define_action_ground_truth(
    *,
    planned_actions: list[ExpectedAction | Mapping[str, Any]] | None = None,
    executed_actions: list[ExpectedAction | Mapping[str, Any]] | None = None,
    payload_match: ActionPayloadMatchMode = "exact",
    kind: Literal["flat"] = "flat",
) -> GroundTruth:
    """The ground-truth spelling of :func:`define_expected_actions`."""
    payload = FlatActionGroundTruthPayload(
        kind=kind,
        planned_actions=planned_actions or [],
        executed_actions=executed_actions or [],
        payload_match=payload_match,
    )
    return GroundTruth(kind="structured", payload=payload)


def define_ground_truth(
    payload: Mapping[str, Any], *, schema: str | None = None, kind: Literal["structured"] = "structured"
) -> GroundTruth:
    """Wrap a raw payload in the structured envelope (a ``kind="flat"`` payload is action ground truth)."""
    return GroundTruth(kind=kind, payload=dict(payload), schema=schema)


def define_expected_action(type: str, payload: Mapping[str, Any] | None = None) -> ExpectedAction:
    """One expected business action."""
    return ExpectedAction(type=type, payload=dict(payload or {}))


def define_resolved_action(type: str, payload: Mapping[str, Any] | None = None) -> ResolvedAction:
    """One observed business action, for ``RawSampleOutput.extra``."""
    return ResolvedAction(type=type, payload=dict(payload or {}))
