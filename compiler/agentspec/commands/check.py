"""``agentspec check``: report every problem in the specs; write nothing."""

from __future__ import annotations

import sys

from agentspec.commands.common import EXIT_FAILED, EXIT_OK, UsageError, discover, usage

#: What a spec read from stdin is called when ``--stdin-filename`` does not name it.
STDIN_NAME = "<stdin>"


def load_and_check(files: list[str], overrides: dict[str, str] | None = None):
    """Parse ``files`` and everything they import, check them; (program, sorted
    diagnostics), less the warnings that suppression comments silence."""
    from agentspec.checker import check
    from agentspec.diagnostics import sort_diagnostics
    from agentspec.loader import load
    from agentspec.suppressions import without_suppressed

    program = load(files, overrides)
    diagnostics = list(program.diagnostics) + list(check(program))
    return program, sort_diagnostics(without_suppressed(diagnostics, program))


def check_command(
    paths: list[str],
    output_format: str = "text",
    pythonpath: list[str] = (),
    strict: bool = False,
    stdin_filename: str | None = None,
) -> int:
    """Report every problem in the specs, including import paths that do not
    resolve on the project's Python path (read, never imported); exit 1 if any
    is an error (or, with ``strict``, a warning). ``paths == ["-"]`` checks the
    spec on stdin."""
    from agentspec.checker.user_code import check_user_code
    from agentspec.commands.reporting import make_report, print_report
    from agentspec.diagnostics import sort_diagnostics
    from agentspec.project import project_root
    from agentspec.suppressions import without_suppressed

    overrides = None
    if paths == ["-"]:
        files = [stdin_filename or STDIN_NAME]
        overrides = {files[0]: sys.stdin.read()}
    else:
        try:
            files = discover(paths)
        except UsageError as exc:
            return usage(str(exc))
    program, diagnostics = load_and_check(files, overrides)
    extra = without_suppressed(check_user_code(program, list(pythonpath)), program)
    diagnostics = sort_diagnostics(diagnostics + extra)
    report = make_report(program, diagnostics)
    print_report(report, output_format, sys.stdout, project_root(files[0]))
    return EXIT_FAILED if report.fails(strict) else EXIT_OK
