"""The compile pipeline (load → check → generate), redone only where specs changed.

A spec file's part in a compile — its diagnostics and, for a root, its output
files — depends on its own text and the text of everything it imports, with
one exception: whether its agents and scripts are used at all (W101, W104) is
judged across the program (``checker.usage``). So after a compile, the unit
record (``cache.UnitRecord``) keeps per file: the hash of its text, its
imports, what checking it found, its W101/W104 candidates and the names it
uses, and the hashes of its outputs.

The next compile of the same roots re-hashes every file, and a root is
*dirty* when its text or the text of anything it imports (as recorded)
changed. Only dirty roots are parsed (with what they import), checked and
generated; every other file's entry is reused, W101/W104 are judged again over
all files, and clean outputs are taken from OUTDIR, whose bytes must still
have the recorded hash. Whenever that cannot be trusted — no usable record,
a missing or changed output, loader errors (a cycle, a missing import), two
roots that could write the same output file — the whole program is compiled,
as it is when caching is off. A compile from the record and a cold compile
give the same diagnostics and byte-identical outputs (tests/test_compile_units.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agentspec import cache
from agentspec.checker import check_files
from agentspec.checker.file_context import Reporter
from agentspec.checker.usage import file_uses, reachability_candidates
from agentspec import codegen
from agentspec.codegen import DEFAULT_HARNESS, GeneratedFile, reserved_stems
from agentspec.codegen.names import module_names
from agentspec.diagnostics import Diagnostic, has_errors, sort_diagnostics
from agentspec.loader import Program, load
from agentspec.suppressions import silencer
from agentspec.source_files import read_source
from agentspec.syntax.parser import ParseResult, parse
from agentspec.uses import FileUses, combined_uses, unreachable


@dataclass
class Unit:
    """One file's part in a compile (see the module docstring)."""

    hash: str
    imports: list[str]
    checked: list[Diagnostic]
    candidates: list[tuple[str, Diagnostic]]
    uses: FileUses
    outputs: dict[str, str]  # file name in OUTDIR -> sha256 (roots only)


@dataclass
class Compiled:
    """What a compile found: ``outputs`` is None when there are errors."""

    sources: dict[str, str]  # every file read, for the report
    diagnostics: list[Diagnostic]  # sorted
    outputs: list[GeneratedFile] | None
    units: dict[str, Unit] | None  # None: nothing worth recording (loader diagnostics)
    reused: int = 0  # roots whose entry was reused


def compile_units(
    files: list[str], out: str, harness: str = DEFAULT_HARNESS, fingerprint: str = "", root: Path | None = None
) -> Compiled:
    """Compile ``files`` (discovered roots, sorted) for OUTDIR ``out``; raises ``CodegenError``."""
    record = cache.load_units(out, fingerprint, files) if fingerprint else None
    if record is not None:
        compiled = _from_record(files, out, harness, record, root)
        if compiled is not None:
            return compiled
    return _cold(files, harness, root)


def to_record(compiled: Compiled, fingerprint: str, roots: list[str]) -> cache.UnitRecord | None:
    if compiled.units is None:
        return None
    return cache.UnitRecord(
        fingerprint=fingerprint,
        roots=list(roots),
        files={
            path: {
                "hash": unit.hash,
                "imports": unit.imports,
                "checked": [d.to_data() for d in unit.checked],
                "candidates": [[name, d.to_data()] for name, d in unit.candidates],
                "uses": {
                    "agents": sorted(unit.uses.agents),
                    "bodies": unit.uses.bodies,
                    "runs": unit.uses.runs,
                },
                "outputs": unit.outputs,
            }
            for path, unit in sorted(compiled.units.items())
        },
    )


# -- a cold compile ---------------------------------------------------------------------


def _cold(files: list[str], harness: str, root: Path | None = None) -> Compiled:
    """Every root compiled (one at a time, see :func:`_roots_one_by_one`)."""
    if not _outputs_may_clash(files, harness):
        fresh = _roots_one_by_one(files, files, harness, root)
        if fresh is not None:
            units, outputs, sources = fresh
            diagnostics = _diagnostics([], units)
            if has_errors(diagnostics):
                return Compiled(sources, diagnostics, None, None)
            return Compiled(sources, diagnostics, outputs, units)
    return _whole(files, harness, root)


