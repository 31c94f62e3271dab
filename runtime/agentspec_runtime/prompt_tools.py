"""The ``# Tools`` table ``define_runtime`` merges into each agent's system prompt.

The published harness lists, in each agent's prompt, the built-in tools its
role gets and the tools bound to it (rows the prompt already has win, and the
prompt's cache key follows the new text). Its built-in rows are described by
its native engine, and it has built-ins this runtime does not (the catalog
toolkit); listing tools a model cannot call would mislead it, so here the
built-in rows are this runtime's own, as ``toolkits.py`` gives them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .prompts import with_tool_rows
from .toolkits import BUILTIN_DESCRIPTIONS, builtin_tool_names

if TYPE_CHECKING:
    from .specs import AgentSpec, ToolkitSpec


def with_prompt_tools(agent: "AgentSpec", toolkits: Iterable["ToolkitSpec"] = ()) -> "AgentSpec":
    """``agent`` with its built-in and bound tools listed in its prompt's ``# Tools`` table."""
    rows: list[Any] = [
        {"name": name, "description": BUILTIN_DESCRIPTIONS[name], "approval": "runtime"}
        for name in builtin_tool_names(agent, toolkits)
    ]
    rows.extend(agent.tools)
    if not rows:
        return agent
    prompt = with_tool_rows(agent.system_prompt, rows)
    if prompt.text == agent.system_prompt:
        return agent
    return agent.model_copy(update={"system_prompt": prompt.text, "prompt_cache_key": prompt.cache_key})
