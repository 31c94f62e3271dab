"""One spec file as the pytest plugin runs it: loaded, checked and lowered, cached by content.

``unit_for(path)`` does for one file what ``agentspec check`` then
``agentspec compile`` do for it — the same loader, checker (imports of user
code included, read and never run) and lowering (``codegen.lower``) — and
caches the result at two levels:

* **in process**: parses by (path, text), so a file imported by several specs
  (``common.agentspec``) is parsed once per session; units by the text of the
  file and of every file it imports;
* **on disk**, for the next pytest session (the edit loop): a unit that
  checked without errors is stored in the compile cache's directory
  (``agentspec.cache.directory()``, ``AGENTSPEC_NO_CACHE=1`` turns it off),
  under the compiler's fingerprint, the interpreter mode (it decides E321)
  and the spec's path. It is used only if every spec file it read still has
  the recorded text (each re-read and re-hashed) and every import path of
  user code still resolves on the project's Python path (looked up again, as
  the checker does, never imported). Anything else — a different or corrupt
  entry — costs a full check, never a wrong result. A unit with errors is not
  stored: its report is made afresh each time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from agentspec import cycle_collector
from agentspec.codegen import Lowered
from agentspec.diagnostics import Diagnostic
from agentspec.interpreter_mode import live_interpreter
from agentspec.uses import FileUses, combined_uses, unreachable

#: Bumped when what an entry holds changes shape.
FORMAT = 2

#: (agents, scripts) used across a set of spec files (``uses.combined_uses``)
Used = tuple[set[str], set[str]]


@dataclass(frozen=True)
class SpecUnit:
    """What the plugin needs of one spec file.

    Whether an agent or a script is used at all (W101, W104) is judged across
    every spec file of the run, as ``agentspec check specs`` judges it — a
    library file's specialist counts as used when another file's scenario
    starts at it — so a unit keeps, for each file it read, the candidates for
    those two warnings and what the file uses, and :meth:`warnings` decides
    them from what the caller says the run uses.
    """

    path: str
    errors: str | None  # the diagnostics as `agentspec check` prints them, when any is an error
    lowered: Lowered | None  # None when there are errors
    findings: tuple[Diagnostic, ...] = ()  # the warnings, W101/W104 aside
    candidates: tuple[tuple[str, Diagnostic], ...] = ()  # W101/W104 candidates of every file read
    uses: tuple[FileUses, ...] = ()  # what each file read uses
    sources: tuple[tuple[str, str], ...] = ()  # (path, text) of every file read, to show the warnings

    def used(self) -> Used:
        """What the files this unit read use (its imports included)."""
        return combined_uses(self.uses)

    def warnings(self, used: Used | None = None) -> str | None:
        """The warnings as `agentspec check` prints them, None if there are none; W101/W104
        judged from ``used`` (the run's files: ``used_across``), else from this unit's own files."""
        from agentspec.diagnostics import render_all, sort_diagnostics, summary_line

        found = sort_diagnostics(list(self.findings) + unreachable(list(self.candidates), *(used or self.used())))
        if not found:
            return None
        sources = dict(self.sources)
        return f"{render_all(found, sources)}\n\n{summary_line(found, len(sources))}"


def used_across(units: list[SpecUnit]) -> Used:
    """What the files of ``units`` use, together (units with errors read nothing usable)."""
    return combined_uses(uses for unit in units if unit.errors is None for uses in unit.uses)


def unit_for(path: str) -> SpecUnit:
    """``path`` checked and lowered (``path`` as diagnostics and spec lines should show it)."""
    mode = live_interpreter() or "scripted"
    stored = _stored(path, mode)
    if stored is not None:
        return stored
    from agentspec.loader import load  # here: a stored unit needs no parser (tests/test_spec_units.py)

    program = load([path], parse_file=_parse)
    key = (path, mode, _text_hash(repr(sorted(program.sources.items()))))
    if key not in _units:
        _units[key] = _check_and_lower(path, program)
        if _units[key].errors is None:
            _store(path, mode, program, _units[key])
    return _units[key]


_units: dict[tuple[str, str, str], SpecUnit] = {}


def forget() -> None:
    """Drop what this process keeps of the spec files it read (a pytest session's end)."""
    _units.clear()
    _parse.cache_clear()


def _check_and_lower(path: str, program) -> SpecUnit:
    from agentspec.checker import check_files
    from agentspec.checker.file_context import Reporter
    from agentspec.checker.usage import file_uses, reachability_candidates
    from agentspec.checker.user_code import check_user_code
    from agentspec.codegen import CodegenError, lower
    from agentspec.commands.reporting import make_report
    from agentspec.diagnostics import has_errors, sort_diagnostics
    from agentspec.suppressions import without_suppressed

    merged = Reporter()  # every file's findings, W101/W104 aside (`used` None), deduplicated as `check` does
    for found in check_files(program, None).values():
        for diagnostic in found:
            merged.add(diagnostic)
    findings = without_suppressed(list(program.diagnostics) + merged.diagnostics + check_user_code(program), program)
    files = sorted(program.files)
    candidates = [(name, d) for file in files for name, d in reachability_candidates(file, program.files[file])]
    kept = {id(d) for d in without_suppressed([d for _, d in candidates], program)}
    unit = SpecUnit(
        path,
        None,
        None,
        tuple(findings),
        tuple((name, d) for name, d in candidates if id(d) in kept),
        tuple(file_uses(program.files[file]) for file in files),
        tuple(sorted(program.sources.items())),
    )
    if has_errors(findings):  # shown as `agentspec check FILE` shows them: W101/W104 within the file's program
        diagnostics = sort_diagnostics(findings + unreachable(list(unit.candidates), *unit.used()))
        report = make_report(program, diagnostics)
        return SpecUnit(path, f"{report.text}\n\n{report.summary}", None)
    try:
        (lowered,) = lower(program)
    except CodegenError as exc:  # the checker should have said: a compiler bug, shown as one
        return SpecUnit(path, f"agentspec: cannot generate code: {exc}", None)
    return dataclasses.replace(unit, lowered=lowered)


@lru_cache(maxsize=None)
def _parse(text: str, path: str):
    from agentspec.syntax.parser import parse

    return parse(text, path)


# ---- the disk cache -----------------------------------------------------------------


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    from agentspec import cache
    from agentspec.codegen import DEFAULT_HARNESS

    return cache.fingerprint(DEFAULT_HARNESS)


def _entry(path: str, mode: str) -> Path | None:
    from agentspec import cache

    folder = cache.directory()
    if folder is None:
        return None
    name = _text_hash(f"{FORMAT}|{_fingerprint()}|{mode}|{os.getcwd()}|{path}")
    return folder / "spec-units" / f"{name}.pickle"


def _stored(path: str, mode: str) -> SpecUnit | None:
    entry = _entry(path, mode)
    if entry is None or not entry.is_file():
        return None
    try:
        with cycle_collector.paused():  # the lowered IR of every scenario, all of it kept: 4-5x faster so
            record = pickle.loads(entry.read_bytes())
    except Exception:  # a truncated or foreign entry: check afresh
        return None
    if not _valid(record, path):
        return None
    return record["unit"]


def _valid(record: Any, path: str) -> bool:
    from agentspec.source_files import read_source

    if not (isinstance(record, dict) and record.keys() == {"sources", "user_code", "unit"}):
        return False
    unit, sources, user_code = record["unit"], record["sources"], record["user_code"]
    if not (isinstance(unit, SpecUnit) and unit.path == path and unit.errors is None and isinstance(sources, dict)):
        return False
    for file, digest in sources.items():
        text, problem = read_source(file)
        if problem is not None or _text_hash(text) != digest:
            return False
    return _user_code_resolves(user_code)


def _user_code_resolves(user_code: Any) -> bool:
    """Every (spec file, "module:attribute") still resolves, as E110 would look it up."""
    if not isinstance(user_code, list):
        return False
    if not user_code:
        return True
    from agentspec.import_targets import check_import_target
    from agentspec.pythonpath import search_path

    for spec, target in user_code:
        search = [entry for entry in search_path(spec) if entry.is_dir()]
        if check_import_target(target, search) is not None:
            return False
    return True


def _store(path: str, mode: str, program, unit: SpecUnit) -> None:
    from agentspec.atomic import write_atomic
    from agentspec.checker.user_code import user_code_paths
    from agentspec.codegen.sharing import shared

    entry = _entry(path, mode)
    if entry is None:
        return
    record = {
        "sources": {file: _text_hash(text) for file, text in sorted(program.sources.items())},
        "user_code": user_code_paths(program),
        "unit": dataclasses.replace(unit, lowered=shared(unit.lowered)),  # equal expressions stored once
    }
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    except (OSError, pickle.PicklingError):
        pass  # not caching only costs time
