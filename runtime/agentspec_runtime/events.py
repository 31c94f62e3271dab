"""The events a runtime stream yields: their types and their constructors.

Events are plain dicts with camelCase keys (the harness's wire shape), so they
can be logged, compared and sent over a socket as they are. Each shape is a
``TypedDict`` here (``Event`` is their union), and is built in one place, so
every shape is identical wherever it is emitted; the tests and the bridge rely
on exactly these keys.

The shapes and the order follow the published harness's runtime-events
reference (flowai-harness 0.1.0a1; docs/runtime.md, "Fidelity"). Ordering
guarantees (enforced by the runtime, not by these functions):

* every agent run — the stream's own agent and each routed one — is wrapped in
  a ``tool-agent`` ``call`` … ``result`` pair; a routed agent's
  ``data-tool-agent`` (its usage) comes just before its ``result``;
* ``step-start`` precedes a step's output; a tool's ``call`` precedes its
  ``result``; approval events for a tool or plan come between the two;
* a successful stream ends with ``finish``, followed only by the aggregate
  summaries (``data-cost-summary``, then ``data-latency-summary``, for
  interpreters that report them); a failed one ends with ``error``, and
  nothing follows ``error``.
"""

from typing import Any, Literal, NotRequired, TypedDict, Union

STEP_START = "step-start"
TEXT = "text"
TOOL_INVOCATION = "tool-invocation"
TOOL_AGENT = "tool-agent"
DATA_TOOL_AGENT = "data-tool-agent"
APPROVAL_REQUIRED = "approval-required"
APPROVAL_DECISION = "approval-decision"
PLAN_STATUS_CHANGE = "plan-status-change"
COST_SUMMARY = "data-cost-summary"
LATENCY_SUMMARY = "data-latency-summary"
FINISH = "finish"
ERROR = "error"

EVENT_TYPES = (
    STEP_START,
    TEXT,
    TOOL_INVOCATION,
    TOOL_AGENT,
    DATA_TOOL_AGENT,
    APPROVAL_REQUIRED,
    APPROVAL_DECISION,
    PLAN_STATUS_CHANGE,
    COST_SUMMARY,
    LATENCY_SUMMARY,
    FINISH,
    ERROR,
)


# -- the wire shapes, as types -------------------------------------------------------
# (every key is always present but ``result``, which a ``call`` has not; no
# ``from __future__ import annotations`` here: TypedDict must see ``NotRequired``)


class StepStartEvent(TypedDict):
    type: Literal["step-start"]


class TextEvent(TypedDict):
    type: Literal["text"]
    text: str


class ToolInvocationEvent(TypedDict):
    type: Literal["tool-invocation"]
    toolInvocationId: str
    toolName: str
    args: Any
    state: Literal["call", "result"]
    result: NotRequired[Any]  # on ``result`` only


class ToolAgentEvent(TypedDict):
    type: Literal["tool-agent"]
    agentName: str
    state: Literal["call", "result"]
    toolInvocationId: str


class ApprovalRequest(TypedDict):
    id: str
    kind: Literal["tool", "plan"]
    target: str
    payload: Any
    resourceId: str
    threadId: str
    correlationId: NotRequired[str]  # a plan approval's plan id


class ApprovalRequiredEvent(TypedDict):
    type: Literal["approval-required"]
    data: ApprovalRequest


class ApprovalOutcome(TypedDict):
    outcome: Literal["approve", "reject", "revise"]
    partial: NotRequired[Any]  # on ``revise`` only


class ApprovalDecisionData(TypedDict):
    id: str
    outcome: ApprovalOutcome
    feedback: NotRequired[str]  # only when the decision has one


class ApprovalDecisionEvent(TypedDict):
    type: Literal["approval-decision"]
    data: ApprovalDecisionData


#: ``from`` is a Python keyword, hence the functional form
PlanStatusChange = TypedDict("PlanStatusChange", {"planId": str, "from": str, "to": str})


class PlanStatusChangeEvent(TypedDict):
    type: Literal["plan-status-change"]
    data: PlanStatusChange


class UsageData(TypedDict):
    promptTokens: int
    completionTokens: int
    #: prompt-cache tokens (part of ``promptTokens``; 0 when the provider reports none)
    cacheReadInputTokens: int
    cacheCreationInputTokens: int
    totalTokens: int


class AgentUsage(TypedDict):
    agentName: str
    model: str
    usage: UsageData


class DataToolAgentEvent(TypedDict):
    type: Literal["data-tool-agent"]
    data: AgentUsage


class CostSummary(TypedDict):
    agents: list[AgentUsage]
    totalPromptTokens: int
    totalCompletionTokens: int
    totalCacheReadInputTokens: int
    totalCacheCreationInputTokens: int
    totalTokens: int


class CostSummaryEvent(TypedDict):
    type: Literal["data-cost-summary"]
    data: CostSummary


