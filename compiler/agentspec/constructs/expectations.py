"""The expectations of an ``expect { ... }`` block, one entry each.

Each ``Expectation`` entry is keyed by the ``kind`` of the syntax-tree node
the parser builds for it (``nodes.ExpectToolCall.kind == "tool_call"``) and
holds:

- ``spellings``: how it is written; lower-case words are keywords, UPPER-CASE
  words are placeholders explained in ``arguments`` (the highlighters' keyword
  lists are checked against these words);
- ``arguments``: each placeholder and its type;
- ``summary``: what it checks, in one or two sentences (hover and completion);
- ``example``: a line that docs/language.md's example of every expectation
  shows (a test parses it and checks it gives this kind);
- ``tools(node)``: the tool names it mentions; the checker resolves them and
  the language server jumps from them (``symbols.references_in``);
- ``check(ctx, node)``: any further checker rule (numbers that make sense,
  arguments that fit the tool);
- ``emit(builder, node)``: the generated Python, an agentgate ``Scenario``
  call or a harness fact appended to ``scenario.expectations``.

The checker (``checker.scenario_rules.check_expectation``), code generation
(``codegen.pytest_module``) and the language server (hover, completion)
dispatch through ``EXPECTATIONS``; none of them lists expectation kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from agentspec.checker.calls import check_args, check_dispatched
from agentspec.checker.declarations import check_import_path
from agentspec.checker.file_context import FileContext
from agentspec.checker.shared_rules import PLAN_STATUSES, at_least, positive_duration
from agentspec.codegen.pyexpr import Expr, call
from agentspec.constructs.construct import Construct
from agentspec.interpreter_mode import live_interpreter
from agentspec.symbols import BUILTIN_TOOLS
from agentspec.syntax import nodes

#: what a placeholder stands for, by type
TOOL = "a tool: declared, or built in (`call_agent`, `storePlan`, `executePlan`)"
TOOLS = "a list of tools, e.g. `[search_flights, book_flight]`"
COUNT = "a whole number"
TEXT = 'a string, e.g. `"NH7"`'


@dataclass(frozen=True)
class Expectation(Construct):
    emit: Callable[[Any, Any], Expr]
    tools: Callable[[Any], list[nodes.Ident]] = lambda exp: []
    check: Callable[[FileContext, Any], None] = lambda ctx, exp: None


def _names(idents: list[nodes.Ident] | None) -> list[str] | None:
    return [i.name for i in idents] if idents else None


def _fact(expr: Expr) -> Expr:
    """A harness fact (an ``agentspec_runtime.testing.expectations`` class) appended to the scenario."""
    return call("scenario.expectations.append", expr)


def _fields(*names: str) -> Callable[[Any], list[nodes.Ident]]:
    """The tool names held in the node's fields ``names`` (each an Ident, a list of them, or None)."""

    def tools(exp: Any) -> list[nodes.Ident]:
        found: list[nodes.Ident] = []
        for name in names:
            value = getattr(exp, name)
            found += value if isinstance(value, list) else [value] if value is not None else []
        return found

    return tools


def _approval_tool(exp: Any) -> list[nodes.Ident]:
    return [exp.target.tool] if exp.target is not None and exp.target.tool is not None else []


# ---- tool_call ------------------------------------------------------------------------------


def _check_tool_call(ctx: FileContext, exp: nodes.ExpectToolCall) -> None:
    # the name was resolved (and reported if unknown) through ``tools``; built-ins have no declared params
    tool = None if exp.tool.name in BUILTIN_TOOLS else ctx.lookup("tool", exp.tool.name)
    if tool is not None and exp.has_args:
        check_args(ctx, exp.tool, tool.decl.params, exp.args, partial=True)
    for word, minimum in (("times", 0), ("min_times", 0), ("max_times", 0), ("order", 1)):
        at_least(ctx, getattr(exp, word), minimum, exp.option_spans.get(word), f"`{word}`")
    if exp.min_times is not None and exp.max_times is not None and exp.min_times > exp.max_times:
        span = exp.option_spans["max_times"]
        ctx.error("E210", f"`max_times` ({exp.max_times}) is less than `min_times` ({exp.min_times})", span)


