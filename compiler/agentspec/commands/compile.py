"""``agentspec compile``: the pipeline, and what the user sees.

compile = load → check → (only if there are no errors) generate → write.
Nothing is written when any spec has errors. A compile whose inputs, compiler
and outputs are all unchanged since the last one is answered from the compile
record (``agentspec.cache``) without loading the parser, checker or templates;
that is why the heavy imports below are inside functions.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from agentspec import cache
from agentspec.codegen import DEFAULT_HARNESS, is_dotted_name
from agentspec.commands.common import EXIT_FAILED, EXIT_OK, UsageError, discover, usage
from agentspec.commands.reporting import Report, make_report, print_report


def compile_command(
    paths: list[str],
    out: str,
    check_only: bool = False,
    harness: str = DEFAULT_HARNESS,
    output_format: str = "text",
) -> int:
    """Compile specs into ``out``; with ``check_only``, only say whether ``out`` is up to date."""
    if os.path.exists(out) and not os.path.isdir(out):
        return usage(f"output directory {out} is a file")
    if not is_dotted_name(harness):
        return usage(f"--harness must be a module name such as agentspec_runtime, not {harness!r}")
    try:
        files = discover(paths)
    except UsageError as exc:
        return usage(str(exc))

    # Taken before any compiler module loads: a record can only understate what ran.
    fingerprint = cache.fingerprint(harness)
    record = cache.unchanged(out, files, fingerprint)
    if record is not None and not _has_stale_outputs(out, record, paths):
        report = Report(**record.report)
        if report.has_diagnostics or output_format == "json":
            print_report(report, output_format, sys.stderr)
        _say_done(out, len(files), len(record.outputs), check_only)
        return EXIT_OK
    return _compile(paths, files, out, check_only, harness, output_format, fingerprint)


def _has_stale_outputs(out: str, record: cache.CompileRecord, paths: list[str]) -> bool:
    """Whether OUTDIR holds a generated file whose spec is gone (the full path reports it)."""
    from agentspec.writer import stale_outputs

    return bool(stale_outputs(Path(out), set(record.outputs), _spec_exists(paths)))


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
    from agentspec.codegen import CodegenError
    from agentspec.units import compile_units, to_record
    from agentspec.writer import WriteRefused, apply, plan_writes

    try:
        compiled = compile_units(files, out, harness, fingerprint if cache.directory() else "")
    except CodegenError as exc:
        print(f"agentspec: cannot generate code: {exc}", file=sys.stderr)
        return EXIT_FAILED
    diagnostics = compiled.diagnostics
    report = make_report(compiled, diagnostics)
    if diagnostics or output_format == "json":
        print_report(report, output_format, sys.stderr)
    if compiled.outputs is None:
        print("nothing was written: fix the errors above and compile again", file=sys.stderr)
        return EXIT_FAILED
    outputs = compiled.outputs
    try:
        plan = plan_writes(out, outputs, spec_exists=_spec_exists(paths))
    except WriteRefused as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return EXIT_FAILED

    record = cache.CompileRecord(
        fingerprint=fingerprint,
        roots=list(files),
        inputs={path: cache.text_hash(text) for path, text in sorted(compiled.sources.items())},
        outputs={o.name: cache.bytes_hash(o.content.encode("utf-8")) for o in outputs},
        report=asdict(report),
    )
    if check_only:
        for target, _ in plan.changed:
            print(f"would write {target}")
        for target, spec in plan.stale:
            print(f"would remove {target} (its spec {spec} is gone)")
        if plan.up_to_date:
            _save(out, record, to_record(compiled, fingerprint, files))
            _say_done(out, len(files), len(outputs), check_only=True)
            return EXIT_OK
        count = len(plan.changed) + len(plan.stale)
        print(f"{out} is stale: {count} file{'s' if count != 1 else ''} would change; run agentspec compile")
        return EXIT_FAILED

    try:
        apply(plan)
    except OSError as exc:
        return usage(f"cannot write into {out}: {exc.strerror or exc}")
    _save(out, record, to_record(compiled, fingerprint, files))
    for target, _ in plan.changed:
        print(f"wrote {target}")
    for target, spec in plan.stale:
        print(f"removed {target} (its spec {spec} is gone)")
    _say_done(out, len(files), len(plan.unchanged), False, written=len(plan.changed), removed=len(plan.stale))
    return EXIT_OK


def _save(out: str, record: cache.CompileRecord, units: cache.UnitRecord | None) -> None:
    cache.save_record(out, record)
    if units is not None:
        cache.save_units(out, units)
