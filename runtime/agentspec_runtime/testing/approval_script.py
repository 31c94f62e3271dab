"""How a test answers approvals: decisions per tool name and per plan id, in order.

An :class:`ApprovalScript` is consulted for every ``approval-required`` event a
run emits. ``tools`` is keyed by tool name, ``plans`` by plan id, and the key
``"*"`` matches any target of that kind that has no key of its own. A key holds
one :class:`ApprovalAnswer`, or a sequence of them: the decisions for that
target's first, second, … request, the last one answering every request after
it (so a single answer answers them all). Requests are counted per target, also
under ``"*"``: with ``plans={"*": (revise, approve)}`` every plan is first
revised, then approved.

Counting needs state, and one script serves many runs, so each run asks for a
fresh :meth:`ApprovalScript.session`. An approval the script does not answer is
rejected with feedback :data:`UNANSWERED_FEEDBACK`, so no stream ever waits
forever; the bridge records it as an ``ERROR`` step, so the test fails visibly
instead of passing on a silent rejection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

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


Answers = Union[ApprovalAnswer, Sequence[ApprovalAnswer]]


def _sequences(table: Mapping[str, Answers], name: str) -> dict[str, tuple[ApprovalAnswer, ...]]:
    """Every value as a non-empty tuple of answers (a single answer is a sequence of one)."""
    out: dict[str, tuple[ApprovalAnswer, ...]] = {}
    for key, value in table.items():
        answers = (value,) if isinstance(value, ApprovalAnswer) else tuple(value)
        if not answers or not all(isinstance(a, ApprovalAnswer) for a in answers):
            raise TypeError(f"ApprovalScript {name}[{key!r}] must be an ApprovalAnswer or a non-empty sequence of them")
        out[key] = answers
    return out


@dataclass(frozen=True)
class ApprovalScript:
    """Decisions for tool approvals (by tool name) and plan approvals (by plan id)."""

    tools: Mapping[str, Answers] = field(default_factory=dict)
    plans: Mapping[str, Answers] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tools", _sequences(self.tools, "tools"))
        object.__setattr__(self, "plans", _sequences(self.plans, "plans"))

    def answers(self, kind: str, target: str) -> tuple[ApprovalAnswer, ...]:
        """The decisions for approvals of ``kind`` ("tool"/"plan") on ``target``, in order (empty: unscripted)."""
        table = self.tools if kind == "tool" else self.plans if kind == "plan" else {}
        return table.get(target, table.get("*", ()))  # type: ignore[return-value]

    def session(self) -> "ApprovalSession":
        """A fresh count of requests, for one run."""
        return ApprovalSession(self)


class ApprovalSession:
    """One run's view of an :class:`ApprovalScript`: it counts the requests per target."""

    def __init__(self, script: ApprovalScript) -> None:
        self.script = script
        self._asked: Counter[tuple[str, str]] = Counter()

    def decide(self, kind: str, target: str) -> ApprovalAnswer:
        """The answer to this request: the next scripted decision, or a rejection as unanswered."""
        answers = self.script.answers(kind, target)
        if not answers:
            return ApprovalAnswer("reject", UNANSWERED_FEEDBACK)
        asked = self._asked[(kind, target)]
        self._asked[(kind, target)] += 1
        return answers[min(asked, len(answers) - 1)]
