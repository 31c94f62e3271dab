"""Approval resolution: does this tool call, or this plan, need a human's approval?

The published harness's rules, most specific first:

tool call of tool T by agent A
    1. ``approval_overrides.tools[A][T]`` (``define_runtime`` puts each of A's
       tools' own ``approval`` there, overridden by A's ``tool_approvals``)
    2. T's own ``approval`` (a tool bound to A but not collected into the overrides)
    Every tool has an ``approval`` (default ``never``), so A's patch for tools
    (``approval_overrides.agents[A].tools``) and the floor's ``tools`` never
    reach a user tool: in the published harness they govern its built-in
    toolkit tools. To make one agent's tools need approval, give the agent
    ``tool_approvals={name: "always"}``.
plan executed by agent A
    1. A's patch for plans
    2. the floor, ``approval_policies.plans``

A rule is ``{"kind": "never"}``, ``{"kind": "always"}`` or ``{"kind":
"dynamic", "value": id}``; a dynamic id names a predicate ``(args, ctx) ->
bool`` (sync or async): a tool's own callable (``define_tool(approval=fn)``)
or one given to ``create_runtime(approval_predicates=...)``. Every dynamic id
the spec uses must resolve when the runtime is created. Built-in tools
(``call_agent``, ``storePlan``, ``executePlan``) are not gated by tool rules;
``executePlan`` is gated by the plan rule.

A predicate is user code, so it runs as a handler does (``handlers.call_handler``):
a synchronous one in a daemon thread of its own, an asynchronous one as a task,
within a timeout the caller gives — the tool's ``timeout`` or the runtime's
``tool_timeout``. One that blocks or never returns fails the call with a
:class:`PolicyError` instead of hanging the stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Callable, Union

from .handlers import HandlerTimeout, call_handler
from .specs import AgentSpec, RuntimeSpec, ToolSpec

#: a resolved policy: "never", "always" or the predicate to ask
Policy = Union[str, Callable[..., Any]]


class PolicyError(Exception):
    """An approval predicate failed or returned something other than a bool."""


def dynamic_ids(spec: RuntimeSpec, tools: Iterable[ToolSpec]) -> list[tuple[str, str]]:
    """Every dynamic predicate id the spec uses, with where it is used."""
    # "where" is written only for a dynamic rule: most rules are not, and this runs per create_runtime
    found: list[tuple[str, str]] = []
    for rule, where in ((spec.approval_policies.plans, "plans"), (spec.approval_policies.tools, "tools")):
        if _is_dynamic(rule):
            found.append((rule["value"], f"approval_policies.{where}"))
    for agent, patch in spec.approval_overrides.agents.items():
        for rule, where in ((patch.plans, "plans"), (patch.tools, "tools")):
            if _is_dynamic(rule):
                found.append((rule["value"], f"agent {agent!r} ({where})"))
    for agent, rules in spec.approval_overrides.tools.items():
        for tool_name, rule in rules.items():
            if _is_dynamic(rule):
                found.append((rule["value"], f"tool {tool_name!r} of agent {agent!r}"))
    for tool in tools:
        if _is_dynamic(tool.approval):
            found.append((tool.approval["value"], f"tool {tool.name!r}"))
    return found


def _is_dynamic(rule: Mapping[str, Any] | None) -> bool:
    return rule is not None and rule.get("kind") == "dynamic"


class PolicyResolver:
    """Resolves and evaluates approval rules for one runtime spec.

    ``predicates`` maps dynamic ids to callables; ``tools`` are all the tools
    the runtime binds (their own callables register their ids).
    Raises ``ValueError`` naming an id that resolves to no predicate.
    """

    def __init__(
        self,
        spec: RuntimeSpec,
        predicates: Mapping[str, Callable[..., Any]] | None = None,
        tools: Iterable[ToolSpec] = (),
    ) -> None:
        self._spec = spec
        tools = list(tools)
        self._predicates: dict[str, Callable[..., Any]] = dict(predicates or {})
        for tool in tools:
            if tool.approval.get("kind") == "dynamic" and tool.approval_handler is not None:
                self._predicates[tool.approval["value"]] = tool.approval_handler
        for predicate_id, where in dynamic_ids(spec, tools):
            if predicate_id not in self._predicates:
                registered = ", ".join(sorted(self._predicates)) or "none"
                raise ValueError(
                    f"dynamic approval predicate '{predicate_id}' is not registered (used by {where}); "
                    f"pass create_runtime(approval_predicates={{{predicate_id!r}: fn}}) "
                    f"(registered: {registered})"
                )

    def _policy(self, rule: Mapping[str, Any]) -> Policy:
        if rule.get("kind") == "dynamic":
            return self._predicates[rule["value"]]
        return str(rule["kind"])

    def for_tool(self, agent: AgentSpec, tool: ToolSpec) -> Policy:
        scoped = self._spec.approval_overrides.tools.get(agent.name, {})
        for key in (tool.key, tool.name):
            if key in scoped:
                return self._policy(scoped[key])
        return self._policy(tool.approval)

    def for_plan(self, agent: AgentSpec) -> Policy:
        patch = self._spec.approval_overrides.agents.get(agent.name)
        if patch is not None and patch.plans is not None:
            return self._policy(patch.plans)
        return self._policy(self._spec.approval_policies.plans)

    async def requires_approval(self, policy: Policy, args: Any, ctx: Any, timeout: float | None) -> bool:
        """Evaluate a resolved policy, a predicate within ``timeout`` seconds (None: no limit);
        raises :class:`PolicyError` if a predicate misbehaves or does not answer in time."""
        if policy == "never":
            return False
        if policy == "always":
            return True
        name = getattr(policy, "__name__", repr(policy))
        try:
            answer = await call_handler(policy, args, ctx, timeout)  # type: ignore[arg-type]
        except HandlerTimeout as exc:
            raise PolicyError(f"approval predicate {name} did not answer within {exc.seconds:g} s") from None
        except Exception as exc:  # a predicate bug must not crash the stream
            raise PolicyError(f"approval predicate {name} raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(answer, bool):
            raise PolicyError(f"approval predicate {name} must return a bool, got {type(answer).__name__}")
        return answer
