"""Rules several constructs share: a tool named in a scenario, a lower bound, a positive duration.

They are used by the scenario and suite rules (``scenario_rules``) and by the
expectation table (``agentspec.constructs.expectations``), so they live apart
from both.
"""

from __future__ import annotations

from agentspec.checker.file_context import FileContext
from agentspec.symbols import BUILTIN_TOOLS, Symbol
from agentspec.syntax import nodes

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


def tool_name(ctx: FileContext, ident: nodes.Ident) -> Symbol | None:
    """A tool named in a scenario: declared, or one of the built-ins the trace can show."""
    if ident.name in BUILTIN_TOOLS:
        return None
    tool = ctx.lookup("tool", ident.name)
    if tool is None:
        ctx.unknown("E101", "tool", ident, [*ctx.scope.tools, *BUILTIN_TOOLS])
    return tool


def positive_duration(ctx: FileContext, value: float | None, span: nodes.Span | None, what: str) -> None:
    """``span`` is where the value is written."""
    if value is not None and value <= 0 and span is not None:
        ctx.error("E210", f"{what} must be longer than 0", span, "e.g. `30s`")


def at_least(ctx: FileContext, value: int | None, minimum: int, span: nodes.Span | None, what: str) -> None:
    """``span`` is where the value is written."""
    if value is not None and value < minimum and span is not None:
        ctx.error("E210", f"{what} must be at least {minimum}, got {value}", span)
