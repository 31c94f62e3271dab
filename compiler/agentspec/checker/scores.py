"""A scenario's ``score`` block: names that resolve, modes that exist, numbers that mean something.

Checked here: trajectory and ignored tools exist (E101); the trajectory mode,
action bucket, payload match and aggregation are known words (E109, with a
did-you-mean); every option belongs to the line it is on (E322); thresholds
are in [0, 1], weights above 0, ``runs`` and ``pass_at`` at least 1 and
``pass_at`` at most ``runs`` (E210); and the block scores something (E323).
Regexes were compiled by the parser (E004).
"""

from __future__ import annotations

from agentspec.checker.file_context import FileContext
from agentspec.checker.shared_rules import tool_name
from agentspec.syntax import nodes

#: The words a score block accepts (the runtime's values; a test keeps them equal).
TRAJECTORY_MODES = ("strict", "unordered", "subset", "superset", "subsequence")
ACTION_BUCKETS = ("planned", "executed")
PAYLOAD_MATCHES = ("exact", "subset")
AGGREGATIONS = ("mean_score", "pass_rate")

#: Which options each kind of line takes.
_OPTIONS = {
    "trajectory": ("ignore", "sub_agents", "weight"),
    "actions": ("weight",),
    "response": ("weight", "required", "ignore_case"),
}


def check_score(ctx: FileContext, score: nodes.ScoreBlock) -> None:
    if score.trajectory is not None:
        _check_trajectory(ctx, score.trajectory)
    for actions in score.actions:
        _known(ctx, actions.bucket, ACTION_BUCKETS, "action bucket", "`actions executed [...]` or `actions planned [...]`")
        if actions.match is not None:
            _known(ctx, actions.match, PAYLOAD_MATCHES, "payload match", "`exact` (the default) or `subset`")
        _options(ctx, actions.options, "actions")
        if not actions.actions:
            ctx.error("E323", "an `actions` line needs at least one expected action", actions.span, "e.g. `actions executed [book_flight { id: \"NH7\" }]`")
    matches = [line.match for line in score.actions if line.match is not None]
    if len({m.name for m in matches}) > 1:
        ctx.error(
            "E324",
            f"`actions` lines compare payloads both `{matches[0].name}` and `{matches[-1].name}`",
            matches[-1].span,
            "a case has one payload match for all its expected actions; use the same word on every line",
        )
    for response in score.responses:
        _options(ctx, response.options, "response")
        if response.options.ignore_case and response.method != "contains":
            ctx.error("E322", "`ignore_case` applies only to `response contains`", response.options.settings["ignore_case"])
        if response.method == "contains" and not response.text:
            ctx.error("E210", "`response contains` needs non-empty text", response.span)
    if score.aggregate is not None:
        _known(ctx, score.aggregate, AGGREGATIONS, "aggregation", "`mean_score` (the default) or `pass_rate`")
    for key in ("threshold", "response_threshold"):
        value = getattr(score, key)
        if value is not None and not 0 <= value <= 1:
            ctx.error("E210", f"`{key}` must be between 0 and 1, got {value}", score.value_spans[key], "a score is in [0, 1]")
    if score.response_weight is not None and score.response_weight <= 0:
        ctx.error("E210", f"`response_weight` must be above 0, got {score.response_weight}", score.value_spans["response_weight"])
    for key in ("runs", "pass_at"):
        value = getattr(score, key)
        if value is not None and value < 1:
            ctx.error("E210", f"`{key}` must be at least 1, got {value}", score.value_spans[key])
    if score.pass_at is not None and score.pass_at > (score.runs or 1):
        ctx.error(
            "E210",
            f"`pass_at {score.pass_at}` needs at least {score.pass_at} runs, the score has {score.runs or 1}",
            score.settings["pass_at"],
            f"add `runs {score.pass_at}`",
        )
    if score.trajectory is None and not score.actions and not score.responses:
        ctx.error("E323", "this score block scores nothing", score.span, "add a `trajectory`, `actions` or `response` line")
    if score.response_threshold is not None and not score.responses:
        ctx.error("E323", "`response_threshold` without a `response` line", score.settings["response_threshold"])
    if score.response_weight is not None and not score.responses:
        ctx.error("E323", "`response_weight` without a `response` line", score.settings["response_weight"])


def _check_trajectory(ctx: FileContext, trajectory: nodes.ScoreTrajectory) -> None:
    _known(ctx, trajectory.mode, TRAJECTORY_MODES, "trajectory mode", ", ".join(f"`{m}`" for m in TRAJECTORY_MODES))
    for ident in [*trajectory.tools, *trajectory.options.ignore]:
        tool_name(ctx, ident)
    _options(ctx, trajectory.options, "trajectory")


def _known(ctx: FileContext, ident: nodes.Ident, allowed: tuple[str, ...], what: str, hint: str) -> None:
    if ident.name not in allowed:
        ctx.unknown("E109", what, ident, allowed, f"one of {hint}")


def _options(ctx: FileContext, options: nodes.ScoreOptions, line: str) -> None:
    allowed = _OPTIONS[line]
    for key, span in options.settings.items():
        if key not in allowed:
            shown = ", ".join(f"`{o}`" for o in allowed)
            ctx.error("E322", f"`{key}` does not apply to a `{line}` line", span, f"a `{line}` line takes {shown}")
    if options.weight is not None and options.weight <= 0:
        ctx.error("E210", f"a weight must be above 0, got {options.weight}", options.settings["weight"], "weights are relative: `weight 2` counts twice `weight 1`")
