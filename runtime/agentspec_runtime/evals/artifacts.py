"""What scoring and eval runs produce: scored samples, artifacts and progress events.

Wire keys are the published camelCase ones (``aggregateScore``, ``passAtK``,
``tokenUsage``, ...): ``EvalArtifact.model_validate(raw)`` reads an artifact
dict and ``model_dump(by_alias=True, mode="json")`` writes it back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, model_serializer, model_validator

from ._base import EvalModel, wire
from .cases import ResolvedAction
from .config import EvalMode


class TokenUsageSummary(EvalModel):
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cache_creation_tokens: int = 0

    def plus(self, other: "TokenUsageSummary") -> "TokenUsageSummary":
        return TokenUsageSummary(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            cache_creation_tokens=self.cache_creation_tokens + other.cache_creation_tokens,
        )


class PassAtKResult(EvalModel):
    k: int
    simple_estimate: float
    unbiased_estimate: float | None = None
    num_samples: int
    num_correct: int


class ScorerResult(EvalModel):
    """One component score; ``details`` explain it (diagnostics, never re-derive the aggregate)."""

    scorer_name: str
    score: float
    details: dict[str, Any] | None = None


class ScoredSample(EvalModel):
    """``aggregate`` is the score; ``component_scores`` are diagnostics (last: ``composite``)."""

    aggregate: float
    component_scores: list[ScorerResult] = Field(min_length=1)

    def component(self, name: str) -> ScorerResult | None:
        """The first component called ``name``, if any."""
        return next((c for c in self.component_scores if c.scorer_name == name), None)


class ModelInvocation(EvalModel):
    agent: str
    provider: str | None = None
    model: str
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    cache_creation_tokens: int = 0
    estimated_cost_usd: float | None = None


class SampleCost(EvalModel):
    llm_cost_usd: float | None = None
    non_llm_cost_usd: float | None = None
    total_cost_usd: float | None = None


class SampleLatency(EvalModel):
    total_ms: int
    first_token_ms: int | None = None
    model_ms: int | None = None
    tool_ms: int | None = None


class SummaryLatency(EvalModel):
    p50_ms: int | None = None
    p95_ms: int | None = None
    p99_ms: int | None = None
    min_ms: int | None = None
    max_ms: int | None = None


class EvalTraceRef(EvalModel):
    trace_id: str
    thread_id: str | None = None
    url: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class SampleArtifact(EvalModel):
    sample_index: int
    passed: bool
    aggregate_score: float
    component_scores: list[ScorerResult]
    response_text: str | None = None
    actual_trajectory: list[str]
    final_response_eval: dict[str, Any] | None = None
    planned_actions: list[ResolvedAction] = Field(default_factory=list)
    resolved_actions: list[ResolvedAction] = Field(default_factory=list)
    duration_ms: int
    model_invocations: list[ModelInvocation] = Field(default_factory=list)
    token_usage: TokenUsageSummary
    cost: SampleCost | None = None
    latency: SampleLatency | None = None
    thread_id: str | None = None
    trace: EvalTraceRef | None = None
    metadata: dict[str, Any] | None = None
    error: str | None = None

    @model_serializer(mode="wrap")
    def _wire(self, handler: Any) -> dict[str, Any]:
        # the published shape leaves responseText out when there was no response
        data = handler(self)
        for key in ("responseText", "response_text"):
            if key in data and data[key] is None:
                del data[key]
        return data


class TestCaseArtifact(EvalModel):
    __test__ = False  # not a pytest test class

    test_case_id: str
    input: str | None = None
    samples: list[SampleArtifact]
    pass_at_k: list[PassAtKResult] = Field(default_factory=list)
    aggregate_score: float


class CostAgentBreakdown(EvalModel):
    agent: str
    provider: str | None = None
    model: str
    usage: TokenUsageSummary
    estimated_cost_usd: float | None = None


class SummaryCost(EvalModel):
    estimated_cost_usd: float
    per_agent: list[CostAgentBreakdown] = Field(default_factory=list)


class EvalArtifactSummary(EvalModel):
    total_test_cases: int
    passed: int
    failed: int
    skipped: int = 0
    aggregate_score: float
    pass_rate: float
    pass_at_k: list[PassAtKResult] = Field(default_factory=list)
    total_duration_ms: int
    total_usage: TokenUsageSummary
    cost: SummaryCost | None = None
    latency: SummaryLatency | None = None
    metadata: dict[str, Any] | None = None


class ArtifactMetadata(EvalModel):
    schema_version: int = 1
    scorer_preset: str
    score_weights: dict[str, float]


class EvalArtifact(EvalModel):
    run_id: str
    tenant_id: str
    workspace_id: str
    mode: EvalMode
    summary: EvalArtifactSummary
    test_cases: list[TestCaseArtifact]
    metadata: ArtifactMetadata


# -- progress events ------------------------------------------------------------------


class EvalStartedData(EvalModel):
    artifact: EvalArtifact


class EvalStarted(EvalModel):
    type: Literal["evalStarted"] = "evalStarted"
    data: EvalStartedData


class TestCaseStartedData(EvalModel):
    __test__ = False
    test_case_id: str


class TestCaseStarted(EvalModel):
    __test__ = False
    type: Literal["testCaseStarted"] = "testCaseStarted"
    data: TestCaseStartedData


class SampleCompletedData(EvalModel):
    sample: SampleArtifact


class SampleCompleted(EvalModel):
    type: Literal["sampleCompleted"] = "sampleCompleted"
    data: SampleCompletedData


class TestCaseCompletedData(EvalModel):
    __test__ = False
    test_case: TestCaseArtifact


class TestCaseCompleted(EvalModel):
    __test__ = False
    type: Literal["testCaseCompleted"] = "testCaseCompleted"
    data: TestCaseCompletedData


class EvalCompletedData(EvalModel):
    artifact: EvalArtifact


class EvalCompleted(EvalModel):
    type: Literal["evalCompleted"] = "evalCompleted"
    data: EvalCompletedData


class EvalFailedData(EvalModel):
    error: str


class EvalFailed(EvalModel):
    type: Literal["evalFailed"] = "evalFailed"
    data: EvalFailedData


class EvalCancelledData(EvalModel):
    reason: str


class EvalCancelled(EvalModel):
    type: Literal["evalCancelled"] = "evalCancelled"
    data: EvalCancelledData


HarnessEvalEvent = Annotated[
    EvalStarted | TestCaseStarted | SampleCompleted | TestCaseCompleted | EvalCompleted | EvalFailed | EvalCancelled,
    Field(discriminator="type"),
]


class HarnessEvalEventEnvelope(EvalModel):
    """One streamed progress event; wire shape ``{runId, sequence, type, data}``."""

    run_id: str
    sequence: int
    event: HarnessEvalEvent

    @model_validator(mode="before")
    @classmethod
    def _nest_event(cls, value: Any) -> Any:
        if isinstance(value, Mapping) and "type" in value:
            data = dict(value)
            data["event"] = {"type": data.pop("type"), "data": data.pop("data", None) or {}}
            return data
        return value

    @model_serializer(mode="plain")
    def _wire(self) -> dict[str, Any]:
        return {"runId": self.run_id, "sequence": self.sequence, "type": self.event.type, "data": wire(self.event.data)}
