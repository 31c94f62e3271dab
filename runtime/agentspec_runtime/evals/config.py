"""How an eval run is configured: scorer weights, presets, scorer options, the request."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_serializer, model_validator

from ._base import EvalModel
from .cases import EvalTestCase

EvalMode = Literal["planner", "executor", "sequential", "specialist", "testCaseBuilder"]
AggregationStrategy = Literal["passRate", "meanScore"]
ScorerName = Literal["trajectory", "planned_actions", "executed_actions", "final_response"]
ScorerPresetName = Literal["trajectory_only", "planner", "executor", "sequential", "specialist", "test_case_builder"]

EVAL_MODES: tuple[str, ...] = ("planner", "executor", "sequential", "specialist", "testCaseBuilder")
AGGREGATION_STRATEGIES: tuple[str, ...] = ("passRate", "meanScore")
#: canonical scorer order: weights, components and artifacts list scorers in this order
SCORER_NAMES: tuple[str, ...] = ("trajectory", "planned_actions", "executed_actions", "final_response")
SCORER_PRESETS: tuple[str, ...] = (
    "trajectory_only", "planner", "executor", "sequential", "specialist", "test_case_builder",
)


class ScoreWeights(EvalModel):
    """Per-scorer weights; normalised by the total positive weight when used.

    Keys are the canonical scorer names only. Weights must be finite and
    non-negative, and at least one must be positive (all zero means no signal).
    """

    weights: dict[ScorerName, float]

    def __init__(self, weights: Mapping[str, float] | None = None, **data: Any) -> None:
        if weights is not None:
            if "weights" in data:
                raise TypeError("ScoreWeights accepts either positional weights or weights=, not both")
            data["weights"] = weights
        super().__init__(**data)

    @model_validator(mode="before")
    @classmethod
    def _accept_plain_mapping(cls, value: Any) -> Any:
        if isinstance(value, Mapping) and "weights" not in value:
            return {"weights": dict(value)}
        return value

    @field_validator("weights", mode="before")
    @classmethod
    def _check(cls, value: Any) -> dict[str, float]:
        if not isinstance(value, Mapping):
            raise TypeError("score weights must be a mapping of scorer name to weight")
        result: dict[str, float] = {}
        for name, raw in value.items():
            if name not in SCORER_NAMES:
                raise ValueError(f"unknown scorer weight key '{name}'; expected one of: {', '.join(SCORER_NAMES)}")
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise ValueError(f"score weight for '{name}' must be a number, got {raw!r}")
            weight = float(raw)
            if not math.isfinite(weight):
                raise ValueError("score weights must be finite")
            if weight < 0:
                raise ValueError("score weights must be non-negative")
            result[name] = result.get(name, 0.0) + weight
        if not result:
            raise ValueError("score weights must be non-empty")
        if not any(weight > 0 for weight in result.values()):
            raise ValueError("at least one score weight must be positive (weights summing to zero give no signal)")
        return result

    def as_dict(self) -> dict[str, float]:
        return dict(self.weights)

    @model_serializer(mode="plain")
    def _wire(self) -> dict[str, float]:
        return self.as_dict()


def _weights_or_none(value: Any) -> Any:
    if value is None or isinstance(value, ScoreWeights):
        return value
    return ScoreWeights.model_validate(value)


class ScorerPreset(EvalModel):
    """A named scorer composition, optionally with its own weights."""

    name: ScorerPresetName
    weights: ScoreWeights | None = None

    @field_validator("weights", mode="before")
    @classmethod
    def _weights(cls, value: Any) -> Any:
        return _weights_or_none(value)


class TrajectoryScorerConfig(EvalModel):
    """Which tools the trajectory scorer sees: sub-agent calls in or out, tools to ignore."""

    include_sub_agents: bool = False
    ignore_tools: list[str] = Field(default_factory=list)

    @field_validator("ignore_tools", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> list[str]:
        names = [str(tool).strip() for tool in (value or [])]
        if any(not name for name in names):
            raise ValueError("trajectory ignore_tools entries must be non-empty")
        return list(dict.fromkeys(names))


class FinalResponseScorerConfig(EvalModel):
    """Whether judge scorer details include the rendered prompt and raw judge reply."""

    include_judge_trace: bool = False


class ScorerConfig(EvalModel):
    """The ``scorer_config`` mapping, validated: ``{"trajectory": ..., "finalResponse": ...}``."""

    trajectory: TrajectoryScorerConfig = Field(default_factory=TrajectoryScorerConfig)
    final_response: FinalResponseScorerConfig = Field(default_factory=FinalResponseScorerConfig)

    @classmethod
    def parse(cls, value: Mapping[str, Any] | None) -> "ScorerConfig":
        return cls() if value is None else cls.model_validate(dict(value))


class EvalConfig(EvalModel):
    """Eval run configuration. Build with :func:`define_eval_config`."""

    mode: EvalMode = "sequential"
    target_agent_id: str | None = None
    test_case_set_id: str = ""
    test_case_ids: list[str] | None = None
    samples_per_case: int = 3
    pass_threshold: float = 0.7
    concurrency: int = 2
    k_values: list[int] = Field(default_factory=lambda: [1, 3])
    provider: str | None = None
    model: str | None = None
    timeout_per_sample_secs: int | None = 120
    tags_filter: list[str] | None = None
    aggregation_strategy: AggregationStrategy = "passRate"
    score_weights: ScoreWeights | None = None
    scorer_config: dict[str, Any] | None = None
    request_overrides: dict[str, Any] | None = None

    @field_validator("score_weights", mode="before")
    @classmethod
    def _weights(cls, value: Any) -> Any:
        return _weights_or_none(value)

    @model_validator(mode="after")
    def _check(self) -> "EvalConfig":
        # not in the published model, but a threshold outside [0, 1] or zero samples
        # would make every score meaningless, so it is refused here
        if not (math.isfinite(self.pass_threshold) and 0 <= self.pass_threshold <= 1):
            raise ValueError(f"pass_threshold must be between 0 and 1, got {self.pass_threshold}")
        if self.samples_per_case < 1:
            raise ValueError(f"samples_per_case must be at least 1, got {self.samples_per_case}")
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}")
        if any(k < 1 for k in self.k_values):
            raise ValueError(f"k_values must be positive, got {self.k_values}")
        if self.timeout_per_sample_secs is not None and self.timeout_per_sample_secs <= 0:
            raise ValueError("timeout_per_sample_secs must be positive or None")
        ScorerConfig.parse(self.scorer_config)  # unknown keys are an error now, not at run time
        return self


class EvalRequest(EvalModel):
    """One eval run: tenant, workspace, config and test cases."""

    tenant_id: str
    workspace_id: str
    config: EvalConfig
    test_cases: list[EvalTestCase]
    scorer_preset: str | None = None
    score_weights: ScoreWeights | None = None

    @field_validator("score_weights", mode="before")
    @classmethod
    def _weights(cls, value: Any) -> Any:
        return _weights_or_none(value)

    @model_validator(mode="after")
    def _check(self) -> "EvalRequest":
        if self.scorer_preset is not None and self.scorer_preset not in SCORER_PRESETS:
            raise ValueError(f"unknown scorer preset '{self.scorer_preset}'; expected one of: {', '.join(SCORER_PRESETS)}")
        if self.scorer_preset == "trajectory_only" and any(c.final_response is not None for c in self.test_cases):
            raise ValueError("scorer_preset='trajectory_only' cannot be used with final_response evals")
        ids = [case.id for case in self.test_cases]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"test case ids must be unique; repeated: {', '.join(repeated)}")
        return self


def define_eval_config(
    *,
    mode: EvalMode = "sequential",
    target_agent_id: str | None = None,
    test_case_set_id: str = "",
    test_case_ids: list[str] | None = None,
    samples_per_case: int = 3,
    pass_threshold: float = 0.7,
    concurrency: int = 2,
    k_values: list[int] | None = None,
    provider: str | None = None,
    model: str | None = None,
    timeout_per_sample_secs: int | None = 120,
    tags_filter: list[str] | None = None,
    aggregation_strategy: AggregationStrategy = "passRate",
    score_weights: ScoreWeights | Mapping[str, float] | None = None,
    scorer_config: Mapping[str, Any] | None = None,
) -> EvalConfig:
    """A validated run configuration (defaults: sequential, 3 samples, threshold 0.7, pass@1 and pass@3)."""
    return EvalConfig(
        mode=mode,
        target_agent_id=target_agent_id,
        test_case_set_id=test_case_set_id,
        test_case_ids=test_case_ids,
        samples_per_case=samples_per_case,
        pass_threshold=pass_threshold,
        concurrency=concurrency,
        k_values=k_values or [1, 3],
        provider=provider,
        model=model,
        timeout_per_sample_secs=timeout_per_sample_secs,
        tags_filter=tags_filter,
        aggregation_strategy=aggregation_strategy,
        score_weights=score_weights,
        scorer_config=dict(scorer_config) if scorer_config is not None else None,
    )


def define_eval_request(
    runtime: Any,
    *,
    workspace_id: str,
    test_cases: list[EvalTestCase | Mapping[str, Any]],
    config: EvalConfig | Mapping[str, Any] | None = None,
    scorer_preset: str | None = None,
    score_weights: ScoreWeights | Mapping[str, float] | None = None,
    tenant_id: str | None = None,
) -> EvalRequest:
    """A request bound to the runtime's tenant (``runtime.resource_id``) unless ``tenant_id`` is given."""
    if tenant_id is None:
        resource_id = getattr(runtime, "resource_id", None)
        if not isinstance(resource_id, str) or not resource_id.strip():
            raise ValueError("define_eval_request requires a runtime with resource_id; pass tenant_id explicitly")
        tenant_id = resource_id
    return EvalRequest(
        tenant_id=tenant_id,
        workspace_id=workspace_id,
        config=config if config is not None else define_eval_config(),
        test_cases=list(test_cases),
        scorer_preset=scorer_preset,
        score_weights=score_weights,
    )


def define_scorer_preset(name: ScorerPresetName, *, weights: ScoreWeights | Mapping[str, float] | None = None) -> ScorerPreset:
    """A named preset with optional weight overrides."""
    return ScorerPreset(name=name, weights=weights)


def define_trajectory_scorer_config(*, include_sub_agents: bool = False, ignore_tools: list[str] | None = None) -> dict[str, Any]:
    """The ``{"trajectory": {...}}`` entry of ``scorer_config``."""
    config = TrajectoryScorerConfig(include_sub_agents=include_sub_agents, ignore_tools=ignore_tools or [])
    return {"trajectory": config.model_dump(by_alias=True, mode="json")}


def define_final_response_scorer_config(*, include_judge_trace: bool = False) -> dict[str, Any]:
    """The ``{"finalResponse": {...}}`` entry of ``scorer_config``."""
    config = FinalResponseScorerConfig(include_judge_trace=include_judge_trace)
    return {"finalResponse": config.model_dump(by_alias=True, mode="json")}
