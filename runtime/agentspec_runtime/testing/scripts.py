"""Building scripted-interpreter prompts without hand-writing JSON.

``script(tool_call("search", {"q": "x"}), agent_call("booker", script(...)), say("Done."))``
returns the prompt string the scripted interpreter reads. ``storePlan`` and
``executePlan`` are ordinary tool calls:
``tool_call("executePlan", {"planId": "p1"})``.
"""

from __future__ import annotations

from typing import Any

from ..usage import json_text


def tool_call(name: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """One scripted call: ``{"tool": name, "args": args or {}}``."""
    return {"tool": name, "args": dict(args) if args else {}}


def agent_call(agent: str, prompt: str) -> dict[str, Any]:
    """A ``call_agent`` call routing ``prompt`` (usually another ``script(...)``) to ``agent``."""
    return {"tool": "call_agent", "args": {"agent": agent, "prompt": prompt}}


def say(text: str) -> dict[str, Any]:
    """A scripted reply, what the agent says: ``{"say": text}`` (an agentspec extension)."""
    return {"say": text}


def script(*calls: dict[str, Any]) -> str:
    """The prompt for a sequence of calls: ``json.dumps({"script": [...]})``."""
    return json_text({"script": list(calls)})
