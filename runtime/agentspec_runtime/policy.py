"""Approval resolution: does this tool call, or this plan, need a human's approval?

Rules, most specific first (the first one that is not ``"default"`` wins):

tool call of tool T by agent A
    1. T's own ``approval`` (``define_tool(..., approval=...)``)
    2. A's override: ``approval_policies.agents[A]`` if present, else A's ``approval``
    3. the floor for tools
plan executed by agent A
    1. A's override for plans (as in 2. above)
    2. the floor for plans

The floor comes from ``approval_policies.plans`` / ``.tools`` when those fields
are set explicitly; otherwise from the coordinator's ``approval``; otherwise
plans ``"always"`` and tools ``"never"``. An agent approval given as a single
string applies to both plans and tools.

A policy is ``"never"``, ``"always"``, a predicate ``(args, ctx) -> bool``
(sync or async) or the name of a predicate registered in
``approval_policies.predicates``. Built-in tools (``call_agent``, ``storePlan``,
``executePlan``) are not gated by tool policies; ``executePlan`` is gated by the
plan policy.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from .specs import AgentSpec, ApprovalRule, PolicyValue, RuntimeSpec

_DEFAULT_FLOOR = {"plans": "always", "tools": "never"}
_FIXED = ("default", "always", "never")


class PolicyError(Exception):
    """An approval predicate failed or returned something other than a bool."""


def _part(value: Any, field: str) -> PolicyValue:
    """The plans/tools part of an agent approval (string applies to both)."""
    if isinstance(value, ApprovalRule):
        return getattr(value, field)
    return value


class PolicyResolver:
    """Resolves and evaluates approval policies for one runtime spec."""

    def __init__(self, spec: RuntimeSpec) -> None:
        self._spec = spec
        policies = spec.approval_policies
        self._predicates: dict[str, Callable[..., Any]] = dict(policies.predicates) if policies else {}
        self._agent_overrides = dict(policies.agents) if policies else {}
        coordinator = spec.coordinator
        self._floor: dict[str, PolicyValue] = {}
        for field in ("plans", "tools"):
            if policies is not None and field in policies.model_fields_set:
                self._floor[field] = getattr(policies, field)
                continue
            from_coordinator = _part(coordinator.approval, field) if coordinator else "default"
            self._floor[field] = from_coordinator if from_coordinator != "default" else _DEFAULT_FLOOR[field]
        self._check_names()

    def _check_names(self) -> None:
        uses: list[tuple[PolicyValue, str]] = [
            (self._floor["plans"], "the plan approval floor"),
            (self._floor["tools"], "the tool approval floor"),
        ]
        for agent in self._spec.agents:
            override = self._agent_overrides.get(agent.name, agent.approval)
            for field in ("plans", "tools"):
                uses.append((_part(override, field), f"agent {agent.name!r} ({field})"))
            for tool in agent.all_tools():
                uses.append((tool.approval, f"tool {tool.name!r}"))
        for value, where in uses:
            if isinstance(value, str) and value not in _FIXED and value not in self._predicates:
                registered = ", ".join(sorted(self._predicates)) or "none"
                raise ValueError(
                    f"approval predicate {value!r} used by {where} is not registered; "
                    f"add it to approval_policies={{'predicates': {{{value!r}: fn}}}} "
                    f"(registered: {registered})"
                )

    def _agent_part(self, agent: AgentSpec, field: str) -> PolicyValue:
        return _part(self._agent_overrides.get(agent.name, agent.approval), field)

    def for_tool(self, agent: AgentSpec, tool_approval: PolicyValue) -> PolicyValue:
        for candidate in (tool_approval, self._agent_part(agent, "tools"), self._floor["tools"]):
            if candidate != "default":
                return candidate
        return "never"

    def for_plan(self, agent: AgentSpec) -> PolicyValue:
        for candidate in (self._agent_part(agent, "plans"), self._floor["plans"]):
            if candidate != "default":
                return candidate
        return "always"

    async def requires_approval(self, policy: PolicyValue, args: Any, ctx: Any) -> bool:
        """Evaluate a resolved policy; raises :class:`PolicyError` if a predicate misbehaves."""
        if policy == "never":
            return False
        if policy == "always":
            return True
        predicate = self._predicates[policy] if isinstance(policy, str) else policy
        name = getattr(predicate, "__name__", repr(predicate))
        try:
            answer = predicate(args, ctx)
            if inspect.isawaitable(answer):
                answer = await answer
        except Exception as exc:  # a predicate bug must not crash the stream
            raise PolicyError(f"approval predicate {name} raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(answer, bool):
            raise PolicyError(f"approval predicate {name} must return a bool, got {type(answer).__name__}")
        return answer