def _emit_tool_call(builder: Any, e: nodes.ExpectToolCall) -> Expr:
    args = {a.name.name: a.value for a in e.args} if e.has_args else None
    return call(
        "scenario.expect_tool_call",
        e.tool.name,
        with_args=args,
        before=e.before.name if e.before else None,
        after=e.after.name if e.after else None,
        order=e.order,
        times=e.times,
        min_times=e.min_times,
        max_times=e.max_times,
    )


# ---- the rest, in the order of docs/language.md -----------------------------------------------


def _check_state(ctx: FileContext, exp: nodes.ExpectState) -> None:
    at_least(ctx, exp.within_steps, 1, exp.within_span, "`within`")


def _check_max_duration(ctx: FileContext, exp: nodes.ExpectMaxDuration) -> None:
    positive_duration(ctx, exp.limit_ms, exp.limit_span, "`max_duration`")


def _check_limit(ctx: FileContext, exp: nodes.ExpectMaxSteps | nodes.ExpectMaxTokens) -> None:
    at_least(ctx, exp.limit, 0, exp.limit_span, f"`{exp.kind}`")


def _check_no_repetition(ctx: FileContext, exp: nodes.ExpectNoRepetition) -> None:
    if not 0 <= exp.max_rate <= 1:
        ctx.error("E210", f"`max_rate` is a fraction between 0 and 1, got {exp.max_rate:g}", exp.max_rate_span)


def _check_milestone(ctx: FileContext, exp: nodes.ExpectMilestone) -> None:
    if exp.weight is not None and exp.weight <= 0:
        ctx.error("E210", "a milestone's `weight` must be greater than 0", exp.weight_span)


def _emit_judge(builder: Any, e: nodes.ExpectJudge) -> Expr:
    judge = builder.imports.user(e.judge) if e.judge is not None else builder.model_judge
    return call("scenario.expect_llm_judge", e.criteria, judge_fn=judge)


def _check_judge(ctx: FileContext, e: nodes.ExpectJudge) -> None:
    check_import_path(ctx, e.judge, "judge")
    if e.judge is None and live_interpreter() is None:
        ctx.error(
            "E321",
            "`judge` without `using` needs a model to judge, and the scripted interpreter has none",
            ctx.keyword_span(e.span, "judge"),
            'add `using "package.module:function"` to judge with your own function, or select a live '
            "interpreter (AGENTSPEC_INTERPRETER=anthropic or openai) to have the provider's model judge; see docs/live.md",
        )


def _check_dispatched(ctx: FileContext, exp: nodes.ExpectDispatched) -> None:
    plans = [s.decl for s in ctx.scope.plans.values()]
    check_dispatched(ctx, exp, plans)


def _check_plan_status(ctx: FileContext, exp: nodes.ExpectPlanStatus) -> None:
    if exp.status.name not in PLAN_STATUSES:
        ctx.unknown("E106", "plan status", exp.status, PLAN_STATUSES, f"statuses: {', '.join(PLAN_STATUSES)}")


def _approval_target(target: nodes.ApprovalTarget) -> tuple[str, str]:
    """(target, kind) as the runtime's approval facts take them; ``"*"`` is any plan."""
    if target.kind == "tool":
        return target.tool.name, "tool"
    return (target.plan_id if target.plan_id is not None else "*"), "plan"


def _emit_approval(builder: Any, e: nodes.ExpectApproval) -> Expr:
    target, kind = _approval_target(e.target)
    if e.outcome == "requested":
        return _fact(call("ExpectApprovalRequested", target, kind=kind, times=e.times))
    return _fact(call("ExpectApprovalDecision", target, list(e.sequence) or e.outcome, kind=kind))


