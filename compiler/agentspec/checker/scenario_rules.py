"""Scenarios and the suite: entry agent, run, fixtures, approvals, expectations.

A scenario may replace, for itself, a tool's implementation (``given``), a
service's factory, the dispatcher, and the suite's ``runs`` and
``min_pass_rate``. The entry agent is ``via X`` (a coordinator, queried through the runtime),
``agent X`` (any other agent, run directly), or — when neither is written —
the one coordinator in scope. The ``run`` block executes as that agent.
Every tool an expectation names must exist (or be built in); numbers that
cannot mean anything (a 0s timeout, a pass rate of 1.5) are errors.
"""

from __future__ import annotations

from agentspec.syntax import nodes
from agentspec.checker.calls import check_args, signature
from agentspec.checker.declarations import check_import_path
from agentspec.checker.file_context import FileContext, role_phrase
from agentspec.diagnostics import Fix, replace_fix
from agentspec.checker.scores import check_score
from agentspec.checker.scripts import check_script_call, check_steps
from agentspec.checker.shared_rules import at_least, positive_duration, tool_name
from agentspec.checker.values import locate
from agentspec.symbols import BUILTIN_TOOLS, Symbol

# The table imports this package's rules, and this module dispatches through
# the table: import the module (not its names) so either may be loaded first.
from agentspec.constructs import expectations as expectation_table

def entry_agent(ctx: FileContext, scenario: nodes.ScenarioDecl) -> Symbol | None:
    """The agent a scenario starts at (None when it cannot be told; reported by ``check_scenario``)."""
    ident = scenario.via or scenario.agent
    if ident is not None:
        return ctx.lookup("agent", ident.name)
    coordinators = [s for s in ctx.scope.agents.values() if s.decl.role == "coordinator"]
    return coordinators[0] if len(coordinators) == 1 else None


def check_scenario(ctx: FileContext, scenario: nodes.ScenarioDecl) -> None:
    entry = _check_entry(ctx, scenario)
    _check_shape(ctx, scenario)
    _check_limits(ctx, scenario)
    _check_overrides(ctx, scenario)
    for given in scenario.givens:
        check_import_path(ctx, given.handler, "handler")
        if given.tool.name in BUILTIN_TOOLS:
            ctx.error(
                "E317",
                f"`{given.tool.name}` is built in; `given` replaces only declared tools",
                given.tool.span,
            )
        else:
            tool_name(ctx, given.tool)
    _check_givens_and_approvals(ctx, scenario)
    if scenario.run is not None:
        if scenario.run.script is not None:
            check_script_call(ctx, scenario.run.script, entry, ())
        else:
            check_steps(ctx, scenario.run.steps, entry, ())
    for expectation in scenario.expectations:
        check_expectation(ctx, expectation)
    if scenario.score is not None:
        check_score(ctx, scenario.score)


def _check_entry(ctx: FileContext, scenario: nodes.ScenarioDecl) -> Symbol | None:
    if scenario.via is not None and scenario.agent is not None:
        later = max(("via", scenario.settings["via"]), ("agent", scenario.settings["agent"]), key=lambda x: x[1].start)
        ctx.error(
            "E313",
            "a scenario starts either `via` a coordinator or at an `agent`, not both",
            ctx.keyword_span(later[1], later[0]),
            "`via COORDINATOR` queries the runtime; `agent NAME` runs one agent directly",
        )
    for ident, wanted in ((scenario.via, "via"), (scenario.agent, "agent")):
        if ident is None:
            continue
        symbol = ctx.lookup("agent", ident.name)
        if symbol is None:
            ctx.unknown("E102", "agent", ident, ctx.scope.agents)
        elif wanted == "via" and symbol.decl.role != "coordinator":
            ctx.error(
                "E312",
                f"`via` needs a coordinator; `{ident.name}` is {role_phrase(symbol.decl)}",
                ident.span,
                f"write `agent {ident.name}` to run it directly",
                [_swap_keyword(ctx, scenario, "via", "agent")],
            )
        elif wanted == "agent" and symbol.decl.role == "coordinator":
            ctx.error(
                "E312",
                f"`{ident.name}` is a coordinator; start at it with `via {ident.name}`",
                ident.span,
                fixes=[_swap_keyword(ctx, scenario, "agent", "via")],
            )
    if scenario.via is None and scenario.agent is None:
        coordinators = sorted(s.name for s in ctx.scope.agents.values() if s.decl.role == "coordinator")
        if len(coordinators) != 1:
            why = "there is no coordinator" if not coordinators else f"there are {len(coordinators)} coordinators"
            ctx.error(
                "E311",
                f'scenario "{scenario.name}" does not say where it starts, and {why}',
                scenario.name_span,
                "add `via COORDINATOR` or `agent NAME`",
            )
    return entry_agent(ctx, scenario)


def _check_shape(ctx: FileContext, scenario: nodes.ScenarioDecl) -> None:
    if scenario.mock_response is not None and scenario.run is not None:
        later = max(
            ("mock_response", scenario.settings["mock_response"]),
            ("run", scenario.settings["run"]),
            key=lambda x: x[1].start,
        )
        ctx.error(
            "E314",
            "a scenario has either `mock_response` or `run`, not both",
            ctx.keyword_span(later[1], later[0]),
            "`mock_response` answers with fixed text and runs no script",
        )
    checked = scenario.expectations or scenario.score is not None  # a score asserts its threshold
    if scenario.mock_response is None and scenario.run is None and not checked:
        ctx.warning(
            "W102",
            f'scenario "{scenario.name}" is empty',
            scenario.name_span,
            "give it a `run { ... }` (or `mock_response`) and an `expect { ... }`",
        )
    elif not checked:
        ctx.warning(
            "W103",
            f'scenario "{scenario.name}" has no expectations',
            scenario.name_span,
            "add `expect { ... }`; without it the test passes whatever the agents do",
        )


