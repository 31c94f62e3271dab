"""Scripts: what the scripted interpreter replays, checked as the agent that runs it.

A step runs *as* an agent: the top of a scenario's ``run`` as the entry agent,
the inside of ``call A { ... }`` (or the script of ``call A script``) as ``A``.
That agent must have every tool it calls (built-ins by role: ``storePlan`` for
planners, ``executePlan`` for executors) and must route to every agent it
calls. A named script is checked at every place it is called from, with the
caller's agent; once more on its own (agent unknown) so a script nobody calls
still has its names and arguments checked.
"""

from __future__ import annotations

from agentspec.syntax import nodes
from agentspec.checker.calls import check_args, check_plan_body
from agentspec.checker.file_context import FileContext, role_phrase
from agentspec.checker.fixes import add_to_list
from agentspec.diagnostics import replace_fix
from agentspec.symbols import Symbol

_ZERO = nodes.Span(line=1, column=1, end_line=1, end_column=1, start=0, end=0)


def _param(name: str, type_name: str) -> nodes.Param:
    return nodes.Param(name=nodes.Ident(name=name, span=_ZERO), type=nodes.TypeRef(name=type_name, span=_ZERO), span=_ZERO)


#: The parameters of the built-in tools a script may call directly.
BUILTIN_PARAMS: dict[str, list[nodes.Param]] = {
    "storePlan": [_param("specName", "str"), _param("planId", "str"), _param("body", "json")],
    "executePlan": [_param("planId", "str")],
}
BUILTIN_ROLE = {"storePlan": "planner", "executePlan": "executor"}

# (path, name) of the scripts being expanded, outermost first.
Stack = tuple[tuple[str, str], ...]


def check_script_decl(ctx: FileContext, script: nodes.ScriptDecl) -> None:
    """A script on its own: names and arguments, without knowing which agent runs it."""
    check_steps(ctx, script.steps, None, ((ctx.path, script.name.name),))


def check_script_call(
    ctx: FileContext, name: nodes.Ident, agent: Symbol | None, stack: Stack, expand: bool = True
) -> None:
    """``run NAME`` / ``call A NAME``: resolve the script and, if ``expand``, check it as ``agent``."""
    script = ctx.lookup("script", name.name)
    if script is None:
        ctx.unknown("E104", "script", name, ctx.scope.scripts)
        return
    key = (script.path, script.name)
    if key in stack:
        names = [n for _, n in stack[stack.index(key) :]]
        through = f" (through {', '.join(f'`{n}`' for n in names[1:])})" if len(names) > 1 else ""
        ctx.error(
            "E318",
            f"script `{script.name}` calls itself{through}",
            name.span,
            "a script that calls itself never ends; write the steps out instead",
        )
        return
    if not expand:
        return
    inner = ctx.at(script.path)
    origin = None
    if agent is not None:
        origin = f"script `{script.name}` runs as `{agent.name}` from {inner.where(ctx.path, name.span)}"
    check_steps(inner, script.decl.steps, agent, stack + (key,), origin)


def check_steps(ctx: FileContext, steps: list, agent: Symbol | None, stack: Stack, origin: str | None = None) -> None:
    """``origin`` says, for steps of a named script, which call made them run as ``agent``."""
    for step in steps:
        if isinstance(step, nodes.ToolStep):
            _check_tool_step(ctx, step, agent, origin)
        elif isinstance(step, nodes.SayStep):
            continue  # any text may be said
        else:
            _check_agent_step(ctx, step, agent, stack, origin)


def _with_origin(hint: str, origin: str | None) -> str:
    return f"{hint}; {origin}" if origin else hint


