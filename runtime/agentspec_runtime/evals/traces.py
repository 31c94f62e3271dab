"""The traces eval runs record, read back with ``Runtime.get_trace`` / ``list_traces``.

Each eval sample records one trace, in the published harness's ``TraceRecord``
wire shape (camelCase; ``provenance`` keeps its snake_case fields, as
published)::

    {"traceId", "workspaceId", "stage": "runtime", "status", "scope": {"evalRunId",
     "testCaseId", "threadId", "sampleIndex"}, "steps": [...], "startedAt", "completedAt",
     "provenance": {"kind": "eval_sample", "eval_run_id", "test_case_id", "sample_index",
                    "stage": "runtime", "thread_id"}}

A step is one tool call of the sample, sub-agents' included, in order:
``{"ordinal", "actor": "assistant", "toolName", "toolCallId", "arguments": {"kind":
"inline", "value": args}, "result": {"kind": "inline", "value": result}}`` (no
``result`` if none came). The status is ``completed``; for a run that ended
with an error event ``partial`` (some steps) or ``failed`` (none). A sample
that timed out is ``timed_out`` with one ``system`` step, ``sampleExecution``,
carrying the error, and no thread, as the published runner records it.

Trace ids are ``trace-<thread id>`` (the sample's thread: unique per run, case
and sample); the published runner uses a random uuid, and nothing reads its form.
"""

from __future__ import annotations

import copy
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from .capture import Capture


def _timestamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _step(ordinal: int, call: dict[str, Any]) -> dict[str, Any]:
    step: dict[str, Any] = {
        "ordinal": ordinal,
        "actor": "assistant",
        "toolName": call["toolName"],
        "toolCallId": call["toolCallId"],
        "arguments": {"kind": "inline", "value": call.get("args")},
    }
    if "result" in call:
        step["result"] = {"kind": "inline", "value": call["result"]}
    return step


def sample_trace(
    *,
    workspace_id: str,
    run_id: str,
    case_id: str,
    index: int,
    thread_id: str,
    capture: Capture,
    error: str | None,
    timed_out: bool,
) -> dict[str, Any]:
    """The trace one eval sample records (see the module docstring)."""
    completed = datetime.now(timezone.utc)
    if timed_out:
        status, steps, started, thread = "timed_out", [_failure_step(completed, error or "timed out")], None, None
    else:
        steps = [_step(ordinal, call) for ordinal, call in enumerate(capture.tool_calls)]
        status = "completed" if error is None else ("partial" if steps else "failed")
        started, thread = _timestamp(completed - timedelta(milliseconds=capture.duration_ms)), thread_id
    scope: dict[str, Any] = {"evalRunId": run_id, "testCaseId": case_id}  # the published field order
    if thread is not None:
        scope["threadId"] = thread
    scope["sampleIndex"] = index
    trace: dict[str, Any] = {
        "traceId": f"trace-{thread_id}",
        "workspaceId": workspace_id,
        "stage": "runtime",
        "status": status,
        "scope": scope,
        "steps": steps,
    }
    if started is not None:
        trace["startedAt"] = started
    trace["completedAt"] = _timestamp(completed)
    provenance: dict[str, Any] = {
        "kind": "eval_sample",
        "eval_run_id": run_id,
        "test_case_id": case_id,
        "sample_index": index,
        "stage": "runtime",
    }
    if thread is not None:
        provenance["thread_id"] = thread
    trace["provenance"] = provenance
    return trace


def _failure_step(completed: datetime, error: str) -> dict[str, Any]:
    return {
        "ordinal": 0,
        "actor": "system",
        "toolName": "sampleExecution",
        "arguments": {"kind": "omitted", "reason": "not_captured"},
        "completedAt": _timestamp(completed),
        "error": error,
    }


class TraceBook:
    """The traces one runtime has recorded, by id (listed in id order, as published)."""

    def __init__(self) -> None:
        self._traces: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()  # eval samples may finish on several threads (run_eval_sync)

    def record(self, trace: dict[str, Any]) -> None:
        with self._lock:
            self._traces[trace["traceId"]] = copy.deepcopy(trace)

    def get(self, trace_id: str) -> dict[str, Any] | None:
        with self._lock:
            trace = self._traces.get(trace_id)
            return copy.deepcopy(trace) if trace is not None else None

    def list(self, *, eval_run_id: str | None, test_case_id: str | None, thread_id: str | None) -> list[dict[str, Any]]:
        wanted = {"evalRunId": eval_run_id, "testCaseId": test_case_id, "threadId": thread_id}
        with self._lock:
            return [
                copy.deepcopy(trace)
                for _, trace in sorted(self._traces.items())
                if all(value is None or trace["scope"].get(key) == value for key, value in wanted.items())
            ]
