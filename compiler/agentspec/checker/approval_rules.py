"""A scenario's approval decisions against the script that asks for them (warnings).

With a ``run``, the scripted interpreter makes exactly the calls written, so
how often each target *can* ask for approval is known: at most once per call of
the tool, and once per ``executePlan(planId: "ID")`` for a plan. (At most: a
tool whose approval predicate says no, or a plan that is not a draft, asks
nothing.) Each ``on approval`` rule is judged against those counts:

- W107: the rule answers a target the script never asks about (a typo'd plan
  id, a tool the script does not call), so none of its decisions is taken;
- W108: the rule has more decisions than the script can ask for, so the ones
  after that count are never reached (`revise then approve` with one
  ``executePlan``: the plan is never executed);
- W109: ``on approval plan`` (any plan) answers nothing because every plan the
  script executes has its own rule, which takes precedence whatever the order.

A scenario without ``run`` (a live model, ``mock_response``) is not judged:
what it asks is not known before it runs. Targets that never need approval are
W105's business (``usage.py``), so they are skipped here.
"""

from __future__ import annotations

from collections import Counter

from agentspec.checker.file_context import FileContext
from agentspec.syntax import nodes
from agentspec.syntax.strings import literal

#: past this many scripted calls (scripts calling scripts, many times over) nothing is judged
MAX_COUNTED_CALLS = 10_000


def approval_requests(ctx: FileContext, run: nodes.Run) -> Counter[tuple[str, str]] | None:
    """How many calls of each tool (``("tool", name)``) and ``executePlan`` of each plan id
    (``("plan", id)``) the run makes, counting a script as often as it is called;
    ``None`` if that cannot be told (an unknown script, or too many calls)."""
    counts: Counter[tuple[str, str]] = Counter()
    if run.script is not None:
        start = ctx.lookup("script", run.script.name)
        if start is None:
            return None
        pending = [(ctx.at(start.path), iter(start.decl.steps), (start.name,))]
    else:
        pending = [(ctx, iter(run.steps), ())]
    total = 0
    while pending:
        here, remaining, calling = pending[-1]
        step = next(remaining, None)
        if step is None:
            pending.pop()
        elif isinstance(step, nodes.ToolStep):
            total += 1
            if total > MAX_COUNTED_CALLS:
                return None
            if step.tool.name == "executePlan":
                plan_id = next((a.value for a in step.args if a.name.name == "planId"), None)
                if isinstance(plan_id, str):
                    counts[("plan", plan_id)] += 1
            else:
                counts[("tool", step.tool.name)] += 1
        elif isinstance(step, nodes.SayStep):
            continue
        elif step.script is not None:
            script = here.lookup("script", step.script.name)
            if script is None or script.name in calling:
                return None  # reported as an error elsewhere (E102, E318)
            pending.append((here.at(script.path), iter(script.decl.steps), (*calling, script.name)))
        else:
            pending.append((here, iter(step.steps), calling))
    return counts


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def check_decisions_against_run(ctx: FileContext, scenario: nodes.ScenarioDecl, skip: set[int]) -> None:
    """W107, W108 and W109 for ``scenario``'s rules; ``skip`` holds the ids of rules W105 already reported."""
    if scenario.run is None or not scenario.approvals:
        return
    counts = approval_requests(ctx, scenario.run)
    if counts is None:
        return
    own_plans = {r.target.plan_id for r in scenario.approvals if r.target.kind == "plan" and r.target.plan_id}
    for rule in scenario.approvals:
        if id(rule) in skip:
            continue
        target = rule.target
        if target.kind == "tool":
            if ctx.lookup("tool", target.tool.name) is None:
                continue  # an unknown tool is an error of its own
            asked, what = counts[("tool", target.tool.name)], f"`{target.tool.name}`"
            ask_more = f"call `{target.tool.name}`"
        elif target.plan_id is not None:
            asked, what = counts[("plan", target.plan_id)], f'plan "{target.plan_id}"'
            ask_more = f"call `executePlan(planId: {literal(target.plan_id)})`"
        else:
            executed = sorted(plan for (kind, plan) in counts if kind == "plan")
            others = [plan for plan in executed if plan not in own_plans]
            if executed and not others:
                first = next(r for r in scenario.approvals if r.target.plan_id in executed)
                listed = ", ".join(f'"{plan}"' for plan in executed)
                ctx.warning(
                    "W109",
                    "`on approval plan` never answers anything: every plan the script executes "
                    f"({listed}) has its own rule, which takes precedence",
                    target.span,
                    f"the rule for plan \"{first.target.plan_id}\" is on line {first.span.line}; remove one of "
                    "the two, or merge their decisions into one rule",
                )
                continue
            asked = max((counts[("plan", plan)] for plan in others), default=0)
            what, ask_more = "any plan", "call `executePlan`"
        if asked == 0:
            ctx.warning(
                "W107",
                f"the script never asks for approval of {what}, so this rule is never used",
                target.span,
                f"{ask_more} in the scenario's `run`, or remove the rule (is the "
                f"{'tool' if target.kind == 'tool' else 'plan id'} spelled as in the script?)",
            )
        elif len(rule.decisions) > asked:
            unreached = rule.decisions[asked]
            ctx.warning(
                "W108",
                f"the script asks for approval of {what} at most {_times(asked)}, so this "
                f"{_ordinal(asked + 1)} decision is never taken",
                unreached.span,
                f"remove the decisions after the {_ordinal(asked)}, or {ask_more} again in the script"
                + (" (after a `revise`, the planner stores the plan again first)" if target.kind == "plan" else ""),
            )