def _check_tool_step(ctx: FileContext, step: nodes.ToolStep, agent: Symbol | None, origin: str | None) -> None:
    name = step.tool.name
    if name == "call_agent":
        ctx.error(
            "E317",
            "`call_agent` is written `call AGENT { ... }` or `call AGENT script` in scripts",
            step.tool.span,
            'e.g. `call booker { search_flights(origin: "SFO") }`',
        )
        return
    if name in BUILTIN_PARAMS:
        _check_builtin(ctx, step, agent, origin)
        return
    tool = ctx.lookup("tool", name)
    if tool is None:
        ctx.unknown("E101", "tool", step.tool, [*ctx.scope.tools, *BUILTIN_PARAMS])
        return
    check_args(ctx, step.tool, tool.decl.params, step.args)
    if agent is not None and name not in {t.name for t in agent.decl.tools}:
        ctx.error(
            "E308",
            f"`{agent.name}` does not have tool `{name}`",
            step.tool.span,
            _with_origin(
                f"add `{name}` to the `tools` of `{agent.name}` ({ctx.where(agent.path, agent.span)})", origin
            ),
            [add_to_list(ctx.program, agent, "tools", name)],
            [ctx.declared_here(agent), ctx.declared_here(tool)],
        )


def _check_builtin(ctx: FileContext, step: nodes.ToolStep, agent: Symbol | None, origin: str | None) -> None:
    name = step.tool.name
    good = check_args(ctx, step.tool, BUILTIN_PARAMS[name], step.args)
    role = BUILTIN_ROLE[name]
    if agent is not None and agent.decl.role != role:
        ctx.error(
            "E309",
            f"`{name}` is only available to {role}s; `{agent.name}` is {role_phrase(agent.decl)}",
            step.tool.span,
            _with_origin(f"call it inside `call <{role}> {{ ... }}`", origin),
        )
        return
    if name != "storePlan":
        return
    spec_name = good.get("specName")
    plan: Symbol | None = None
    if agent is not None and agent.decl.plan is not None:
        plan = ctx.at(agent.path).lookup("plan", agent.decl.plan.name)
        if plan is not None and spec_name is not None and spec_name.value != plan.name:
            ctx.error(
                "E208",
                f'`{agent.name}` stores plans of `{plan.name}`, not "{spec_name.value}"',
                spec_name.value_span,
                _with_origin(f'write `specName: "{plan.name}"`', origin),
                [replace_fix(f'Change to "{plan.name}"', ctx.path, spec_name.value_span, f'"{plan.name}"')],
                [ctx.declared_here(plan)],
            )
            return
    elif spec_name is not None:
        plan = ctx.lookup("plan", spec_name.value)
        if plan is None:
            ctx.unknown(
                "E103",
                "plan",
                nodes.Ident(name=spec_name.value, span=spec_name.value_span),
                ctx.scope.plans,
            )
    if plan is not None and "body" in good:
        check_plan_body(ctx, plan.decl, good["body"])


def _check_agent_step(
    ctx: FileContext, step: nodes.AgentStep, agent: Symbol | None, stack: Stack, origin: str | None
) -> None:
    target = ctx.lookup("agent", step.agent.name)
    routed = agent is None or target is None or target.name in {r.name for r in agent.decl.routes}
    if target is None:
        ctx.unknown("E102", "agent", step.agent, ctx.scope.agents)
    elif not routed:
        if target.name == agent.name:
            body = "the script" if step.script is not None else "the steps"
            ctx.error(
                "E310",
                f"`{agent.name}` cannot call itself",
                step.agent.span,
                _with_origin(
                    f"these steps already run as `{agent.name}`: write {body} without `call {agent.name}`", origin
                ),
            )
        elif agent.decl.role == "coordinator":
            ctx.error(
                "E310",
                f"`{agent.name}` does not route to `{target.name}`",
                step.agent.span,
                _with_origin(
                    f"add `{target.name}` to the `routes` of `{agent.name}` ({ctx.where(agent.path, agent.span)})",
                    origin,
                ),
                [add_to_list(ctx.program, agent, "routes", target.name)],
                [ctx.declared_here(agent), ctx.declared_here(target)],
            )
        else:
            ctx.error(
                "E310",
                f"`{agent.name}` cannot call `{target.name}`: it is {role_phrase(agent.decl)}, and only coordinators route",
                step.agent.span,
                _with_origin("call it from the coordinator instead", origin),
            )
    if step.script is not None:
        # A script behind a call that cannot happen is not checked as `target`
        # (check_script_decl checks it on its own): expanding it anyway let a chain
        # of such calls recurse without end, a RecursionError at a few hundred.
        check_script_call(ctx, step.script, target, stack, expand=routed)
    else:
        check_steps(ctx, step.steps, target, stack, origin)
