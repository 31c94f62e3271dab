"""Warnings about things that are declared but can never matter.

- an agent nothing reaches (no coordinator routes to it, no scenario starts at
  it, and it is not itself a coordinator);
- a script no scenario or other script runs;
- an approval decision for a tool (or plan) that never asks for approval, so
  the decision is never consulted (and, in ``approval_rules``, decisions the
  scenario's script never reaches);
- a scripted call of a tool that has no implementation (no handler, fixture
  or failure) in a scenario that gives it none: the call can only fail.

Reachability and use are judged over every file of the run, so a library
file's agents count as used when an importing file routes to them.
"""

from __future__ import annotations

from collections.abc import Iterator

from agentspec.syntax import nodes
from agentspec.checker.approval_rules import check_decisions_against_run
from agentspec.checker.file_context import FileContext
from agentspec.diagnostics import Diagnostic, warning
from agentspec.loader import Program
from agentspec.symbols import BUILTIN_TOOLS, Scope
from agentspec.uses import FileUses, combined_uses, unreachable


def file_uses(spec: nodes.SpecFile) -> FileUses:
    uses = FileUses()
    for decl in spec.declarations:
        if decl.kind == "agent":
            uses.agents.update(r.name for r in decl.routes)
        elif decl.kind == "script":
            uses.bodies.setdefault(decl.name.name, []).append(_scripts_in(decl.steps))
        elif decl.kind == "scenario":
            uses.agents.update(i.name for i in (decl.via, decl.agent) if i is not None)
            if decl.run is not None:
                uses.runs += [decl.run.script.name] if decl.run.script else _scripts_in(decl.run.steps)
    return uses


def used_names(program: Program) -> tuple[set[str], set[str]]:
    """(agents that are routed to or scenario entry points, scripts a scenario runs) across the program.

    A script counts as run when a scenario runs it, directly or through other
    scripts; one that only calls itself, or is only called by unused scripts, does not.
    """
    return combined_uses(file_uses(spec) for spec in program.files.values())


def reachability_candidates(path: str, spec: nodes.SpecFile) -> list[tuple[str, Diagnostic]]:
    """Each agent (not a coordinator) and script ``spec`` declares, with the
    warning it gets if nothing uses it: (name, W101 or W104)."""
    found: list[tuple[str, Diagnostic]] = []
    for decl in spec.declarations:
        if decl.kind == "agent" and decl.role != "coordinator":
            found.append((decl.name.name, warning(
                "W101",
                f"{decl.role} `{decl.name.name}` is unreachable: no coordinator routes to it and no scenario starts at it",
                path,
                decl.name.span,
                f"add it to a coordinator's `routes`, or run it with `agent {decl.name.name}` in a scenario",
            )))
        elif decl.kind == "script":
            found.append((decl.name.name, warning(
                "W104",
                f"script `{decl.name.name}` is never run",
                path,
                decl.name.span,
                f"run it with `run {decl.name.name}` or `call AGENT {decl.name.name}`, or remove it",
            )))
    return found


def _scripts_in(steps: list) -> list[str]:
    found = []
    for step in steps:
        if step.kind == "call":
            if step.script is not None:
                found.append(step.script.name)
            found += _scripts_in(step.steps)
    return found


def check_usage(ctx: FileContext, used: tuple[set[str], set[str]] | None) -> None:
    """The usage warnings of one file; ``used`` (``used_names``) None: all but
    W101/W104, which the caller derives itself (the compile cache does)."""
    if used is not None:
        for diagnostic in unreachable(reachability_candidates(ctx.path, ctx.program.files[ctx.path]), *used):
            ctx.reporter.add(diagnostic)
    for decl in ctx.program.files[ctx.path].declarations:
        if decl.kind == "scenario":
            never_asked = _check_decisions(ctx, decl)
            check_decisions_against_run(ctx, decl, never_asked)
            _check_unimplemented(ctx, decl)


# ---- approvals that are never asked for ------------------------------------------------


def _floor(scope_files: list[nodes.SpecFile], subject: str) -> str:
    """The runtime-wide approval mode for ``subject`` ("plans" / "tools"), as the runtime resolves it."""
    for spec in scope_files:
        for decl in spec.of_kind("approval"):
            for rule in decl.rules:
                if rule.subject == subject and rule.mode != "default":
                    return rule.mode
    for spec in scope_files:
        for agent in spec.of_kind("agent"):
            if agent.role == "coordinator":
                for rule in agent.approval or []:
                    if rule.subject == subject and rule.mode != "default":
                        return rule.mode
    return "always" if subject == "plans" else "never"


def _agent_mode(agent: nodes.AgentDecl, subject: str) -> str:
    return next((r.mode for r in agent.approval or [] if r.subject == subject), "default")


