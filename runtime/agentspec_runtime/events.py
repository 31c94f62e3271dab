"""Constructors for the event dicts a runtime stream yields.

Events are plain dicts with camelCase keys (the harness's wire shape), so they
can be logged, compared and sent over a socket as they are. Building them in one
place keeps every shape identical wherever it is emitted; the tests and the
bridge rely on exactly these keys.

Ordering guarantees (enforced by the runtime, not by these functions):
``step-start`` precedes a step's output; a tool's ``call`` precedes its
``result``; approval events for a tool or plan come between the two; a stream
ends with ``finish`` or ``error`` and nothing follows ``error``.
"""

from __future__ import annotations

from typing import Any

STEP_START = "step-start"
TEXT = "text"
TOOL_INVOCATION = "tool-invocation"
TOOL_AGENT = "tool-agent"
APPROVAL_REQUIRED = "approval-required"
APPROVAL_DECISION = "approval-decision"
PLAN_STATUS_CHANGE = "plan-status-change"
LATENCY_SUMMARY = "data-latency-summary"
FINISH = "finish"
ERROR = "error"

EVENT_TYPES = (
    STEP_START,
    TEXT,
    TOOL_INVOCATION,
    TOOL_AGENT,
    APPROVAL_REQUIRED,
    APPROVAL_DECISION,
    PLAN_STATUS_CHANGE,
    LATENCY_SUMMARY,
    FINISH,
    ERROR,
)


def step_start() -> dict[str, Any]:
    return {"type": STEP_START}


def text(value: str) -> dict[str, Any]:
    return {"type": TEXT, "text": value}


def tool_call(tool_invocation_id: str, tool_name: str, args: Any) -> dict[str, Any]:
    return {
        "type": TOOL_INVOCATION,
        "toolInvocationId": tool_invocation_id,
        "toolName": tool_name,
        "args": args,
        "state": "call",
    }


def tool_result(tool_invocation_id: str, tool_name: str, args: Any, result: Any) -> dict[str, Any]:
    return {
        "type": TOOL_INVOCATION,
        "toolInvocationId": tool_invocation_id,
        "toolName": tool_name,
        "args": args,
        "state": "result",
        "result": result,
    }


def tool_agent(agent_name: str, state: str, tool_invocation_id: str) -> dict[str, Any]:
    return {
        "type": TOOL_AGENT,
        "agentName": agent_name,
        "state": state,
        "toolInvocationId": tool_invocation_id,
    }


def approval_required(
    approval_id: str, kind: str, target: str, payload: Any, resource_id: str, thread_id: str
) -> dict[str, Any]:
    return {
        "type": APPROVAL_REQUIRED,
        "data": {
            "id": approval_id,
            "kind": kind,
            "target": target,
            "payload": payload,
            "resourceId": resource_id,
            "threadId": thread_id,
        },
    }


def approval_decision(approval_id: str, outcome: str, feedback: str | None) -> dict[str, Any]:
    return {
        "type": APPROVAL_DECISION,
        "data": {"id": approval_id, "outcome": {"outcome": outcome}, "feedback": feedback},
    }


def plan_status_change(plan_id: str, from_status: str | None, to_status: str) -> dict[str, Any]:
    return {"type": PLAN_STATUS_CHANGE, "data": {"planId": plan_id, "from": from_status, "to": to_status}}


def latency_summary(data: dict[str, Any]) -> dict[str, Any]:
    return {"type": LATENCY_SUMMARY, "data": data}


def finish(finish_reason: str, usage: dict[str, int]) -> dict[str, Any]:
    return {"type": FINISH, "finishReason": finish_reason, "usage": usage}


def error(message: str, code: str) -> dict[str, Any]:
    return {"type": ERROR, "error": {"message": message, "code": code}}
