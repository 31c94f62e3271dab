"""Whole-runtime rules for a :class:`RuntimeSpec`, checked before anything runs.

The rules the published harness checks when a spec is built (agents, routes,
approval overrides) live on ``RuntimeSpec`` itself; these are the ones
``create_runtime`` adds (a spec may be built by hand or copied with
``fixtures.override_handlers``). Every rule raises ``ValueError`` with a message
naming what is wrong and where, because these are mistakes in code a developer
is looking at right now.
"""

from __future__ import annotations

import re

from .specs import BUILTIN_TOOLS, AgentSpec, RuntimeSpec, ToolSpec

_OPENAI_REASONING = re.compile(r"^o\d")


def infer_provider(model_id: str) -> str | None:
    """The provider a model id implies: ``claude-*`` → anthropic; ``gpt-*``, ``o1``… → openai."""
    if model_id.startswith("claude-"):
        return "anthropic"
    if model_id.startswith("gpt-") or _OPENAI_REASONING.match(model_id):
        return "openai"
    return None


def agent_provider(agent: AgentSpec) -> str | None:
    if agent.model.provider:
        return agent.model.provider
    return infer_provider(agent.model_id)


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


def validate_runtime_spec(spec: RuntimeSpec) -> None:
    """Raise ``ValueError`` if ``spec`` breaks a rule this runtime relies on.

    ``RuntimeSpec`` checks agents and routes when it is built (checked again
    here: a copy made with ``model_copy`` is not validated); then the rules about
    tools: built-in
    tool names are reserved, an agent lists a tool once, and one name means
    one tool across the runtime.
    """
    if not spec.agents:
        raise ValueError("a runtime needs at least one agent")
    spec.check_agents()
    _check_tools(spec)


def check_providers(spec: RuntimeSpec) -> None:
    """For live interpreters: every agent's model has a provider the spec declares."""
    _check_models(spec)