def _check_approval(ctx: FileContext, e: nodes.ExpectApproval) -> None:
    at_least(ctx, e.times, 1, e.times_span, "`times`")


def _emit_error(builder: Any, e: nodes.ExpectError) -> Expr:
    return _fact(
        call("ExpectError", contains=e.contains, code=e.code.name if e.code else None, tool=e.tool.name if e.tool else None)
    )


def _emit_no_approval(builder: Any, e: nodes.ExpectNoApproval) -> Expr:
    if e.target is None:
        return _fact(call("ExpectNoApproval"))
    target, kind = _approval_target(e.target)
    return _fact(call("ExpectNoApproval", target, kind=kind))


_ENTRIES = (
    Expectation(
        kind="tool_call",
        spellings=("tool_call TOOL(ARG: VALUE, ...) before TOOL after TOOL times N min_times N max_times N order N",),
        arguments={
            "TOOL": TOOL,
            "ARG: VALUE": "arguments the call must have (at least these), checked against the tool's parameters",
            "N": f"{COUNT}: exact, minimum and maximum number of calls; `order` is the call's 1-based position",
        },
        summary="The run called the tool (with at least these arguments, in this order or count); "
        "every part after the tool name is optional.",
        example='tool_call search_flights(origin: "SFO") before book_flight',
        tools=_fields("tool", "before", "after"),
        check=_check_tool_call,
        emit=_emit_tool_call,
    ),
    Expectation(
        kind="no_tool_call",
        spellings=("no_tool_call TOOL",),
        arguments={"TOOL": TOOL},
        summary="The run never called the tool.",
        example="no_tool_call cancel_booking",
        tools=_fields("tool"),
        emit=lambda b, e: call("scenario.expect_no_tool_call", e.tool.name),
    ),
    Expectation(
        kind="tool_order",
        spellings=("tool_order [TOOL, ...]",),
        arguments={"TOOL": TOOL},
        summary="The tools were called in this order (a subsequence: other calls may come between).",
        example="tool_order [search_flights, book_flight]",
        tools=_fields("tools"),
        emit=lambda b, e: call("scenario.expect_tool_order", [t.name for t in e.tools]),
    ),
    Expectation(
        kind="state",
        spellings=("state KEY == VALUE within N",),
        arguments={
            "KEY": 'a state key, a name or a string (`"plan:p1"`, `dispatched`)',
            "VALUE": "the value it must have (optional)",
            "N": f"{COUNT}, at least 1: within this many steps (optional)",
        },
        summary="A state change set KEY (to VALUE). The harness records plan statuses as `plan:<id>` "
        "and dispatched actions as `dispatched`.",
        example='state "plan:p1" == "executed" within 10',
        check=_check_state,
        emit=lambda b, e: call(
            "scenario.expect_state", e.key, value=e.value if e.has_value else None, within_steps=e.within_steps
        ),
    ),
    Expectation(
        kind="no_error",
        spellings=("no_error",),
        arguments={},
        summary="The run had no error: no failed tool call (even one the agent recovered from), "
        "no error event, no unanswered approval.",
        example="no_error",
        emit=lambda b, e: call("scenario.expect_no_error"),
    ),
    Expectation(
        kind="error",
        spellings=('error contains "TEXT" code CODE tool TOOL',),
        arguments={
            "TEXT": "text the error's message contains (case-sensitive)",
            "CODE": "the error's code: an error event's (`invalid_script`, `unanswered_approval`, …) "
            "or a failed tool result's `code`",
            "TOOL": f"{TOOL}: a failed call of this tool",
        },
        summary="The run had an error (one `no_error` counts) matching every filter given; "
        "each filter is optional, so a bare `error` means some error occurred.",
        example='error contains "unavailable" tool fetch_rates',
        tools=_fields("tool"),
        emit=_emit_error,
    ),
    Expectation(
        kind="output",
        spellings=('output contains "TEXT"', 'output not_contains "TEXT"', "output matches /REGEX/"),
        arguments={"TEXT": TEXT, "REGEX": "a Python regular expression, searched (not anchored); flags `imsx`"},
        summary="The final output contains, does not contain, or matches the text.",
        example='output contains "NH7"',
        emit=lambda b, e: call("scenario.expect_output", **{e.test: e.text}),
    ),
    Expectation(
        kind="max_steps",
        spellings=("max_steps N",),
        arguments={"N": COUNT},
        summary="The run took at most N steps.",
        example="max_steps 20",
        check=_check_limit,
        emit=lambda b, e: call("scenario.expect_max_steps", e.limit),
    ),
    Expectation(
        kind="max_duration",
        spellings=("max_duration DURATION",),
        arguments={"DURATION": "a duration such as `5s` or `500ms`, longer than 0"},
        summary="The run took at most this long.",
        example="max_duration 5s",
        check=_check_max_duration,
        emit=lambda b, e: call("scenario.expect_max_duration", e.limit_ms),
    ),
    Expectation(
        kind="max_tokens",
        spellings=("max_tokens N",),
        arguments={"N": COUNT},
        summary="The run used at most N tokens.",
        example="max_tokens 2000",
        check=_check_limit,
        emit=lambda b, e: call("scenario.expect_max_tokens", e.limit),
    ),
    Expectation(
        kind="no_side_effects",
        spellings=("no_side_effects allowed [TOOL, ...] mutating [TOOL, ...]",),
        arguments={"TOOL": TOOL},
        summary="Only the allowed tools were called; of those, the mutating ones (optional list) are the "
        "ones with side effects.",
        example="no_side_effects allowed [search_flights, book_flight] mutating [book_flight, cancel_booking]",
        tools=_fields("allowed", "mutating"),
        emit=lambda b, e: call(
            "scenario.expect_no_side_effects", _names(e.allowed) or [], mutating_tools=_names(e.mutating)
        ),
    ),
    Expectation(
        kind="no_repetition",
        spellings=("no_repetition max_rate RATE",),
        arguments={"RATE": "a fraction between 0 and 1 (optional, default 0)"},
        summary="At most this share of tool calls repeat an earlier call with the same arguments.",
        example="no_repetition max_rate 0.1",
        check=_check_no_repetition,
        emit=lambda b, e: call("scenario.expect_no_repetition", max_rate=e.max_rate),
    ),
    Expectation(
        kind="milestone",
        spellings=(
            'milestone "NAME" tool TOOL weight W',
            'milestone "NAME" state KEY weight W',
            'milestone "NAME" output_contains "TEXT" weight W',
        ),
        arguments={"NAME": TEXT, "TOOL": TOOL, "KEY": "a state key", "TEXT": TEXT, "W": "a number above 0 (optional)"},
        summary="A named, weighted step towards the goal: a tool was called, a state key set, or the "
        "output contains the text.",
        example='milestone "searched" tool search_flights weight 0.4',
        tools=_fields("tool"),
        check=_check_milestone,
        emit=lambda b, e: call(
            "scenario.expect_milestone",
            e.name,
            tool=e.tool.name if e.tool else None,
            state_key=e.state_key,
            output_contains=e.output_contains,
            weight=e.weight,
        ),
    ),
    Expectation(
        kind="judge",
        spellings=('judge "CRITERIA" using "MODULE:FUNCTION"',),
        arguments={
            "CRITERIA": "what the judge is asked, a string",
            "MODULE:FUNCTION": "the judge function (optional); it gets `(criteria, trace_text)` and returns "
            "a bool or `(passed, reasoning)`; without it, live runs only, the provider's model judges "
            "(docs/live.md) and a scripted run is error E321",
        },
        summary="A judge function (or, in a live run, the provider's model) accepts the run against the criteria.",
        example='judge "confirms the booking politely" using "travel_app.judges:confirms_booking"',
        check=_check_judge,
        emit=_emit_judge,
    ),
    Expectation(
        kind="policy",
        spellings=('policy "NAME" forbidden_tools [TOOL, ...] forbidden_outputs ["TEXT", ...] required_tools [TOOL, ...]',),
        arguments={"NAME": TEXT, "TOOL": TOOL, "TEXT": TEXT},
        summary="A named policy: these tools are never called, these texts never output, these tools always "
        "called (each clause optional, repeatable).",
        example='policy "never cancel" forbidden_tools [cancel_booking] forbidden_outputs ["refund"] '
        "required_tools [search_flights]",
        tools=_fields("forbidden_tools", "required_tools"),
        emit=lambda b, e: call(
            "scenario.expect_policy",
            e.name,
            forbidden_tools=_names(e.forbidden_tools),
            forbidden_outputs=e.forbidden_outputs or None,
            required_tools=_names(e.required_tools),
        ),
    ),
    Expectation(
        kind="on_tool_failure",
        spellings=("on_tool_failure TOOL expect BEHAVIOUR",),
        arguments={
            "TOOL": TOOL,
            "BEHAVIOUR": '`retry` (the next steps call the tool again), or a string a later step\'s name must '
            'contain (`"human_handoff"`)',
        },
        summary="After the tool's first failure, the next steps retry it, or contain a step whose name "
        "includes the text.",
        example="on_tool_failure search_flights expect retry",
        tools=_fields("tool"),
        emit=lambda b, e: call("scenario.on_tool_failure", e.tool.name, expect=e.expect),
    ),
    Expectation(
        kind="dispatched",
        spellings=("dispatched [ACTION, ...]", "dispatched none"),
        arguments={"ACTION": '`{ kind: "ACTION", payload: { ... } }`, checked against the plans\' actions'},
        summary="Exactly these actions reached the dispatcher, in order (`references` compared only if given).",
        example='dispatched [{ kind: "reorder", payload: { product_id: "SKU-1", quantity: 5 } }]',
        check=_check_dispatched,
        emit=lambda b, e: _fact(call("ExpectDispatched", e.actions)),
    ),
    Expectation(
        kind="plan_status",
        spellings=('plan "ID" status STATUS',),
        arguments={"ID": "a plan id, a string", "STATUS": ", ".join(f"`{s}`" for s in PLAN_STATUSES)},
        summary="The last status the plan reached in the run.",
        example='plan "p1" status executed',
        check=_check_plan_status,
        emit=lambda b, e: _fact(call("ExpectPlanStatus", e.plan_id, e.status.name)),
    ),
    Expectation(
        kind="approval",
        spellings=(
            "approval TOOL approved",
            'approval plan "ID" rejected',
            "approval plan revised",
            'approval plan "ID" revised then approved',
            'approval plan "ID" requested times N',
        ),
        arguments={
            "TOOL": TOOL,
            "ID": "a plan id (optional: any plan)",
            "N": f"{COUNT}, at least 1: exactly this many requests (optional: at least one)",
        },
        summary="An approval for the tool or plan was decided this way (`approved`, `rejected` or `revised`; "
        "`revised then approved`: its decisions were exactly these, in this order), "
        "or was asked for (`requested`, whatever the answer; `times N`: exactly N times).",
        example="approval book_flight approved",
        tools=_approval_tool,
        check=_check_approval,
        emit=_emit_approval,
    ),
    Expectation(
        kind="no_approval",
        spellings=("no_approval", "no_approval for TOOL", 'no_approval for plan "ID"'),
        arguments={"TOOL": TOOL, "ID": "a plan id (optional: any plan)"},
        summary="No approval was requested in the run: none at all, none for the tool, or none for a plan.",
        example="no_approval for cancel_booking",
        tools=_approval_tool,
        emit=_emit_no_approval,
    ),
)

#: every expectation, by the ``kind`` of its syntax-tree node
EXPECTATIONS: dict[str, Expectation] = {entry.kind: entry for entry in _ENTRIES}
