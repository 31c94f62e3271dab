"""How a test answers approvals: decisions per tool name and per plan id.

An :class:`ApprovalScript` is consulted for every ``approval-required`` event a
run emits. ``tools`` is keyed by tool name, ``plans`` by plan id, and the key
``"*"`` matches any target of that kind. An approval the script does not
answer is rejected with feedback :data:`UNANSWERED_FEEDBACK`, so no stream ever
waits forever; the bridge records it as an ``ERROR`` step, so the test fails
visibly instead of passing on a silent rejection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UNANSWERED_FEEDBACK = "not answered by the scenario"
OUTCOMES = ("approve", "reject", "revise")


@dataclass(frozen=True)
class ApprovalAnswer:
    """One decision: ``outcome`` with optional ``feedback`` and (for revise) ``partial``."""

    outcome: str
    feedback: str | None = None
    partial: Any = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"ApprovalAnswer outcome must be one of {', '.join(OUTCOMES)}, got {self.outcome!r}")
        if self.feedback is not None and not isinstance(self.feedback, str):
            raise TypeError(f"ApprovalAnswer feedback must be a str or None, got {type(self.feedback).__name__}")


@dataclass(frozen=True)
class ApprovalScript:
    """Decisions for tool approvals (by tool name) and plan approvals (by plan id)."""

    tools: dict[str, ApprovalAnswer] = field(default_factory=dict)
    plans: dict[str, ApprovalAnswer] = field(default_factory=dict)

    def answer(self, kind: str, target: str) -> ApprovalAnswer | None:
        """The answer for an approval of ``kind`` ("tool"/"plan") on ``target``, if scripted."""
        table = self.tools if kind == "tool" else self.plans if kind == "plan" else {}
        return table.get(target, table.get("*"))

    def decide(self, kind: str, target: str) -> ApprovalAnswer:
        """Like :meth:`answer`, but an unscripted approval is rejected as unanswered."""
        return self.answer(kind, target) or ApprovalAnswer("reject", UNANSWERED_FEEDBACK)
