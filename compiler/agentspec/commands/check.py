"""``agentspec check``: report every problem in the specs; write nothing."""

from __future__ import annotations

import sys

from agentspec.commands.common import EXIT_FAILED, EXIT_OK, UsageError, discover, usage
from agentspec.commands.reporting import make_report, print_report


def load_and_check(files: list[str]):
    """Parse ``files`` and everything they import, check them; (program, sorted diagnostics)."""
    from agentspec.checker import check
    from agentspec.diagnostics import sort_diagnostics
    from agentspec.loader import load

    program = load(files)
    return program, sort_diagnostics(list(program.diagnostics) + list(check(program)))


def check_command(paths: list[str], output_format: str = "text", pythonpath: list[str] = ()) -> int:
    """Report every problem in the specs, including import paths that do not
    resolve on the project's Python path (read, never imported); exit 1 if any is an error."""
    from agentspec.checker.user_code import check_user_code
    from agentspec.diagnostics import has_errors, sort_diagnostics

    try:
        files = discover(paths)
    except UsageError as exc:
        return usage(str(exc))
    program, diagnostics = load_and_check(files)
    diagnostics = sort_diagnostics(diagnostics + check_user_code(program, list(pythonpath)))
    print_report(make_report(program, diagnostics), output_format, sys.stdout)
    return EXIT_FAILED if has_errors(diagnostics) else EXIT_OK
