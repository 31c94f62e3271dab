"""The checker: every semantic rule of the language, run before any code is generated.

``check(program)`` looks at every file that parsed, each in its own scope (the
file and its transitive imports), and returns all diagnostics together. It
never raises for a bad spec; the CLI adds the loader's diagnostics and sorts.

The rules are grouped by what they look at, one module each:
``declarations`` (one declaration at a time), ``scripts`` (steps, as the agent
that runs them), ``scenario_rules`` (entry agent, fixtures, approvals, suite; each expectation by its rule in ``agentspec.constructs.expectations``), ``shared_rules`` (what several share),
``unit`` (duplicates and one-per-unit things), ``usage`` (warnings).
Every code is listed in ``codes.CODES`` and documented in docs/diagnostics.md.
"""

from __future__ import annotations

from agentspec.checker.codes import CODES
from agentspec.checker.file_context import FileContext, Reporter
from agentspec.checker.declarations import (
    check_agent,
    check_dispatcher,
    check_provider,
    check_plan,
    check_reference,
    check_service,
    check_tool,
)
from agentspec.checker.scenario_rules import check_scenario, check_suite, entry_agent
from agentspec.checker.shared_rules import PLAN_STATUSES
from agentspec.checker.scripts import check_script_decl
from agentspec.checker.unit import check_unit
from agentspec.checker.usage import check_usage, used_names
from agentspec.diagnostics import Diagnostic
from agentspec.loader import Program
from agentspec.symbols import scope_for

__all__ = ["CODES", "PLAN_STATUSES", "check", "check_files", "entry_agent"]

_DECLARATION_CHECKS = {
    "tool": check_tool,
    "plan": check_plan,
    "reference": check_reference,
    "service": check_service,
    "provider": check_provider,
    "dispatcher": check_dispatcher,
    "agent": check_agent,
    "script": check_script_decl,
    "scenario": check_scenario,
    "suite": check_suite,
}


def check(program: Program) -> list[Diagnostic]:
    """Semantic diagnostics for every parsed file of ``program`` (unsorted; loader diagnostics not included)."""
    merged = Reporter()
    for found in check_files(program, used_names(program)).values():
        for diagnostic in found:
            merged.add(diagnostic)
    return merged.diagnostics


def check_files(
    program: Program, used: tuple[set[str], set[str]] | None, paths: set[str] | None = None
) -> dict[str, list[Diagnostic]]:
    """The diagnostics found while checking each file (or each of ``paths``), by file, in path order.

    A file's list depends only on its own text and what it imports (some land
    in an imported file, e.g. a script checked as the importer's agent runs it),
    with one exception: whether its agents and scripts are used at all (W101,
    W104) is judged across the program, from ``used`` (``usage.used_names``);
    ``used`` None leaves those two out. The compile cache relies on this split.
    """
    scopes = {path: scope_for(program, path) for path in sorted(program.files)}
    found: dict[str, list[Diagnostic]] = {}
    for path in sorted(program.files if paths is None else paths):
        reporter = Reporter()
        ctx = FileContext(program, path, scopes[path], reporter, scopes)
        for decl in program.files[path].declarations:
            rule = _DECLARATION_CHECKS.get(decl.kind)
            if rule is not None:
                rule(ctx, decl)
        check_unit(ctx)
        check_usage(ctx, used)
        found[path] = reporter.diagnostics
    return found
