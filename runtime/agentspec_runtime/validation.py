"""Whole-runtime rules for a :class:`RuntimeSpec`, checked before anything runs.

``define_runtime`` calls :func:`validate_runtime_spec`, and so does
``create_runtime`` (a spec may also be built by hand or copied with
``fixtures.override_handlers``). Every rule raises ``ValueError`` with a message
naming what is wrong and where, because these are mistakes in code a developer
is looking at right now.
"""

from __future__ import annotations

import re

from .specs import BUILTIN_TOOLS, AgentSpec, ApprovalRule, RuntimeSpec, ToolSpec

_OPENAI_REASONING = re.compile(r"^o\d")


def infer_provider(model_id: str) -> str | None:
    """The provider a model id implies: ``claude-*`` → anthropic; ``gpt-*``, ``o1``… → openai."""
    if model_id.startswith("claude-"):
        return "anthropic"
    if model_id.startswith("gpt-") or _OPENAI_REASONING.match(model_id):
        return "openai"
    return None


def agent_provider(agent: AgentSpec) -> str | None:
    if not isinstance(agent.model, str) and agent.model.provider:
        return agent.model.provider
    return infer_provider(agent.model_id)


def _unique(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"duplicate {what} name {name!r}")
        seen.add(name)


def _check_tools(spec: RuntimeSpec) -> None:
    registry: dict[str, ToolSpec] = {}
    for agent in spec.agents:
        seen: set[str] = set()
        for tool in agent.all_tools():
            if tool.name in BUILTIN_TOOLS:
                raise ValueError(
                    f"agent {agent.name!r}: tool name {tool.name!r} is reserved for the built-in tool"
                )
            if tool.name in seen:
                raise ValueError(f"duplicate tool name {tool.name!r} in agent {agent.name!r}")
            seen.add(tool.name)
            other = registry.setdefault(tool.name, tool)
            if other is not tool and other != tool:
                raise ValueError(
                    f"duplicate tool name {tool.name!r}: two different tools with this name "
                    f"(one used by agent {agent.name!r})"
                )


def _check_models(spec: RuntimeSpec) -> None:
    declared = sorted(spec.providers)
    for agent in spec.agents:
        provider = agent_provider(agent)
        if provider is None:
            raise ValueError(
                f"agent {agent.name!r}: cannot tell the provider of model {agent.model_id!r}; "
                f"use ModelSpec(id={agent.model_id!r}, provider=...) "
                f"(declared providers: {', '.join(declared) or 'none'})"
            )
        if provider not in spec.providers:
            raise ValueError(
                f"agent {agent.name!r}: model {agent.model_id!r} needs provider {provider!r}, "
                f"which is not declared in providers (declared: {', '.join(declared) or 'none'})"
            )


def _check_approval_value(value: object, where: str) -> None:
    if isinstance(value, ApprovalRule):
        return
    if value not in ("default", "always", "never"):
        raise ValueError(f"{where}: approval must be 'default', 'always', 'never' or an ApprovalRule, got {value!r}")


def validate_runtime_spec(spec: RuntimeSpec) -> None:
    """Raise ``ValueError`` if ``spec`` breaks a rule a runtime relies on."""
    if not spec.agents:
        raise ValueError("a runtime needs at least one agent")
    names = [agent.name for agent in spec.agents]
    _unique(names, "agent")
    coordinators = [agent.name for agent in spec.agents if agent.role == "coordinator"]
    if len(coordinators) > 1:
        raise ValueError(f"a runtime has at most one coordinator, got {coordinators}")
    _unique([plan.name for plan in spec.plans], "plan")
    _unique([ref.kind for ref in spec.references], "reference kind")
    known = set(names)
    plans = {plan.name for plan in spec.plans}
    for agent in spec.agents:
        for target in agent.routes:
            if target not in known:
                raise ValueError(
                    f"agent {agent.name!r} routes to {target!r}, which is not a registered agent "
                    f"(agents: {', '.join(names)})"
                )
        if agent.plan is not None and agent.plan not in plans:
            raise ValueError(
                f"agent {agent.name!r} uses plan {agent.plan!r}, which is not in plans "
                f"(plans: {', '.join(sorted(plans)) or 'none'})"
            )
        _check_approval_value(agent.approval, f"agent {agent.name!r}")
    _check_tools(spec)
    _check_models(spec)
    policies = spec.approval_policies
    if policies is not None:
        for name, rule in policies.agents.items():
            if name not in known:
                raise ValueError(f"approval_policies.agents names {name!r}, which is not a registered agent")
            _check_approval_value(rule, f"approval_policies.agents[{name!r}]")