def _whole(files: list[str], harness: str, root: Path | None = None) -> Compiled:
    """The whole program in memory at once: what ``agentspec check`` does. Used when
    the loader reports problems (a cycle is reported once for the program) or two
    roots could write one output file (the generator reports that for the program)."""
    program = load(files)
    units = _units_of(program, set(program.files))
    diagnostics = _diagnostics(program.diagnostics, units)
    if has_errors(diagnostics):
        return Compiled(program.sources, diagnostics, None, None)
    outputs = codegen.generate(program, harness=harness, root=root)
    _attach_outputs(units, outputs)
    return Compiled(program.sources, diagnostics, outputs, None if program.diagnostics else units)


def _roots_one_by_one(
    roots: list[str], all_roots: list[str], harness: str, root: Path | None = None
) -> tuple[dict[str, Unit], list[GeneratedFile] | None, dict[str, str]] | None:
    """(units, outputs, sources) of ``roots``, each loaded, checked and generated on
    its own (module names chosen among ``all_roots``), so that memory holds one
    root's syntax tree at a time, plus the files roots import, parsed once; None
    when the loader reports a problem (the caller compiles the whole program).
    Outputs are None when a file has errors: nothing is generated after the first."""
    parsed: dict[str, ParseResult] = {}
    imported: set[str] = set()

    def parse_once(text: str, path: str) -> ParseResult:
        if path not in parsed:
            parsed[path] = parse(text, path)
        return parsed[path]

    units: dict[str, Unit] = {}
    outputs: list[GeneratedFile] | None = []
    sources: dict[str, str] = {}
    for spec in roots:
        program = load([spec], parse_file=parse_once)
        if program.diagnostics:
            return None
        fresh = _units_of(program, set(program.files) - set(units))
        units.update(fresh)
        sources.update(program.sources)
        if outputs is not None and any(d.is_error for unit in fresh.values() for d in unit.checked):
            outputs = None
        if outputs is not None:
            program.roots = list(all_roots)
            outputs += codegen.generate(program, harness=harness, only={spec}, root=root)
        for targets in program.imports.values():
            imported.update(targets)
        for path in [p for p in parsed if p not in imported]:
            del parsed[path]  # a root nothing imports: its tree is not needed again
    if outputs is not None:
        outputs.sort(key=lambda o: o.name)
        _attach_outputs(units, outputs)
    return units, outputs, sources


def _units_of(program: Program, paths: set[str]) -> dict[str, Unit]:
    """A fresh unit for each of ``paths`` (files of ``program`` that parsed), less
    the warnings its suppression comments silence (they depend on its text only)."""
    checked = check_files(program, None, paths)
    silenced = {path: silencer(program.files[path], program.sources[path]) for path in paths}
    return {
        path: Unit(
            hash=cache.text_hash(program.sources[path]),
            imports=list(program.imports.get(path, [])),
            checked=[d for d in checked[path] if not silenced[path](d)],
            candidates=[
                (name, d) for name, d in reachability_candidates(path, program.files[path]) if not silenced[path](d)
            ],
            uses=file_uses(program.files[path]),
            outputs={},
        )
        for path in sorted(paths)
    }


def _attach_outputs(units: dict[str, Unit], outputs: list[GeneratedFile]) -> None:
    for output in outputs:
        units[output.spec_path].outputs[output.name] = cache.text_hash(output.content)


def _diagnostics(loader: list[Diagnostic], units: dict[str, Unit]) -> list[Diagnostic]:
    """What ``load_and_check`` reports, from the units: each file's findings
    (deduplicated in path order, as the checker's one reporter does) and the
    W101/W104 warnings judged over every file."""
    merged = Reporter()
    for path in sorted(units):
        for diagnostic in units[path].checked:
            merged.add(diagnostic)
    used = combined_uses(unit.uses for unit in units.values())
    for path in sorted(units):
        for diagnostic in unreachable(units[path].candidates, *used):
            merged.add(diagnostic)
    return sort_diagnostics(list(loader) + merged.diagnostics)


# -- a compile from the unit record -------------------------------------------------------


