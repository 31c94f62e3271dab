"""``agentspec check`` and ``agentspec compile``: the pipeline, and what the user sees.

compile = load → check → (only if there are no errors) generate → write.
Diagnostics are printed sorted, every one of them, followed by a summary line;
warnings alone never fail a command. Return values are the CLI's exit codes:
0 ok, 1 spec errors or stale outputs, 2 usage errors. Nothing here prints a
traceback: bad input is a diagnostic or a usage message, and a bug is left to
``cli.main``'s internal-error report.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from agentspec.checker import check
from agentspec.codegen import CodegenError, generate, is_dotted_name
from agentspec.diagnostics import Diagnostic, has_errors, render_all, sort_diagnostics, summary_line, to_json
from agentspec.loader import PathNotFound, Program, discover, load
from agentspec.writer import WriteRefused, apply, plan_writes

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line cannot be carried out as given (exit 2)."""


def _usage(message: str) -> int:
    print(f"agentspec: {message}", file=sys.stderr)
    return EXIT_USAGE


def load_and_check(paths: list[str]) -> tuple[Program, list[Diagnostic]]:
    """Parse ``paths`` (files or directories) and everything they import, then check them."""
    try:
        files = discover(paths)
    except PathNotFound as exc:
        raise UsageError(f"no such file or directory: {exc}") from None
    if not files:
        raise UsageError(f"no .agentspec files found in {', '.join(paths)}")
    program = load(files)
    diagnostics = list(program.diagnostics) + list(check(program))
    return program, sort_diagnostics(diagnostics)


def _report(program: Program, diagnostics: list[Diagnostic], output_format: str, stream) -> None:
    """Diagnostics as text (with source lines and carets) or JSON, then a summary line."""
    files = len(program.sources)
    summary = f"{summary_line(diagnostics)} in {files} file{'s' if files != 1 else ''}"
    if output_format == "json":
        print(to_json(diagnostics), file=sys.stdout)
        print(summary, file=sys.stderr)
        return
    if diagnostics:
        print(render_all(diagnostics, program.sources) + "\n", file=stream)
    print(summary, file=stream)


def check_command(paths: list[str], output_format: str = "text") -> int:
    """Report every problem in the specs; exit 1 if any is an error."""
    try:
        program, diagnostics = load_and_check(paths)
    except UsageError as exc:
        return _usage(str(exc))
    _report(program, diagnostics, output_format, sys.stdout)
    return EXIT_FAILED if has_errors(diagnostics) else EXIT_OK


def compile_command(
    paths: list[str],
    out: str,
    check_only: bool = False,
    harness: str = "agentspec_runtime",
    output_format: str = "text",
) -> int:
    """Compile specs into ``out``; with ``check_only``, only say whether ``out`` is up to date."""
    if os.path.exists(out) and not os.path.isdir(out):
        return _usage(f"output directory {out} is a file")
    if not is_dotted_name(harness):
        return _usage(f"--harness must be a module name such as agentspec_runtime, not {harness!r}")
    try:
        program, diagnostics = load_and_check(paths)
    except UsageError as exc:
        return _usage(str(exc))
    if diagnostics or output_format == "json":
        _report(program, diagnostics, output_format, sys.stderr)
    if has_errors(diagnostics):
        print("nothing was written: fix the errors above and compile again", file=sys.stderr)
        return EXIT_FAILED

    try:
        outputs = generate(program, harness=harness)
    except CodegenError as exc:
        print(f"agentspec: cannot generate code: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        plan = plan_writes(out, outputs)
    except WriteRefused as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return EXIT_FAILED

    if check_only:
        for target, _ in plan.changed:
            print(f"would write {target}")
        for target, spec in plan.stale:
            print(f"would remove {target} (its spec {spec} is gone)")
        if plan.up_to_date:
            print(f"{out} is up to date ({len(outputs)} files)")
            return EXIT_OK
        count = len(plan.changed) + len(plan.stale)
        print(f"{out} is stale: {count} file{'s' if count != 1 else ''} would change; run agentspec compile")
        return EXIT_FAILED

    apply(plan)
    for target, _ in plan.changed:
        print(f"wrote {target}")
    for target, spec in plan.stale:
        print(f"removed {target} (its spec {spec} is gone)")
    specs = len(program.roots)
    print(
        f"compiled {specs} spec{'s' if specs != 1 else ''} into {Path(out)}: "
        f"{len(plan.changed)} written, {len(plan.unchanged)} unchanged"
        + (f", {len(plan.stale)} removed" if plan.stale else "")
    )
    return EXIT_OK