class TurnSummary(TypedDict):
    agent: str
    model: str
    durationMs: float
    usage: UsageData


class ToolSummary(TypedDict):
    toolInvocationId: str
    toolName: str
    durationMs: float


class PhaseBreakdown(TypedDict):
    llmTimeMs: int
    toolTimeMs: int
    subAgentTimeMs: int
    llmCalls: int


class ToolTiming(TypedDict):
    toolName: str
    toolCallId: str
    durationMs: int
    status: Literal["completed", "error"]


class LatencySummary(TypedDict):
    # the published keys (whole milliseconds) ...
    totalDurationMs: int
    phases: PhaseBreakdown
    toolTimings: list[ToolTiming]
    retryCount: int
    hadTimeout: bool
    # ... and ours: per model turn and per tool call, to the microsecond (the bridge reads these)
    totalMs: float
    turns: list[TurnSummary]
    tools: list[ToolSummary]


class LatencySummaryEvent(TypedDict):
    type: Literal["data-latency-summary"]
    data: LatencySummary


class FinishEvent(TypedDict):
    type: Literal["finish"]
    finishReason: str
    usage: UsageData


class ErrorData(TypedDict):
    message: str
    code: str


class ErrorEvent(TypedDict):
    type: Literal["error"]
    error: ErrorData


Event = Union[
    StepStartEvent,
    TextEvent,
    ToolInvocationEvent,
    ToolAgentEvent,
    DataToolAgentEvent,
    ApprovalRequiredEvent,
    ApprovalDecisionEvent,
    PlanStatusChangeEvent,
    CostSummaryEvent,
    LatencySummaryEvent,
    FinishEvent,
    ErrorEvent,
]


# -- constructors: the one place each shape is built ---------------------------------


def step_start() -> StepStartEvent:
    return {"type": STEP_START}


def text(value: str) -> TextEvent:
    return {"type": TEXT, "text": value}


def tool_call(tool_invocation_id: str, tool_name: str, args: Any) -> ToolInvocationEvent:
    return {
        "type": TOOL_INVOCATION,
        "toolInvocationId": tool_invocation_id,
        "toolName": tool_name,
        "args": args,
        "state": "call",
    }


def tool_result(tool_invocation_id: str, tool_name: str, args: Any, result: Any) -> ToolInvocationEvent:
    return {
        "type": TOOL_INVOCATION,
        "toolInvocationId": tool_invocation_id,
        "toolName": tool_name,
        "args": args,
        "state": "result",
        "result": result,
    }


def tool_agent(agent_name: str, state: Any, tool_invocation_id: str) -> ToolAgentEvent:
    return {
        "type": TOOL_AGENT,
        "agentName": agent_name,
        "state": state,
        "toolInvocationId": tool_invocation_id,
    }


def data_tool_agent(agent_name: str, model: str, usage: UsageData) -> DataToolAgentEvent:
    return {"type": DATA_TOOL_AGENT, "data": {"agentName": agent_name, "model": model, "usage": usage}}


def approval_required(
    approval_id: str, kind: str, target: str, payload: Any, resource_id: str, thread_id: str
) -> ApprovalRequiredEvent:
    data: ApprovalRequest = {
        "id": approval_id,
        "kind": kind,  # type: ignore[typeddict-item]
        "target": target,
        "payload": payload,
        "resourceId": resource_id,
        "threadId": thread_id,
    }
    if kind == "plan":
        data["correlationId"] = target  # as published: the host finds the plan by it
    return {"type": APPROVAL_REQUIRED, "data": data}


def approval_decision(approval_id: str, outcome: Any, feedback: str | None, partial: Any = None) -> ApprovalDecisionEvent:
    """The published shape: ``revise`` carries its ``partial`` in ``outcome``; no ``feedback`` key without one."""
    decided: ApprovalOutcome = {"outcome": outcome}
    if outcome == "revise":
        decided["partial"] = partial
    data: ApprovalDecisionData = {"id": approval_id, "outcome": decided}
    if feedback is not None:
        data["feedback"] = feedback
    return {"type": APPROVAL_DECISION, "data": data}


def plan_status_change(plan_id: str, from_status: str, to_status: str) -> PlanStatusChangeEvent:
    return {"type": PLAN_STATUS_CHANGE, "data": {"planId": plan_id, "from": from_status, "to": to_status}}


def cost_summary(data: CostSummary) -> CostSummaryEvent:
    return {"type": COST_SUMMARY, "data": data}


def latency_summary(data: LatencySummary) -> LatencySummaryEvent:
    return {"type": LATENCY_SUMMARY, "data": data}


def finish(finish_reason: str, usage: UsageData) -> FinishEvent:
    return {"type": FINISH, "finishReason": finish_reason, "usage": usage}


def error(message: str, code: str) -> ErrorEvent:
    return {"type": ERROR, "error": {"message": message, "code": code}}
