"""Short human descriptions of declarations, for hover and completion details.

Only presentation lives here: what a declaration *is* comes from the AST and
the symbol tables (``agentspec.symbols``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from agentspec.syntax import nodes
from agentspec.spectypes import spelling

FENCE = "```"


def param_text(param: nodes.Param) -> str:
    text = f"{param.name.name}: {spelling(param.type)}"
    if param.has_default:
        text += f" = {json.dumps(param.default, ensure_ascii=False)}"
    return text


def signature(tool: nodes.ToolDecl) -> str:
    return f"tool {tool.name.name}({', '.join(param_text(p) for p in tool.params)})"


def fields_text(fields: list[nodes.Field_]) -> str:
    return ", ".join(f"{f.name.name}: {spelling(f.type)}" for f in fields)


def _code(line: str) -> str:
    return f"{FENCE}agentspec\n{line}\n{FENCE}"


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def step_summary(step: Any) -> str:
    if step.kind == "tool":
        return f"{step.tool.name}(…)" if step.args else f"{step.tool.name}()"
    if step.kind == "say":
        return f'say "{_first_line(step.text, 40)}"'
    if step.script is not None:
        return f"call {step.agent.name} {step.script.name}"
    return f"call {step.agent.name} {{ {len(step.steps)} step{'s' if len(step.steps) != 1 else ''} }}"


def tool_markdown(tool: nodes.ToolDecl) -> str:
    parts = [_code(signature(tool))]
    if tool.description:
        parts.append(tool.description)
    facts = []
    if tool.approval is not None:
        mode = tool.approval.mode
        if mode == "when" and tool.approval.predicate is not None:
            mode = f"when `{tool.approval.predicate.path}`"
        facts.append(f"approval: {mode}")
    if tool.handler is not None:
        facts.append(f"handler: `{tool.handler.path}`")
    if tool.has_returns:
        facts.append("returns a fixture result")
    if tool.fails is not None:
        facts.append(f'fails: "{tool.fails}"')
    if facts:
        parts.append(" · ".join(facts))
    return "\n\n".join(parts)


def agent_markdown(agent: nodes.AgentDecl) -> str:
    parts = [_code(f"{agent.role} {agent.name.name}")]
    lines = [f"**role:** {agent.role}"]
    if agent.model:
        model = f"**model:** `{agent.model}`"
        if agent.provider is not None:
            model += f" (provider `{agent.provider.name}`)"
        lines.append(model)
    if agent.tools:
        lines.append("**tools:** " + ", ".join(f"`{t.name}`" for t in agent.tools))
    if agent.routes:
        lines.append("**routes:** " + ", ".join(f"`{r.name}`" for r in agent.routes))
    if agent.plan is not None:
        lines.append(f"**plan:** `{agent.plan.name}`")
    if agent.prompt:
        lines.append(f"**prompt:** {_first_line(agent.prompt)}")
    parts.append("  \n".join(lines))
    return "\n\n".join(parts)


def plan_markdown(plan: nodes.PlanDecl) -> str:
    parts = [_code(f"plan {plan.name.name}")]
    if plan.fields:
        parts.append("**fields:** " + fields_text(plan.fields))
    if plan.actions:
        parts.append(
            "**actions:**\n" + "\n".join(f"- `{a.name.name}` {{ {fields_text(a.fields)} }}" for a in plan.actions)
        )
    else:
        parts.append("no actions")
    return "\n\n".join(parts)


def script_markdown(script: nodes.ScriptDecl) -> str:
    count = len(script.steps)
    parts = [_code(f"script {script.name.name}"), f"{count} step{'s' if count != 1 else ''}"]
    if script.steps:
        shown = [f"{i}. `{step_summary(s)}`" for i, s in enumerate(script.steps[:12], 1)]
        if count > 12:
            shown.append(f"… and {count - 12} more")
        parts.append("\n".join(shown))
    return "\n\n".join(parts)


def other_markdown(kind: str, decl: Any) -> str:
    if kind == "provider":
        key = f'api_key_env "{decl.api_key_env}"' if decl.api_key_env else ("api_key set" if decl.api_key else "")
        return "\n\n".join(p for p in (_code(f"provider {decl.name.name}"), key) if p)
    if kind == "service":
        return "\n\n".join([_code(f"service {decl.name.name}"), f"factory: `{decl.factory.path}`"])
    if kind == "reference":
        parts = [_code(f"reference {decl.name.name}")]
        if decl.fields:
            parts.append("**fields:** " + fields_text(decl.fields))
        return "\n\n".join(parts)
    return _code(f"{kind} {decl.name.name}")


def markdown(kind: str, decl: Any, path: str, here: str) -> str:
    """Hover text for a declaration; names the file when it is not the one being read."""
    text = {
        "tool": tool_markdown,
        "agent": agent_markdown,
        "plan": plan_markdown,
        "script": script_markdown,
    }.get(kind, lambda d: other_markdown(kind, d))(decl)
    if path != here:
        text += f"\n\n*declared in {os.path.basename(path)}:{decl.span.line}*"
    return text


def detail(kind: str, decl: Any) -> str:
    """One line, for a completion item's detail."""
    if kind == "tool":
        return signature(decl)
    if kind == "agent":
        return f"{decl.role}" + (f" · {decl.model}" if decl.model else "")
    if kind == "plan":
        return f"plan · {len(decl.actions)} action{'s' if len(decl.actions) != 1 else ''}"
    if kind == "script":
        return f"script · {len(decl.steps)} step{'s' if len(decl.steps) != 1 else ''}"
    return kind
