"""The approvals a runtime is waiting on, shared by all its streams.

A stream that needs a human decision opens an approval here (it gets the next
id, ``approval-1``, ``approval-2``, …) and awaits its future;
``Runtime.respond_to_approval`` decides it. When the stream is closed before
anyone decided, its approvals are cancelled and forgotten, so deciding them
later is a ``ValueError`` like any unknown id.
"""

from __future__ import annotations

import asyncio
import itertools

from .state import Decision, PendingApproval

#: The decisions ``respond_to_approval`` accepts.
DECISIONS = ("approve", "reject", "revise")


class ApprovalBook:
    """Pending approvals by id, oldest first."""

    def __init__(self) -> None:
        self._pending: dict[str, PendingApproval] = {}
        self._ids = itertools.count(1)

    def open(self, kind: str, target: str, thread_key: tuple[str, str]) -> PendingApproval:
        """Register a new approval whose future the caller awaits."""
        future: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        pending = PendingApproval(f"approval-{next(self._ids)}", kind, target, thread_key, future)
        self._pending[pending.id] = pending
        return pending

    def close(self, approval_id: str) -> None:
        """Forget an approval; if nobody decided it, its waiter is cancelled."""
        pending = self._pending.pop(approval_id, None)
        if pending is not None and not pending.future.done():
            pending.future.cancel()

    def decide(self, approval_id: str, decision: Decision) -> None:
        """Resolve a pending approval; unknown or already decided ids are a ``ValueError``."""
        pending = self._pending.get(approval_id)
        if pending is None:
            waiting = ", ".join(sorted(self._pending)) or "none"
            raise ValueError(f"no pending approval {approval_id!r} (pending: {waiting})")
        if pending.future.done():
            raise ValueError(f"approval {approval_id!r} was already decided")
        pending.future.set_result(decision)

    def waiting(self, thread_id: str | None = None) -> list[dict[str, str]]:
        """Approvals waiting for a decision (optionally of one thread), oldest first."""
        return [
            {"id": p.id, "kind": p.kind, "target": p.target, "threadId": p.thread_key[1]}
            for p in self._pending.values()
            if not p.future.done() and (thread_id is None or p.thread_key[1] == thread_id)
        ]
