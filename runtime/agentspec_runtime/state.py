"""Per-(tenant, thread) state: plans, references, history; and what an approval holds.

One runtime serves many concurrent streams. Each stream works on the state of
its ``(resource_id, thread_id)`` key only, so streams on different threads
never see each other's plans, references or approvals. References created
without a thread id are tenant-wide and visible to every thread.
"""

from __future__ import annotations

import asyncio
import copy
import time
from dataclasses import dataclass, field
from typing import Any

from .action_dispatcher import DispatchError, normalize_actions

#: Plan statuses a run's trace may record for a plan (``expect plan ... status``), in the order a
#: plan usually moves through them. The runtime stores draft, pending_approval (a display status),
#: approved, executed and failed, as the published harness does; the testing bridge names a
#: rejected or revised approval ``rejected`` / ``revision_requested`` (testing/bridge.py).
PLAN_STATUSES = (
    "draft",
    "pending_approval",
    "approved",
    "executed",
    "rejected",
    "revision_requested",
    "failed",
)

#: A plan in one of these statuses may be replaced by storing it again.
REPLACEABLE_STATUSES = frozenset({"draft", "rejected", "revision_requested", "failed"})


@dataclass
class StoredPlan:
    plan_id: str
    spec_name: str
    body: Any
    status: str = "draft"

    def record(self, owner: str) -> dict[str, Any]:
        """The plan record as the published harness shows it (storePlan's result, a plan approval's payload).

        ``actions`` is ``{head, tail}`` of the normalised actions (``None`` if the body has
        none), ``context`` the body's other fields. The published record's timestamps
        (``createdAt`` …) are left out: events stay deterministic. A fresh copy each call.
        """
        try:
            actions = normalize_actions(self.body)
        except DispatchError:
            actions = []
        body = self.body if isinstance(self.body, dict) else {}
        return copy.deepcopy(
            {
                "id": self.plan_id,
                "owner": owner,
                "actions": {"head": actions[0], "tail": actions[1:]} if actions else None,
                "status": "draft" if self.status == "pending_approval" else self.status,
                "description": None,
                "context": {key: value for key, value in body.items() if key != "actions"},
                "approvedBy": None,
                "outcome": None,
            }
        )


@dataclass
class StoredReference:
    kind: str
    id: str
    payload: Any
    created_at: float = field(default_factory=time.monotonic)
    ttl_ms: int | None = None
    #: the glimpse stored with it (``{}`` when none was given or computed)
    glimpse: Any = None

    def expired(self, now: float | None = None) -> bool:
        if self.ttl_ms is None:
            return False
        now = time.monotonic() if now is None else now
        return (now - self.created_at) * 1000.0 > self.ttl_ms


@dataclass(frozen=True)
class Decision:
    outcome: str
    feedback: str | None = None
    partial: Any = None


@dataclass
class PendingApproval:
    id: str
    kind: str
    target: str
    thread_key: tuple[str, str]
    future: "asyncio.Future[Decision]"


@dataclass
class ThreadState:
    plans: dict[str, StoredPlan] = field(default_factory=dict)
    references: dict[tuple[str, str], StoredReference] = field(default_factory=dict)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class StateStore:
    """Thread states keyed by ``(resource_id, thread_id)``; ``thread_id=None`` is tenant-wide."""

    def __init__(self) -> None:
        self._threads: dict[tuple[str, str | None], ThreadState] = {}

    def thread(self, resource_id: str, thread_id: str | None) -> ThreadState:
        key = (resource_id, thread_id)
        state = self._threads.get(key)
        if state is None:
            state = self._threads[key] = ThreadState()
        return state

    def peek(self, resource_id: str, thread_id: str | None) -> ThreadState:
        """A thread's state without creating it (an empty state if it has none)."""
        return self._threads.get((resource_id, thread_id)) or ThreadState()

    def find_reference(self, resource_id: str, thread_id: str, kind: str, ref_id: str) -> StoredReference | None:
        """A thread's own reference first, then the tenant-wide one."""
        for scope in (thread_id, None):
            state = self._threads.get((resource_id, scope))
            if state is not None and (kind, ref_id) in state.references:
                return state.references[(kind, ref_id)]
        return None
