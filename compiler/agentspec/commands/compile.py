"""``agentspec compile``: the pipeline, and what the user sees.

compile = load → check → (only if there are no errors) generate → write.
Nothing is written when any spec has errors. A compile whose inputs, compiler
and outputs are all unchanged since the last one is answered from the compile
record (``agentspec.cache``) without loading the parser, checker or templates;
that is why the heavy imports below are inside functions.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from agentspec import cache
from agentspec.codegen import DEFAULT_HARNESS, is_dotted_name
from agentspec.commands.common import EXIT_FAILED, EXIT_OK, UsageError, discover, usage
from agentspec.commands.reporting import Report, make_report, print_report
from agentspec.project import project_root


def compile_command(
    paths: list[str],
    out: str,
    check_only: bool = False,
    harness: str = DEFAULT_HARNESS,
    output_format: str = "text",
    strict: bool = False,
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
    shown = Shown(output_format, check_only, out, len(files), project_root(files[0]))

    # Taken before any compiler module loads: a record can only understate what ran.
    fingerprint = cache.fingerprint(harness)
    record = cache.unchanged(out, files, fingerprint)
    if record is not None and not _has_stale_outputs(out, record, paths, shown.root):
        report = Report(**record.report)
        if report.fails(strict):  # only with --strict: a record is only kept of a compile without errors
            return shown.refused(report, "nothing was written: --strict, and there are warnings")
        return shown.done(report, unchanged=sorted(Path(out) / name for name in record.outputs))
    return _compile(paths, files, out, check_only, harness, shown, fingerprint, strict)


class Shown:
    """What a compile tells the user, in the format asked for.

    text: diagnostics on stderr, then one line per file written or removed and a
    summary on stdout. json: one JSON document on stdout (the diagnostics and the
    files written, unchanged and removed, or with --check those that would be).
    sarif: the SARIF log on stdout, the rest on stderr. github: annotations and
    the rest on stdout.
    """

    def __init__(self, output_format: str, check_only: bool, out: str, specs: int, root: Path) -> None:
        self.format, self.check_only, self.out, self.specs, self.root = output_format, check_only, out, specs, root
        # where the lines for people go: stdout, unless it carries a machine document
        self.stream = sys.stderr if output_format == "sarif" else sys.stdout

    def _diagnostics(self, report: Report) -> None:
        if self.format == "text":
            if report.has_diagnostics:
                print_report(report, "text", sys.stderr, self.root)
        elif self.format in ("sarif", "github"):
            print_report(report, self.format, sys.stdout, self.root)

    def _json(self, report: Report, ok: bool, **files) -> None:
        document = {
            "ok": ok,
            "check": self.check_only,
            "out": str(Path(self.out)),
            "summary": report.summary,
            "diagnostics": report.items,
        }
        for key, paths in files.items():
            document[key] = [str(p) for p in paths]
        print(json.dumps(document, indent=2, ensure_ascii=False))

    def refused(self, report: Report, why: str) -> int:
        """The specs have errors (or warnings, with --strict): nothing was written."""
        if self.format == "json":
            self._json(report, False, written=[], unchanged=[], removed=[])
        else:
            self._diagnostics(report)
        print(why, file=sys.stderr)
        return EXIT_FAILED

    def problem(self, report: Report, lines: list[str]) -> int:
        """Code could not be generated or written: nothing was written."""
        if self.format == "json":
            self._json(report, False, written=[], unchanged=[], removed=[])
        else:
            self._diagnostics(report)
        for line in lines:
            print(line, file=sys.stderr)
        return EXIT_FAILED

    def done(self, report: Report, written=(), unchanged=(), removed=()) -> int:
        """Written (or, with --check, would be written), and whether that means stale."""
        stale = self.check_only and bool(written or removed)
        if self.format == "json":
            if self.check_only:
                self._json(report, not stale, would_write=written, unchanged=unchanged, would_remove=[p for p, _ in removed])
            else:
                self._json(report, True, written=written, unchanged=unchanged, removed=[p for p, _ in removed])
            return EXIT_FAILED if stale else EXIT_OK
        self._diagnostics(report)
        verb = ("would write", "would remove") if self.check_only else ("wrote", "removed")
        for target in written:
            print(f"{verb[0]} {target}", file=self.stream)
        for target, spec in removed:
            print(f"{verb[1]} {target} (its spec {spec} is gone)", file=self.stream)
        if stale:
            count = len(written) + len(removed)
            print(f"{self.out} is stale: {count} file{'s' if count != 1 else ''} would change; run agentspec compile", file=self.stream)
            return EXIT_FAILED
        if self.check_only:
            print(f"{self.out} is up to date ({len(unchanged)} files)", file=self.stream)
        else:
            print(
                f"compiled {self.specs} spec{'s' if self.specs != 1 else ''} into {Path(self.out)}: "
                f"{len(written)} written, {len(unchanged)} unchanged" + (f", {len(removed)} removed" if removed else ""),
                file=self.stream,
            )
        return EXIT_OK


def _has_stale_outputs(out: str, record: cache.CompileRecord, paths: list[str], root: Path) -> bool:
    """Whether OUTDIR holds a generated file whose spec is gone (the full path reports it)."""
    from agentspec.writer import stale_outputs

    return bool(stale_outputs(Path(out), set(record.outputs), _spec_exists(paths, root)))


def _spec_exists(paths: list[str], root: Path) -> Callable[[str], bool]:
    """For the writer: whether a generated file's recorded spec still exists, as far
    as this compile can tell.

    A header records the spec path relative to the project root (before that was
    so, as given to the compile, relative to where it ran: such a path is tried
    against the working directory too). A spec counts as gone (its outputs stale,
    and removed) only if it is missing from a directory named on this command
    line, such as ``compile specs`` after deleting ``specs/old.agentspec``.
    """
    searched = [os.path.abspath(p) for p in paths if os.path.isdir(p)]

    def exists(spec: str) -> bool:
        candidates = [os.path.join(root, spec), os.path.abspath(spec)]
        if any(os.path.exists(c) for c in candidates):
            return True
        where = os.path.normpath(candidates[0])
        return not any(os.path.commonpath([where, d]) == d for d in searched)

    return exists


def _compile(
    paths: list[str], files: list[str], out: str, check_only: bool, harness: str, shown: Shown, fingerprint: str,
    strict: bool,
) -> int:
    from agentspec.codegen import CodegenError
    from agentspec.units import compile_units, to_record
    from agentspec.writer import WriteRefused, apply, plan_writes

    try:
        compiled = compile_units(files, out, harness, fingerprint if cache.directory() else "", root=shown.root)
    except CodegenError as exc:
        return shown.problem(Report(), [f"agentspec: cannot generate code: {exc}"])
    report = make_report(compiled, compiled.diagnostics)
    if compiled.outputs is None or report.fails(strict):
        return shown.refused(
            report,
            "nothing was written: fix the errors above and compile again"
            if compiled.outputs is None
            else "nothing was written: --strict, and there are warnings",
        )
    outputs = compiled.outputs
    try:
        plan = plan_writes(out, outputs, spec_exists=_spec_exists(paths, shown.root))
    except WriteRefused as exc:
        return shown.problem(report, [f"error: {problem}" for problem in exc.problems] + ["nothing was written"])

    record = cache.CompileRecord(
        fingerprint=fingerprint,
        roots=list(files),
        inputs={path: cache.text_hash(text) for path, text in sorted(compiled.sources.items())},
        outputs={o.name: cache.bytes_hash(o.content.encode("utf-8")) for o in outputs},
        report=asdict(report),
    )
    written = [target for target, _ in plan.changed]
    if check_only:
        if plan.up_to_date:
            _save(out, record, to_record(compiled, fingerprint, files))
        return shown.done(report, written=written, unchanged=plan.unchanged, removed=plan.stale)

    try:
        apply(plan)
    except OSError as exc:
        return usage(f"cannot write into {out}: {exc.strerror or exc}")
    _save(out, record, to_record(compiled, fingerprint, files))
    return shown.done(report, written=written, unchanged=plan.unchanged, removed=plan.stale)


def _save(out: str, record: cache.CompileRecord, units: cache.UnitRecord | None) -> None:
    cache.save_record(out, record)
    if units is not None:
        cache.save_units(out, units)
