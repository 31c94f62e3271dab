"""``agentspec check`` and ``agentspec compile``: the pipeline, and what the user sees.

compile = load → check → (only if there are no errors) generate → write.
Diagnostics are printed sorted, every one of them, followed by a summary line;
warnings alone never fail a command. Return values are the CLI's exit codes:
0 ok, 1 spec errors or stale outputs, 2 usage errors. Nothing here prints a
traceback: bad input is a diagnostic or a usage message, and a bug is left to
``cli.main``'s internal-error report.

A compile whose inputs, compiler and outputs are all unchanged since the last
one is answered from ``agentspec.manifest`` without loading the parser,
checker or black; that is why the heavy imports below are inside functions.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from agentspec import manifest
from agentspec import paths as spec_paths
from agentspec.codegen import DEFAULT_HARNESS, is_dotted_name
from agentspec.manifest import Report

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line cannot be carried out as given (exit 2)."""


def _usage(message: str) -> int:
    print(f"agentspec: {message}", file=sys.stderr)
    return EXIT_USAGE


def discover(paths: list[str]) -> list[str]:
    """The spec files to work on; a usage error if there are none or a path does not exist."""
    try:
        files = spec_paths.discover(paths)
    except spec_paths.PathNotFound as exc:
        raise UsageError(f"no such file or directory: {exc}") from None
    if not files:
        raise UsageError(f"no .agentspec files found in {', '.join(paths)}")
    return files


def load_and_check(files: list[str]):
    """Parse ``files`` and everything they import, check them; (program, sorted diagnostics)."""
    from agentspec.checker import check
    from agentspec.diagnostics import sort_diagnostics
    from agentspec.loader import load

    program = load(files)
    return program, sort_diagnostics(list(program.diagnostics) + list(check(program)))


def make_report(program, diagnostics) -> Report:
    from agentspec.diagnostics import render_all, summary_line, to_json

    files = len(program.sources)
    return Report(
        text=render_all(diagnostics, program.sources) if diagnostics else "",
        json=to_json(diagnostics),
        summary=f"{summary_line(diagnostics)} in {files} file{'s' if files != 1 else ''}",
        has_diagnostics=bool(diagnostics),
    )


def print_report(report: Report, output_format: str, stream) -> None:
    """Diagnostics as text (source lines, carets) or JSON on stdout, then the summary line."""
    if output_format == "json":
        print(report.json, file=sys.stdout)
        print(report.summary, file=sys.stderr)
        return
    if report.text:
        print(report.text + "\n", file=stream)
    print(report.summary, file=stream)


def check_command(paths: list[str], output_format: str = "text") -> int:
    """Report every problem in the specs; exit 1 if any is an error."""
    from agentspec.diagnostics import has_errors

    try:
        files = discover(paths)
    except UsageError as exc:
        return _usage(str(exc))
    program, diagnostics = load_and_check(files)
    print_report(make_report(program, diagnostics), output_format, sys.stdout)
    return EXIT_FAILED if has_errors(diagnostics) else EXIT_OK


def compile_command(
    paths: list[str],
    out: str,
    check_only: bool = False,
    harness: str = DEFAULT_HARNESS,
    output_format: str = "text",
) -> int:
    """Compile specs into ``out``; with ``check_only``, only say whether ``out`` is up to date."""
    if os.path.exists(out) and not os.path.isdir(out):
        return _usage(f"output directory {out} is a file")
    if not is_dotted_name(harness):
        return _usage(f"--harness must be a module name such as agentspec_runtime, not {harness!r}")
    try:
        files = discover(paths)
    except UsageError as exc:
        return _usage(str(exc))

    # Taken before any compiler module loads: a record can only understate what ran.
    fingerprint = manifest.fingerprint(harness)
    record = manifest.unchanged(out, files, fingerprint)
    if record is not None:
        if record.report.has_diagnostics or output_format == "json":
            print_report(record.report, output_format, sys.stderr)
        _say_done(out, len(files), len(record.outputs), check_only)
        return EXIT_OK
    return _compile(paths, files, out, check_only, harness, output_format, fingerprint)


def _say_done(out: str, specs: int, unchanged: int, check_only: bool, written: int = 0, removed: int = 0) -> None:
    if check_only:
        print(f"{out} is up to date ({unchanged} files)")
        return
    print(
        f"compiled {specs} spec{'s' if specs != 1 else ''} into {Path(out)}: "
        f"{written} written, {unchanged} unchanged" + (f", {removed} removed" if removed else "")
    )


def _spec_exists(paths: list[str]) -> Callable[[str], bool]:
    """For the writer: whether a generated file's recorded spec still exists, as far
    as this compile can tell.

    A header records the spec path as it was given, relative to the directory the
    compile ran in. Run from elsewhere, that path resolves to nothing although the
    spec is still there; so a spec counts as gone (its outputs stale, and removed)
    only if it is missing from a directory named on this command line, such as
    ``compile specs`` after deleting ``specs/old.agentspec``.
    """
    searched = [os.path.abspath(p) for p in paths if os.path.isdir(p)]

    def exists(spec: str) -> bool:
        where = os.path.abspath(spec)
        return os.path.exists(spec) or not any(os.path.commonpath([where, d]) == d for d in searched)

    return exists


def _compile(
    paths: list[str], files: list[str], out: str, check_only: bool, harness: str, output_format: str, fingerprint: str
) -> int:
    from agentspec.codegen import CodegenError, generate
    from agentspec.diagnostics import has_errors
    from agentspec.writer import WriteRefused, apply, plan_writes

    program, diagnostics = load_and_check(files)
    report = make_report(program, diagnostics)
    if diagnostics or output_format == "json":
        print_report(report, output_format, sys.stderr)
    if has_errors(diagnostics):
        print("nothing was written: fix the errors above and compile again", file=sys.stderr)
        return EXIT_FAILED

    try:
        outputs = generate(program, harness=harness)
    except CodegenError as exc:
        print(f"agentspec: cannot generate code: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        plan = plan_writes(out, outputs, spec_exists=_spec_exists(paths))
    except WriteRefused as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return EXIT_FAILED

    record = manifest.Record(
        fingerprint=fingerprint,
        roots=list(program.roots),
        inputs={path: manifest.text_hash(text) for path, text in sorted(program.sources.items())},
        outputs={o.name: manifest.bytes_hash(o.content.encode("utf-8")) for o in outputs},
        report=report,
    )
    if check_only:
        for target, _ in plan.changed:
            print(f"would write {target}")
        for target, spec in plan.stale:
            print(f"would remove {target} (its spec {spec} is gone)")
        if plan.up_to_date:
            manifest.save(out, record)
            _say_done(out, len(files), len(outputs), check_only=True)
            return EXIT_OK
        count = len(plan.changed) + len(plan.stale)
        print(f"{out} is stale: {count} file{'s' if count != 1 else ''} would change; run agentspec compile")
        return EXIT_FAILED

    try:
        apply(plan)
    except OSError as exc:
        return _usage(f"cannot write into {out}: {exc.strerror or exc}")
    manifest.save(out, record)
    for target, _ in plan.changed:
        print(f"wrote {target}")
    for target, spec in plan.stale:
        print(f"removed {target} (its spec {spec} is gone)")
    _say_done(out, len(files), len(plan.unchanged), False, written=len(plan.changed), removed=len(plan.stale))
    return EXIT_OK