def _check_limits(ctx: FileContext, scenario: nodes.ScenarioDecl) -> None:
    at = scenario.value_spans
    positive_duration(ctx, scenario.timeout_ms, at.get("timeout"), "`timeout`")
    at_least(ctx, scenario.max_steps, 1, at.get("max_steps"), "`max_steps`")
    at_least(ctx, scenario.max_llm_calls, 1, at.get("max_llm_calls"), "`max_llm_calls`")
    _check_runs(ctx, scenario.runs, scenario.min_pass_rate, at)


def _check_runs(ctx: FileContext, runs: int | None, min_pass_rate: float | None, at: dict[str, nodes.Span]) -> None:
    """``runs`` and ``min_pass_rate``, of the suite or of one scenario."""
    at_least(ctx, runs, 1, at.get("runs"), "`runs`")
    if min_pass_rate is not None and not 0 <= min_pass_rate <= 1:
        ctx.error(
            "E210",
            f"`min_pass_rate` is a fraction between 0 and 1, got {min_pass_rate:g}",
            at["min_pass_rate"],
            "e.g. `min_pass_rate 0.9` for 90%",
        )


def _check_overrides(ctx: FileContext, scenario: nodes.ScenarioDecl) -> None:
    """A scenario's own dispatcher and service factories: well-formed import paths, and each
    service one the unit declares (the scenario replaces its factory; handlers know it by name)."""
    check_import_path(ctx, scenario.dispatcher, "dispatcher")
    seen: dict[str, nodes.ServiceDecl] = {}
    for service in scenario.services:
        check_import_path(ctx, service.factory, "service factory")
        first = seen.setdefault(service.name.name, service)
        if first is not service:
            ctx.error(
                "E320",
                f"service `{service.name.name}` is given twice in this scenario",
                service.name.span,
                f"the first is on line {first.span.line}; keep one",
            )
        elif ctx.lookup("service", service.name.name) is None:
            ctx.unknown(
                "E111",
                "service",
                service.name,
                ctx.scope.of_kind("service"),
                f"a scenario replaces a declared service; declare it first: `service {service.name.name} \"module:factory\"`",
            )


def _check_givens_and_approvals(ctx: FileContext, scenario: nodes.ScenarioDecl) -> None:
    givens: dict[str, nodes.Given] = {}
    for given in scenario.givens:
        first = givens.setdefault(given.tool.name, given)
        if first is not given:
            ctx.error(
                "E320",
                f"`{given.tool.name}` is given a fixture twice in this scenario",
                given.tool.span,
                f"the first is on line {first.span.line}; keep one",
            )
    decisions: dict[tuple[str, str | None], nodes.OnApproval] = {}
    for approval in scenario.approvals:
        target = approval.target
        key = (target.kind, target.tool.name if target.tool else target.plan_id)
        first = decisions.setdefault(key, approval)
        if first is not approval:
            what = (
                f"`{key[1]}`" if target.kind == "tool" else (f'plan "{key[1]}"' if key[1] is not None else "any plan")
            )
            ctx.error(
                "E320",
                f"the approval of {what} is decided twice in this scenario",
                target.span,
                f"the first is on line {first.span.line}; keep one",
            )
        if target.kind != "tool":
            continue
        tool = tool_name(ctx, target.tool)
        if tool is None:
            continue
        for decision in approval.decisions:
            if not decision.has_partial:
                continue
            partial, parts = decision.partial, decision.partial_parts
            if isinstance(partial, dict):
                args = [
                    nodes.Arg(
                        name=nodes.Ident(name=k, span=locate(parts, [k], key=True)),
                        value=v,
                        value_span=locate(parts, [k]),
                        value_parts=parts.entries[k].value,
                        span=parts.span,
                    )
                    for k, v in partial.items()
                ]
                check_args(ctx, target.tool, tool.decl.params, args, partial=True)
            else:
                ctx.error(
                    "E205",
                    f"`partial` of `{target.tool.name}` must be an object of its arguments",
                    parts.span,
                    signature(target.tool.name, tool.decl.params),
                )


# ---- expectations --------------------------------------------------------------------------


def check_expectation(ctx: FileContext, exp) -> None:
    """The tools an expectation names resolve; then the rule its entry in the construct table names."""
    entry = expectation_table.EXPECTATIONS[exp.kind]
    for ident in entry.tools(exp):
        tool_name(ctx, ident)
    entry.check(ctx, exp)


# ---- suite --------------------------------------------------------------------------------


def check_suite(ctx: FileContext, suite: nodes.SuiteDecl) -> None:
    at = suite.value_spans
    _check_runs(ctx, suite.runs, suite.min_pass_rate, at)
    positive_duration(ctx, suite.timeout_ms, at.get("timeout"), "`timeout`")
    positive_duration(ctx, suite.scenario_timeout_ms, at.get("scenario_timeout"), "`scenario_timeout`")


def _swap_keyword(ctx: FileContext, scenario: nodes.ScenarioDecl, written: str, wanted: str) -> Fix:
    """The fix that writes ``wanted`` (``agent``) for the scenario's ``written`` (``via``) keyword."""
    span = ctx.keyword_span(scenario.settings[written], written)
    return replace_fix(f"Write `{wanted}` instead of `{written}`", ctx.path, span, wanted)