def _from_record(
    files: list[str], out: str, harness: str, record: cache.UnitRecord, root: Path | None = None
) -> Compiled | None:
    """The compile, redoing only dirty roots; None when the record cannot be trusted."""
    if _outputs_may_clash(files, harness):
        return None
    units = _recorded_units(record)
    if units is None:
        return None
    sources: dict[str, str] = {}
    changed: set[str] = set()
    for path in sorted(set(units) | set(files)):
        text, problem = read_source(path)
        if problem is not None or text is None:
            return None
        sources[path] = text
        if path not in units or cache.text_hash(text) != units[path].hash:
            changed.add(path)
    dirty = [root for root in files if _reaches(root, units, changed)]

    done = _roots_one_by_one(dirty, files, harness, root)
    if done is None:
        return None
    fresh, fresh_outputs, fresh_sources = done
    regenerated = set(dirty)
    for path, unit in fresh.items():
        # a clean root that a dirty one imports was loaded again, but its outputs were
        # not generated: they are the recorded ones, taken from OUTDIR below
        if path in files and path not in regenerated:
            unit.outputs = dict(units[path].outputs)
    reachable = _closure(files, units, fresh)
    merged = {path: fresh.get(path) or units[path] for path in reachable}
    sources = {path: fresh_sources.get(path, sources.get(path, "")) for path in reachable}
    diagnostics = _diagnostics([], merged)
    if has_errors(diagnostics) or fresh_outputs is None:
        return Compiled(sources, diagnostics, None, None)
    outputs = list(fresh_outputs)
    for root in files:
        if root in regenerated:
            continue
        for name, digest in units[root].outputs.items():
            kept = _kept_output(out, name, digest, root)
            if kept is None:
                return None
            outputs.append(kept)
    outputs.sort(key=lambda o: o.name)
    return Compiled(sources, diagnostics, outputs, merged, reused=sum(1 for r in files if r not in regenerated))


def _recorded_units(record: cache.UnitRecord) -> dict[str, Unit] | None:
    try:
        return {
            path: Unit(
                hash=entry["hash"],
                imports=list(entry["imports"]),
                checked=[Diagnostic.from_data(d) for d in entry["checked"]],
                candidates=[(name, Diagnostic.from_data(d)) for name, d in entry["candidates"]],
                uses=FileUses(
                    agents=set(entry["uses"]["agents"]),
                    bodies={name: [list(c) for c in calls] for name, calls in entry["uses"]["bodies"].items()},
                    runs=list(entry["uses"]["runs"]),
                ),
                outputs=dict(entry["outputs"]),
            )
            for path, entry in record.files.items()
        }
    except (KeyError, TypeError, AttributeError, ValueError):  # a record of another shape: compile cold
        return None


def _reaches(root: str, units: dict[str, Unit], changed: set[str]) -> bool:
    """Whether ``root`` or anything it imports (as recorded) changed."""
    seen: set[str] = set()
    pending = [root]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        if path in changed or path not in units:
            return True
        seen.add(path)
        pending += units[path].imports
    return False


def _closure(roots: list[str], units: dict[str, Unit], fresh: dict[str, Unit]) -> set[str]:
    """Every file the roots reach now: fresh units' imports, recorded ones' for the rest."""
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        path = pending.pop()
        if path not in seen:
            seen.add(path)
            pending += (fresh.get(path) or units[path]).imports
    return seen


def _outputs_may_clash(files: list[str], harness: str) -> bool:
    """Whether two roots could name the same output (the generator refuses that;
    a partial compile would not see it)."""
    seen: set[str] = set()
    for stem in module_names(files, reserved_stems(harness)).values():
        for name in (f"{stem}_runtime.py", f"test_{stem}.py"):
            if name in seen:
                return True
            seen.add(name)
    return False


def _kept_output(out: str, name: str, digest: str, spec: str) -> GeneratedFile | None:
    """The recorded output as OUTDIR holds it, if its bytes still have the recorded hash."""
    target = Path(out) / name
    try:
        if target.is_symlink():
            return None
        data = target.read_bytes()
    except OSError:
        return None
    if cache.bytes_hash(data) != digest:
        return None
    try:
        return GeneratedFile(name, data.decode("utf-8"), spec)
    except UnicodeDecodeError:
        return None
