"""Which built-in tools an agent gets, as the published harness composes them.

First its role's defaults (``call_agent`` for an agent with routes; planners
``storePlan`` and ``getPlan``; executors ``getPlan``, ``executePlan``,
``resolveRef`` and ``glimpseRef``), then the tools of each toolkit it selects
(``toolkits=[...]``, in order, names already given skipped):

* ``references``: ``resolveRef`` and ``glimpseRef``;
* ``plans``: the plan tools its role may use (planner ``storePlan`` +
  ``getPlan``, executor ``getPlan`` + ``executePlan``, others ``getPlan``).

A toolkit's ``config={"tools": [...]}`` keeps only the tools it names; naming
a tool the toolkit (or, for ``plans``, the role) does not have is an error.
Other toolkit ids (``catalog``, ...) need the native engine: they are kept on
the spec and add nothing here. The engine (``engine.py``) and the prompts'
``# Tools`` tables (``prompt_tools.py``) both read this one list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .specs import AgentSpec, ToolkitSpec

REFERENCE_TOOLS = ("resolveRef", "glimpseRef")
#: each built-in tool's description, as its tool definition gives it to a model and prompts list it
BUILTIN_DESCRIPTIONS = {
    "call_agent": "Hand a task to another agent and get its answer back.",
    "storePlan": "Store a plan in this thread as a draft, to be executed later.",
    "getPlan": "Read a plan stored in this thread: its record, status and actions.",
    "executePlan": "Execute a stored draft plan: ask for approval if required, then dispatch its actions.",
    "resolveRef": "Resolve a typed reference to its full stored payload.",
    "glimpseRef": "Read only the cached glimpse of a typed reference (cheaper than resolving it).",
}
PLAN_TOOLS_BY_ROLE = {
    "planner": ("storePlan", "getPlan"),
    "executor": ("getPlan", "executePlan"),
}
OTHER_ROLES_PLAN_TOOLS = ("getPlan",)


class ToolkitError(ValueError):
    """A toolkit's ``config.tools`` names a tool the agent cannot have."""


def _plan_tools(role: str) -> tuple[str, ...]:
    return PLAN_TOOLS_BY_ROLE.get(role, OTHER_ROLES_PLAN_TOOLS)


def _role_defaults(agent: "AgentSpec") -> list[str]:
    names = ["call_agent"] if agent.routes else []
    if agent.role in PLAN_TOOLS_BY_ROLE:
        names += _plan_tools(agent.role)
    if agent.role == "executor":
        names += REFERENCE_TOOLS
    return names


def _selected(toolkit: "ToolkitSpec", available: tuple[str, ...], agent: "AgentSpec") -> list[str]:
    config = toolkit.config
    wanted = config.get("tools") if isinstance(config, Mapping) else None
    if wanted is None:
        return list(available)
    unknown = [name for name in wanted if name not in available]
    if unknown and toolkit.id == "plans":  # the published wording
        raise ToolkitError(
            f"toolkit 'plans' tools are scoped by agent role; {agent.role} agents cannot use {unknown}"
            f" (agent {agent.name!r} may use {list(available)})"
        )
    if unknown:
        raise ToolkitError(
            f"agent {agent.name!r}: toolkit {toolkit.id!r} has no tool(s) {unknown}; it has {list(available)}"
        )
    return [name for name in available if name in wanted]


def builtin_tool_names(agent: "AgentSpec", toolkits: Iterable["ToolkitSpec"]) -> list[str]:
    """The built-in tools ``agent`` has, in the published order (see the module docstring)."""
    by_id = {toolkit.id: toolkit for toolkit in toolkits}
    names = _role_defaults(agent)
    for toolkit_id in agent.toolkits:
        toolkit = by_id.get(toolkit_id)
        if toolkit is None:
            continue
        if toolkit.id == "references":
            names += [n for n in _selected(toolkit, REFERENCE_TOOLS, agent) if n not in names]
        elif toolkit.id == "plans":
            names += [n for n in _selected(toolkit, _plan_tools(agent.role), agent) if n not in names]
    return names
