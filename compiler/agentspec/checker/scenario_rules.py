"""Scenarios and the suite: entry agent, run, fixtures, approvals, expectations.

The entry agent is ``via X`` (a coordinator, queried through the runtime),
``agent X`` (any other agent, run directly), or — when neither is written —
the one coordinator in scope. The ``run`` block executes as that agent.
Every tool an expectation names must exist (or be built in); numbers that
cannot mean anything (a 0s timeout, a pass rate of 1.5) are errors.
"""

from __future__ import annotations

from agentspec.syntax import nodes
from agentspec.checker.calls import check_args, check_dispatched, signature
from agentspec.checker.file_context import FileContext, role_phrase
from agentspec.checker.scripts import check_script_call, check_steps
from agentspec.checker.declarations import check_import_path
from agentspec.checker.values import locate
from agentspec.symbols import BUILTIN_TOOLS, Symbol

#: Plan statuses of the runtime (agentspec_runtime.state.PLAN_STATUSES; a test keeps them equal).
PLAN_STATUSES: tuple[str, ...] = (
    "draft",
    "pending_approval",
    "approved",
    "executed",
    "rejected",
    "revision_requested",
    "failed",
)


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
    for given in scenario.givens:
        if given.tool.name in BUILTIN_TOOLS:
            ctx.error(
                "E317",
                f"`{given.tool.name}` is built in; `given` replaces only declared tools",
                given.tool.span,
            )
        else:
            _tool_name(ctx, given.tool)
    _check_givens_and_approvals(ctx, scenario)
    if scenario.run is not None:
        if scenario.run.script is not None:
            check_script_call(ctx, scenario.run.script, entry, ())
        else:
            check_steps(ctx, scenario.run.steps, entry, ())
    for expectation in scenario.expectations:
        check_expectation(ctx, expectation)


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
            )
        elif wanted == "agent" and symbol.decl.role == "coordinator":
            ctx.error(
                "E312",
                f"`{ident.name}` is a coordinator; start at it with `via {ident.name}`",
                ident.span,
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
    if scenario.mock_response is None and scenario.run is None and not scenario.expectations:
        ctx.warning(
            "W102",
            f'scenario "{scenario.name}" is empty',
            scenario.name_span,
            "give it a `run { ... }` (or `mock_response`) and an `expect { ... }`",
        )
    elif not scenario.expectations:
        ctx.warning(
            "W103",
            f'scenario "{scenario.name}" has no expectations',
            scenario.name_span,
            "add `expect { ... }`; without it the test passes whatever the agents do",
        )


def _positive_duration(ctx: FileContext, value: float | None, span: nodes.Span | None, keyword: str, what: str) -> None:
    if value is not None and value <= 0 and span is not None:
        ctx.error("E210", f"{what} must be longer than 0", ctx.after_keyword(span, keyword), "e.g. `30s`")


def _at_least(
    ctx: FileContext, value: int | None, minimum: int, span: nodes.Span | None, keyword: str, what: str
) -> None:
    if value is not None and value < minimum and span is not None:
        ctx.error("E210", f"{what} must be at least {minimum}, got {value}", ctx.after_keyword(span, keyword))


def _check_limits(ctx: FileContext, scenario: nodes.ScenarioDecl) -> None:
    s = scenario.settings
    _positive_duration(ctx, scenario.timeout_ms, s.get("timeout"), "timeout", "`timeout`")
    _at_least(ctx, scenario.max_steps, 1, s.get("max_steps"), "max_steps", "`max_steps`")
    _at_least(ctx, scenario.max_llm_calls, 1, s.get("max_llm_calls"), "max_llm_calls", "`max_llm_calls`")


def _tool_name(ctx: FileContext, ident: nodes.Ident) -> Symbol | None:
    """A tool named in a scenario: declared, or one of the built-ins the trace can show."""
    if ident.name in BUILTIN_TOOLS:
        return None
    tool = ctx.lookup("tool", ident.name)
    if tool is None:
        ctx.unknown("E101", "tool", ident, [*ctx.scope.tools, *BUILTIN_TOOLS])
    return tool


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
        tool = _tool_name(ctx, target.tool)
        if tool is not None and approval.decision.has_partial:
            partial = approval.decision.partial
            if isinstance(partial, dict):
                span = ctx.find(approval.decision.span, r"partial\s*(\{)") or approval.decision.span
                args = [
                    nodes.Arg(
                        name=nodes.Ident(name=k, span=locate(ctx.source, span, [k], key=True)),
                        value=v,
                        value_span=locate(ctx.source, span, [k]),
                        span=span,
                    )
                    for k, v in partial.items()
                ]
                check_args(ctx, target.tool, tool.decl.params, args, partial=True)
            else:
                ctx.error(
                    "E205",
                    f"`partial` of `{target.tool.name}` must be an object of its arguments",
                    ctx.find(approval.decision.span, r"partial\s+(\S+)") or approval.decision.span,
                    signature(target.tool.name, tool.decl.params),
                )


# ---- expectations --------------------------------------------------------------------------


def check_expectation(ctx: FileContext, exp) -> None:
    kind = exp.kind
    if kind == "tool_call":
        tool = _tool_name(ctx, exp.tool)
        for other in (exp.before, exp.after):
            if other is not None:
                _tool_name(ctx, other)
        if tool is not None and exp.has_args:
            check_args(ctx, exp.tool, tool.decl.params, exp.args, partial=True)
        _check_counts(ctx, exp)
    elif kind in ("no_tool_call", "on_tool_failure"):
        _tool_name(ctx, exp.tool)
    elif kind == "tool_order":
        for ident in exp.tools:
            _tool_name(ctx, ident)
    elif kind == "no_side_effects":
        for ident in [*exp.allowed, *(exp.mutating or [])]:
            _tool_name(ctx, ident)
    elif kind == "milestone":
        if exp.tool is not None:
            _tool_name(ctx, exp.tool)
        if exp.weight is not None and exp.weight <= 0:
            ctx.error(
                "E210",
                "a milestone's `weight` must be greater than 0",
                ctx.find(exp.span, r"\bweight\s+(\S+)") or exp.span,
            )
    elif kind == "policy":
        for ident in [*exp.forbidden_tools, *exp.required_tools]:
            _tool_name(ctx, ident)
    elif kind == "approval":
        if exp.target.tool is not None:
            _tool_name(ctx, exp.target.tool)
    elif kind == "plan_status":
        if exp.status.name not in PLAN_STATUSES:
            ctx.unknown(
                "E106",
                "plan status",
                exp.status,
                PLAN_STATUSES,
                f"statuses: {', '.join(PLAN_STATUSES)}",
            )
    elif kind == "max_duration":
        _positive_duration(ctx, exp.limit_ms, exp.span, "max_duration", "`max_duration`")
    elif kind in ("max_steps", "max_tokens"):
        _at_least(ctx, exp.limit, 0, exp.span, kind, f"`{kind}`")
    elif kind == "no_repetition":
        if not 0 <= exp.max_rate <= 1:
            span = ctx.find(exp.span, r"max_rate\s+(\S+)") or exp.span
            ctx.error("E210", f"`max_rate` is a fraction between 0 and 1, got {exp.max_rate:g}", span)
    elif kind == "state":
        if exp.within_steps is not None and exp.within_steps < 1:
            ctx.error(
                "E210",
                f"`within` must be at least 1, got {exp.within_steps}",
                ctx.find(exp.span, r"\bwithin\s+(\S+)") or exp.span,
            )
    elif kind == "judge":
        check_import_path(ctx, exp.judge, "judge")
    elif kind == "dispatched":
        plans = [s.decl for s in ctx.scope.plans.values()]
        check_dispatched(ctx, exp.actions, exp.span, plans)


def _check_counts(ctx: FileContext, exp: nodes.ExpectToolCall) -> None:
    for word, minimum in (("times", 0), ("min_times", 0), ("max_times", 0), ("order", 1)):
        value = getattr(exp, word)
        if value is not None and value < minimum:
            span = ctx.find(exp.span, rf"\b{word}\s+(\S+)") or exp.span
            ctx.error("E210", f"`{word}` must be at least {minimum}, got {value}", span)
    if exp.min_times is not None and exp.max_times is not None and exp.min_times > exp.max_times:
        span = ctx.find(exp.span, r"\bmax_times\s+(\S+)") or exp.span
        ctx.error("E210", f"`max_times` ({exp.max_times}) is less than `min_times` ({exp.min_times})", span)


# ---- suite --------------------------------------------------------------------------------


def check_suite(ctx: FileContext, suite: nodes.SuiteDecl) -> None:
    s = suite.settings
    _at_least(ctx, suite.runs, 1, s.get("runs"), "runs", "`runs`")
    if suite.min_pass_rate is not None and not 0 <= suite.min_pass_rate <= 1:
        ctx.error(
            "E210",
            f"`min_pass_rate` is a fraction between 0 and 1, got {suite.min_pass_rate:g}",
            ctx.after_keyword(s["min_pass_rate"], "min_pass_rate"),
            "e.g. `min_pass_rate 0.9` for 90%",
        )
    _positive_duration(ctx, suite.timeout_ms, s.get("timeout"), "timeout", "`timeout`")
    _positive_duration(
        ctx, suite.scenario_timeout_ms, s.get("scenario_timeout"), "scenario_timeout", "`scenario_timeout`"
    )
