"""The ``# Tools`` table ``define_runtime`` merges into each agent's system prompt.

The published harness lists, in each agent's prompt, the built-in tools its
role gets and the tools bound to it (rows the prompt already has win, and the
prompt's cache key follows the new text). Its built-in rows are described by
its native engine, and it has built-ins this runtime does not (``resolveRef``,
``glimpseRef``, the catalog toolkit); listing tools a model cannot call would
mislead it, so here the built-in rows are this runtime's own: ``call_agent``
for an agent with routes, ``storePlan`` and ``getPlan`` for planners,
``getPlan`` and ``executePlan`` for executors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .prompts import with_tool_rows

if TYPE_CHECKING:
    from .specs import AgentSpec

#: each built-in tool's description, as its tool definition gives it to a model
BUILTIN_DESCRIPTIONS = {
    "call_agent": "Hand a task to another agent and get its answer back.",
    "storePlan": "Store a plan in this thread as a draft, to be executed later.",
    "getPlan": "Read a plan stored in this thread: its record, status and actions.",
    "executePlan": "Execute a stored draft plan: ask for approval if required, then dispatch its actions.",
}


def builtin_names(agent: "AgentSpec") -> list[str]:
    """The built-in tools ``agent`` gets, by its routes and role."""
    names = ["call_agent"] if agent.routes else []
    if agent.role == "planner":
        names += ["storePlan", "getPlan"]
    if agent.role == "executor":
        names += ["getPlan", "executePlan"]
    return names


def with_prompt_tools(agent: "AgentSpec") -> "AgentSpec":
    """``agent`` with its built-in and bound tools listed in its prompt's ``# Tools`` table."""
    rows: list[Any] = [
        {"name": name, "description": BUILTIN_DESCRIPTIONS[name], "approval": "runtime"} for name in builtin_names(agent)
    ]
    rows.extend(agent.tools)
    if not rows:
        return agent
    prompt = with_tool_rows(agent.system_prompt, rows)
    if prompt.text == agent.system_prompt:
        return agent
    return agent.model_copy(update={"system_prompt": prompt.text, "prompt_cache_key": prompt.cache_key})
