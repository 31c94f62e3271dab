"""Runtime-backed evals: ``runtime.run_eval``, ``runtime.stream_eval``, ``run_eval_sync``.

For every selected test case the runner runs ``samples_per_case`` samples
(at most ``concurrency`` at a time) on the agent under test, scores each with
the composition :mod:`.scoring` resolves, and aggregates per case and per run
(:mod:`.aggregate`). Progress is a stream of envelopes: ``evalStarted``, then
per case ``testCaseStarted``, one ``sampleCompleted`` per sample (in sample
order) and ``testCaseCompleted``, and finally ``evalCompleted`` with the
artifact — or ``evalFailed`` if the run could not go on.

A sample whose run ends with an error event, or times out, does not pass:
its aggregate is 0.0 and ``error`` says why. Judge scorers need a
judge-capable interpreter; none of this runtime's interpreters is one, so
judge scorers fail closed (``passed=false``, ``errorKind:
judge_provider_unavailable``) and count as failed in the weighting.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..live_summary import PriceTableError, load_prices, price_of
from ..validation import agent_provider
from . import aggregate
from .artifacts import (
    ArtifactMetadata,
    CostAgentBreakdown,
    EvalArtifact,
    EvalArtifactSummary,
    EvalTraceRef,
    ModelInvocation,
    SampleArtifact,
    SampleCost,
    SampleLatency,
    SummaryCost,
    TestCaseArtifact,
    TokenUsageSummary,
)
from .capture import Capture, SampleFailed, run_sample
from .traces import sample_trace
from .cases import FINAL_RESPONSE_JUDGE_VERDICTS_EXTRA_KEY, EvalTestCase, RawSampleOutput, ResolvedAction
from .config import EvalRequest, ScorerConfig
from .scoring import PRESET_FOR_MODE, case_weights, resolve_weights, score_with_weights

if TYPE_CHECKING:
    from ..runtime import Runtime
    from ..specs import AgentSpec


@dataclass(frozen=True)
class Plan:
    """A request checked against the runtime: what runs, where, and how it is scored."""

    request: EvalRequest
    agent: "AgentSpec"
    cases: list[EvalTestCase]
    preset: str
    weights: dict[str, float]
    keep_empty_trajectory: bool
    scorer_config: ScorerConfig
    prices: dict[str, dict[str, float]] | None  # only for live interpreters: stand-ins cost nothing


#: interpreters that call no model: their token counts are estimates and cost nothing
DETERMINISTIC_INTERPRETERS = frozenset({"noop", "scripted", "testing"})


def _agent_under_test(runtime: "Runtime", request: EvalRequest) -> "AgentSpec":
    config, spec = request.config, runtime.spec
    if config.mode == "testCaseBuilder":
        raise ValueError("eval mode 'testCaseBuilder' is not supported by runtime evals")
    if config.target_agent_id is not None:
        return spec.agent(config.target_agent_id)  # ValueError names the known agents
    if config.mode == "specialist":
        raise ValueError("eval mode 'specialist' needs target_agent_id: the agent evaluated directly")
    if spec.coordinator is not None:
        return spec.coordinator
    role = config.mode if config.mode in ("planner", "executor") else None
    found = next((agent for agent in spec.agents if agent.role == role), None)
    if found is None:
        raise ValueError(f"eval mode '{config.mode}' runs the coordinator, and this runtime has none; set target_agent_id")
    return found


def _selected(request: EvalRequest) -> list[EvalTestCase]:
    cases = list(request.test_cases)
    ids = request.config.test_case_ids
    if ids is not None:
        unknown = sorted(set(ids) - {case.id for case in cases})
        if unknown:
            raise ValueError(f"test_case_ids names unknown test case(s): {', '.join(unknown)}")
        cases = [case for case in cases if case.id in ids]
    tags = request.config.tags_filter
    if tags:
        cases = [case for case in cases if set(case.tags) & set(tags)]
    return cases


def prepare(runtime: "Runtime", request: EvalRequest | Mapping[str, Any] | str) -> Plan:
    """Validate a request (a model, its mapping or its JSON) against the runtime; every
    configuration mistake raises here (pydantic's ``ValidationError`` is a ``ValueError``)."""
    request = EvalRequest.model_validate_json(request) if isinstance(request, str) else EvalRequest.model_validate(request)
    mode, preset = request.config.mode, request.scorer_preset
    if preset == "trajectory_only":
        raise ValueError("scorer_preset 'trajectory_only' is only supported by score_sample")
    if preset is not None and (mode == "specialist") != (preset == "specialist"):
        raise ValueError(f"scorer preset '{preset}' is not valid for eval mode '{mode}'")
    preset = preset or PRESET_FOR_MODE[mode]
    agent = _agent_under_test(runtime, request)
    cases = _selected(request)
    explicit = request.score_weights or request.config.score_weights
    weights = resolve_weights(preset, explicit, cases)
    # executor defaults add trajectory only because some case authored one: the others drop it
    drop_empty = explicit is None and preset == "executor" and any(c.expected_trajectory for c in cases)
    prices = None
    if runtime.interpreter not in DETERMINISTIC_INTERPRETERS:
        try:
            prices = load_prices()
        except PriceTableError as exc:
            raise ValueError(str(exc)) from None
    scorer_config = ScorerConfig.parse(request.config.scorer_config)
    return Plan(request, agent, cases, preset, weights, not drop_empty, scorer_config, prices)


def _estimated_cost(plan: Plan, model: str, input_tokens: int, output_tokens: int) -> float | None:
    """USD at the price table's rates, for live runs of a priced model; else unknown (None)."""
    price = price_of(model, plan.prices) if plan.prices is not None else None
    if price is None:
        return None
    return input_tokens * price["input"] / 1_000_000 + output_tokens * price["output"] / 1_000_000


def _judge_unavailable(plan: Plan, case: EvalTestCase) -> dict[str, Any]:
    """Fail-closed verdicts for the case's judge scorers: no interpreter here can judge."""
    judges = [s for s in (case.final_response.scorers if case.final_response else []) if s.method == "judge"]
    if not judges:
        return {}
    provider = plan.request.config.provider or agent_provider(plan.agent) or "unknown"
    reason = f"cannot execute judge scorer: provider '{provider}' is not configured as a judge-capable interpreter"
    failed = {"passed": False, "selected_rubric_score": 0, "reason": reason}
    return {s.id: {"verdict": dict(failed), "errorKind": "judge_provider_unavailable"} for s in judges}


def _sample_artifact(
    plan: Plan, run_id: str, case: EvalTestCase, index: int, capture: Capture, verdicts: dict[str, Any], error: str | None
) -> SampleArtifact:
    extra: dict[str, Any] = {
        "trajectoryEvents": capture.trajectory_events,
        "plannedActions": capture.planned_actions,
        "resolvedActions": capture.resolved_actions,
    }
    if verdicts:
        extra[FINAL_RESPONSE_JUDGE_VERDICTS_EXTRA_KEY] = verdicts
    if error is None:
        output = RawSampleOutput(actual_trajectory=capture.actual_trajectory, response_text=capture.response_text, extra=extra)
        scored = score_with_weights(case, output, case_weights(plan.weights, case, plan.keep_empty_trajectory), plan.scorer_config)
        aggregate_score, components = scored.aggregate, scored.component_scores
    else:
        aggregate_score, components = 0.0, []
    final = next((c.details for c in components if c.scorer_name == "final_response"), None)
    agent = plan.agent
    cost = _estimated_cost(plan, agent.model_id, capture.input_tokens, capture.output_tokens)
    invocation = ModelInvocation(
        agent=agent.name,
        provider=agent_provider(agent),
        model=agent.model_id,
        input_tokens=capture.input_tokens,
        output_tokens=capture.output_tokens,
        cached_tokens=0,
        estimated_cost_usd=cost,
    )
    thread_id = f"{run_id}-{case.id}-{index}"
    return SampleArtifact(
        sample_index=index,
        passed=error is None and aggregate_score >= plan.request.config.pass_threshold,
        aggregate_score=aggregate_score,
        component_scores=components,
        response_text=capture.response_text or None,
        actual_trajectory=capture.actual_trajectory,
        final_response_eval=final,
        planned_actions=[ResolvedAction.model_validate(a) for a in capture.planned_actions],
        resolved_actions=[ResolvedAction.model_validate(a) for a in capture.resolved_actions],
        duration_ms=capture.duration_ms,
        model_invocations=[invocation],
        token_usage=TokenUsageSummary(input_tokens=capture.input_tokens, output_tokens=capture.output_tokens),
        cost=SampleCost(llm_cost_usd=cost, total_cost_usd=cost) if cost is not None else None,
        latency=SampleLatency(total_ms=capture.duration_ms),
        thread_id=thread_id,
        metadata=extra,
        error=error,
    )


async def _sample(runtime: "Runtime", plan: Plan, run_id: str, case: EvalTestCase, index: int, gate: asyncio.Semaphore) -> SampleArtifact:
    async with gate:
        thread_id = f"{run_id}-{case.id}-{index}"
        timed_out = False
        try:
            capture, error = await run_sample(runtime, plan.agent, case.input, thread_id, plan.request.config.timeout_per_sample_secs), None
        except SampleFailed as failed:
            capture, error, timed_out = failed.capture, str(failed), failed.timed_out
        verdicts = _judge_unavailable(plan, case) if error is None else {}
        trace = sample_trace(
            workspace_id=plan.request.workspace_id, run_id=run_id, case_id=case.id, index=index,
            thread_id=thread_id, capture=capture, error=error, timed_out=timed_out,
        )
        runtime._traces.record(trace)
        artifact = _sample_artifact(plan, run_id, case, index, capture, verdicts, error)
        return artifact.model_copy(
            update={"trace": EvalTraceRef(trace_id=trace["traceId"], thread_id=trace["scope"].get("threadId"))}
        )


def _case_artifact(plan: Plan, case: EvalTestCase, samples: list[SampleArtifact]) -> TestCaseArtifact:
    config = plan.request.config
    passed = [s.passed for s in samples]
    return TestCaseArtifact(
        test_case_id=case.id,
        input=case.input,
        samples=samples,
        pass_at_k=aggregate.pass_at_k(len(samples), sum(passed), config.k_values),
        aggregate_score=aggregate.combine([s.aggregate_score for s in samples], passed, config.aggregation_strategy),
    )


def _summary(plan: Plan, cases: list[TestCaseArtifact]) -> EvalArtifactSummary:
    config = plan.request.config
    scores = [c.aggregate_score for c in cases]
    passed = [score >= config.pass_threshold for score in scores]
    samples = [s for c in cases for s in c.samples]
    usage = TokenUsageSummary()
    per_agent: dict[tuple[str, str | None, str], TokenUsageSummary] = {}
    agent_cost: dict[tuple[str, str | None, str], float | None] = {}
    for sample in samples:
        usage = usage.plus(sample.token_usage)
        for inv in sample.model_invocations:
            key = (inv.agent, inv.provider, inv.model)
            tokens = TokenUsageSummary(input_tokens=inv.input_tokens, output_tokens=inv.output_tokens, cached_tokens=inv.cached_tokens)
            per_agent[key] = per_agent.get(key, TokenUsageSummary()).plus(tokens)
            known = agent_cost.get(key, 0.0)
            agent_cost[key] = None if known is None or inv.estimated_cost_usd is None else known + inv.estimated_cost_usd
    known = [s.cost.total_cost_usd for s in samples if s.cost is not None and s.cost.total_cost_usd is not None]
    return EvalArtifactSummary(
        total_test_cases=len(cases),
        passed=sum(passed),
        failed=len(cases) - sum(passed),
        aggregate_score=aggregate.combine(scores, passed, config.aggregation_strategy),
        pass_rate=sum(passed) / len(cases) if cases else 0.0,
        pass_at_k=aggregate.pass_at_k(len(cases), sum(passed), config.k_values),
        total_duration_ms=sum(s.duration_ms for s in samples),
        total_usage=usage,
        cost=SummaryCost(
            estimated_cost_usd=sum(known),
            per_agent=[
                CostAgentBreakdown(
                    agent=agent, provider=provider, model=model, usage=tokens,
                    estimated_cost_usd=agent_cost[(agent, provider, model)],
                )
                for (agent, provider, model), tokens in per_agent.items()
            ],
        ),
        latency=aggregate.latency_summary([s.duration_ms for s in samples]),
        # what "passed" was measured against, so a report can show it next to the score
        metadata={"passThreshold": config.pass_threshold, "aggregationStrategy": config.aggregation_strategy},
    )


def _artifact(plan: Plan, run_id: str, cases: list[TestCaseArtifact]) -> EvalArtifact:
    request = plan.request
    return EvalArtifact(
        run_id=run_id,
        tenant_id=request.tenant_id,
        workspace_id=request.workspace_id,
        mode=request.config.mode,
        summary=_summary(plan, cases),
        test_cases=cases,
        metadata=ArtifactMetadata(scorer_preset=plan.preset, score_weights=plan.weights),
    )


async def stream(runtime: "Runtime", plan: Plan) -> AsyncIterator[dict[str, Any]]:
    """The progress envelopes of one run (wire dicts)."""
    run_id = f"eval-{uuid.uuid4()}"
    sequence = 0

    def envelope(kind: str, data: dict[str, Any]) -> dict[str, Any]:
        nonlocal sequence
        sequence += 1
        return {"runId": run_id, "sequence": sequence - 1, "type": kind, "data": data}

    def dump(model: Any) -> dict[str, Any]:
        return model.model_dump(by_alias=True, mode="json")

    yield envelope("evalStarted", {"artifact": dump(_artifact(plan, run_id, []))})
    gate = asyncio.Semaphore(plan.request.config.concurrency)
    done: list[TestCaseArtifact] = []
    for case in plan.cases:
        yield envelope("testCaseStarted", {"testCaseId": case.id})
        tasks = [
            asyncio.ensure_future(_sample(runtime, plan, run_id, case, index, gate))
            for index in range(plan.request.config.samples_per_case)
        ]
        samples = []
        try:
            for task in tasks:
                try:
                    sample = await task
                except Exception as exc:  # a bug must end the run with an event, not a traceback
                    yield envelope("evalFailed", {"error": f"internal error: {type(exc).__name__}: {exc}"})
                    return
                samples.append(sample)
                yield envelope("sampleCompleted", {"sample": dump(sample)})
        finally:
            for task in tasks:
                task.cancel()
        case_artifact = _case_artifact(plan, case, samples)
        done.append(case_artifact)
        yield envelope("testCaseCompleted", {"testCase": dump(case_artifact)})
    yield envelope("evalCompleted", {"artifact": dump(_artifact(plan, run_id, done))})


async def run(runtime: "Runtime", plan: Plan) -> dict[str, Any]:
    """The final artifact dict of one run; raises ``RuntimeError`` if the run failed."""
    async for event in stream(runtime, plan):
        if event["type"] == "evalCompleted":
            return event["data"]["artifact"]
        if event["type"] == "evalFailed":
            raise RuntimeError(f"eval run failed: {event['data']['error']}")
    raise RuntimeError("eval run ended without a result")  # unreachable: stream always ends with one


def run_eval_sync(runtime: Any, request: EvalRequest | Mapping[str, Any]) -> EvalArtifact:
    """``runtime.run_eval(request)`` to completion from synchronous code; a validated artifact."""
    request_model = EvalRequest.model_validate(request)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("run_eval_sync cannot run inside a running event loop; await runtime.run_eval(...) instead")

    async def main() -> Any:
        return await runtime.run_eval(request_model)

    return EvalArtifact.model_validate(asyncio.run(main()))