def tool_is_gated(program: Program, scope: Scope, tool: nodes.ToolDecl) -> bool:
    """Could a call of ``tool`` ever need approval in this unit?"""
    if tool.approval is not None:
        return tool.approval.mode != "never"
    files = program.visible(scope.path)
    floor = _floor(files, "tools")
    for symbol in scope.agents.values():
        agent = symbol.decl
        if tool.name.name in {t.name for t in agent.tools}:
            mode = _agent_mode(agent, "tools")
            if (mode if mode != "default" else floor) == "always":
                return True
    return False


def plans_are_gated(program: Program, scope: Scope) -> bool:
    floor = _floor(program.visible(scope.path), "plans")
    for symbol in scope.agents.values():
        if symbol.decl.role == "executor":
            mode = _agent_mode(symbol.decl, "plans")
            if (mode if mode != "default" else floor) == "always":
                return True
    return False


def _check_decisions(ctx: FileContext, scenario: nodes.ScenarioDecl) -> set[int]:
    """W105 for each rule whose target never needs approval; the ids of those rules."""
    reported: set[int] = set()
    for approval in scenario.approvals:
        target = approval.target
        if target.kind == "tool" and target.tool.name in BUILTIN_TOOLS:
            reported.add(id(approval))
            ctx.warning(
                "W105",
                f"built-in tool `{target.tool.name}` never asks for approval, so this decision is never used",
                target.tool.span,
                'a plan\'s execution is approved with `on approval plan "ID": ...`',
            )
        elif target.kind == "tool":
            tool = ctx.lookup("tool", target.tool.name)
            if tool is None or tool_is_gated(ctx.program, ctx.scope, tool.decl):
                continue
            reported.add(id(approval))
            why = "has `approval never`" if tool.decl.approval is not None else "never needs approval"
            ctx.warning(
                "W105",
                f"`{target.tool.name}` {why}, so this decision is never used",
                target.tool.span,
                'give the tool `approval always` (or `approval when "module:predicate"`), or remove the decision',
            )
        elif not plans_are_gated(ctx.program, ctx.scope):
            reported.add(id(approval))
            ctx.warning(
                "W105",
                "plans never need approval here, so this decision is never used",
                target.span,
                "remove the decision, or set `approval { plans always }`",
            )
    return reported


# ---- tools a scenario runs without any implementation -------------------------------------


def _tool_steps(
    ctx: FileContext, steps: list, seen: set[tuple[str, str]]
) -> Iterator[tuple[FileContext, nodes.ToolStep]]:
    """Every scripted tool call a run makes, with the context of the file it is written in.

    Depth-first with its own stack: scripts calling scripts may nest deeper than
    Python's recursion limit.
    """
    pending = [(ctx, iter(steps))]
    while pending:
        here, remaining = pending[-1]
        step = next(remaining, None)
        if step is None:
            pending.pop()
        elif isinstance(step, nodes.ToolStep):
            yield here, step
        elif isinstance(step, nodes.SayStep):
            continue
        elif step.script is not None:
            script = here.lookup("script", step.script.name)
            if script is not None and (script.path, script.name) not in seen:
                seen.add((script.path, script.name))
                pending.append((here.at(script.path), iter(script.decl.steps)))
        else:
            pending.append((here, iter(step.steps)))


def _run_steps(ctx: FileContext, run: nodes.Run) -> Iterator[tuple[FileContext, nodes.ToolStep]]:
    if run.script is None:
        yield from _tool_steps(ctx, run.steps, set())
        return
    script = ctx.lookup("script", run.script.name)
    if script is not None:
        yield from _tool_steps(ctx.at(script.path), script.decl.steps, {(script.path, script.name)})


def _check_unimplemented(ctx: FileContext, scenario: nodes.ScenarioDecl) -> None:
    if scenario.run is None:
        return
    given = {g.tool.name for g in scenario.givens}
    warned: set[str] = set()
    for step_ctx, step in _run_steps(ctx, scenario.run):
        tool = step_ctx.lookup("tool", step.tool.name)
        if tool is None or step.tool.name in given or step.tool.name in warned:
            continue
        decl = tool.decl
        if decl.handler is None and not decl.has_returns and decl.fails is None:
            warned.add(step.tool.name)
            step_ctx.warning(
                "W106",
                f'`{step.tool.name}` has no implementation and scenario "{scenario.name}" gives it no fixture, '
                "so this call fails",
                step.tool.span,
                f"add `given {step.tool.name} returns {{ ... }}` to the scenario, or a `handler`, `returns` or "
                f"`fails` to the tool ({step_ctx.where(tool.path, tool.span)})",
            )
