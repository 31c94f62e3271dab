"""The compiler's one cache: compile records, unit records and the parser's tables.

A **compile record** (one per OUTDIR) is only ever an optimisation. A
compile is a pure function of (a) the compiler — agentspec's own files, the
versions of the libraries that shape its output, the Python version — (b) the
``--harness`` option, (c) the spec paths as given and (d) the text of every
spec file read, imports included.
After a successful compile we record all four, with the hash of every output
written and what was reported. If next time every one of them is unchanged
and every output in OUTDIR still has exactly the recorded bytes, a full
compile would write the very same bytes, so ``agentspec compile`` reports
what it reported and stops, without parsing, checking or rendering.

**Every record is validated before use.** It must have exactly the expected
shape (field names and types, hex digests), and it vouches only for what it
hashes: the spec texts and the output files, both re-hashed on every use.
A record never supplies content — it can only let a compile skip work whose
result is already in OUTDIR — so a corrupt, truncated, foreign or stale
record costs a full compile (time), never a wrong output. (black's results
were cached here too until the output became black-stable by construction.)

Records live in the user's cache directory (never in OUTDIR, so they cannot
change the outputs): ``$AGENTSPEC_CACHE_DIR``, else
``$XDG_CACHE_HOME/agentspec``, else ``~/.cache/agentspec``. Set
``AGENTSPEC_NO_CACHE=1`` to always compile in full. Failing to read or write
a record only costs time.

This module imports nothing heavy (no lark, pydantic or jinja2), and
nothing from the pipeline's stages: a no-op recompile must answer without them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import agentspec
from agentspec.atomic import write_atomic
from agentspec.interpreter_mode import live_interpreter

#: Bumped whenever an entry's layout changes: entries of another format are ignored.
FORMAT = 2
#: Third-party packages whose code shapes the output.
OUTPUT_LIBRARIES = ("jinja2", "lark", "pydantic")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def bytes_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def directory() -> Path | None:
    """Where the cache lives; None when caching is off."""
    if os.environ.get("AGENTSPEC_NO_CACHE"):
        return None
    configured = os.environ.get("AGENTSPEC_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home.startswith("~"):  # no home directory: do not cache rather than write into the cwd
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "agentspec"


def _write(path: Path, text: str) -> None:
    """Store a record atomically (a concurrent reader sees the old entry or the
    new one, never half of one); best effort."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"), durable=False)
    except (OSError, UnicodeError):
        pass


def _read_json(path: Path) -> Any:
    """The file's JSON value, or None if it cannot be read or parsed."""
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None


def fingerprint(harness: str) -> str:
    """Everything about the compiler that the output depends on, as one hash."""
    digest = hashlib.sha256()
    # the interpreter mode decides whether a judge without `using` is an error (E321)
    mode = live_interpreter() or "scripted"
    digest.update(f"{agentspec.__version__}|{sys.version_info[:2]}|{harness}|{mode}".encode())
    for name in OUTPUT_LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec and spec.origin else ""
        stat = os.stat(origin) if origin else None
        # pip replaces a package's files on upgrade, so its entry point's size and mtime change
        digest.update(f"|{name}:{origin}:{stat and stat.st_size}:{stat and stat.st_mtime_ns}".encode())
    package = os.path.dirname(agentspec.__file__)
    for parts in _compiler_files(package):
        with open(os.path.join(package, *parts), "rb") as file:
            digest.update("/".join(parts).encode() + b"\0" + file.read() + b"\0")
    return digest.hexdigest()


def _compiler_files(package: str) -> list[tuple[str, ...]]:
    """The package's source files (Python, templates, grammar) as path parts relative to it, sorted
    by parts. os.walk: every pytest session that collects a spec file computes the fingerprint, and
    pathlib's rglob, per-path stat and relative_to were half of its 7 ms."""
    found = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        where = tuple(os.path.relpath(folder, package).split(os.sep)) if folder != package else ()
        found += [(*where, name) for name in files if os.path.splitext(name)[1] in (".py", ".j2", ".lark")]
    return sorted(found)


@dataclass
class CompileRecord:
    """A successful compile: what went in, what came out, what was reported."""

    fingerprint: str
    roots: list[str]
    inputs: dict[str, str]  # spec path -> sha256 of its text
    outputs: dict[str, str]  # file name in OUTDIR -> sha256 of its bytes
    report: dict[str, Any]  # agentspec.commands.reporting.Report's fields
    format: int = FORMAT


#: The report's fields and their types (``commands.reporting.Report``).
REPORT_FIELDS = {"text": str, "json": str, "summary": str, "has_diagnostics": bool}


def _record_path(outdir: str) -> Path | None:
    base = directory()
    if base is None:
        return None
    key = hashlib.sha256(os.path.realpath(outdir).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return base / f"compile-{key}.json"


def save_record(outdir: str, record: CompileRecord) -> None:
    """Remember a successful compile into ``outdir`` (best effort)."""
    path = _record_path(outdir)
    if path is not None:
        _write(path, json.dumps(asdict(record), sort_keys=True))


def load_record(outdir: str) -> CompileRecord | None:
    """The record for ``outdir`` if there is one of exactly the right shape."""
    path = _record_path(outdir)
    data = None if path is None else _read_json(path)
    return _valid_record(data)


def _valid_record(data: Any) -> CompileRecord | None:
    expected = {f.name for f in fields(CompileRecord)}
    if not isinstance(data, dict) or set(data) != expected or data["format"] != FORMAT:
        return None
    roots, inputs, outputs, report = data["roots"], data["inputs"], data["outputs"], data["report"]
    valid = (
        isinstance(data["fingerprint"], str)
        and isinstance(roots, list)
        and all(isinstance(r, str) for r in roots)
        and _digests(inputs)
        and _digests(outputs)
        and isinstance(report, dict)
        and set(report) == set(REPORT_FIELDS)
        and all(type(report[k]) is t for k, t in REPORT_FIELDS.items())
    )
    return CompileRecord(**data) if valid else None


def _digests(mapping: Any) -> bool:
    """A mapping of names to sha256 hex digests."""
    return isinstance(mapping, dict) and all(
        isinstance(k, str) and k and isinstance(v, str) and _DIGEST.fullmatch(v) for k, v in mapping.items()
    )


def _read_spec_text(path: str) -> str | None:
    """The text the loader would parse (UTF-8, a BOM dropped), or None."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def unchanged(outdir: str, roots: list[str], compiler: str) -> CompileRecord | None:
    """The last compile's record if compiling ``roots`` into ``outdir`` with the
    compiler whose ``fingerprint`` is ``compiler`` would read exactly the same
    specs, and every output it wrote is still there with exactly the recorded
    bytes; otherwise None (compile in full).

    Files in OUTDIR that the record does not name (a generated file whose spec
    is gone) are the caller's to judge.
    """
    record = load_record(outdir)
    if record is None or record.roots != roots or record.fingerprint != compiler:
        return None
    for path, expected in record.inputs.items():
        text = _read_spec_text(path)
        if text is None or text_hash(text) != expected:
            return None
    out = Path(outdir)
    for name, expected in record.outputs.items():
        target = out / name
        if target.parent != out:  # a name that is not a plain file name in OUTDIR
            return None
        try:
            if target.is_symlink() or bytes_hash(target.read_bytes()) != expected:
                return None
        except OSError:
            return None
    return record


# -- unit records: what each spec file contributed to the last compile ---------------------
#
# A **unit record** (one per OUTDIR, beside the compile record) keeps, for every
# spec file of the last successful compile: the hash of its text, the files it
# imports, the diagnostics its checking found (W101/W104 apart: those are
# judged across the program, so the record keeps each candidate warning and
# the names the file uses instead), and, for a root, the name and hash of each
# file generated from it. A file's entry holds while neither its text nor the
# text of anything it imports has changed, which agentspec.units checks before
# reusing it; outputs are taken from OUTDIR only when their bytes still have
# the recorded hash. Like a compile record, a unit record is validated before
# use and a bad one only costs a full compile.

UNIT_FIELDS = {"hash", "imports", "checked", "candidates", "uses", "outputs"}


@dataclass
class UnitRecord:
    """Every file of a successful compile, by path (see above)."""

    fingerprint: str
    roots: list[str]
    files: dict[str, dict[str, Any]]
    format: int = FORMAT


def _units_path(outdir: str) -> Path | None:
    record = _record_path(outdir)
    return None if record is None else record.with_name(record.name.replace("compile-", "units-", 1))


def save_units(outdir: str, units: UnitRecord) -> None:
    """Remember each file's part in a successful compile into ``outdir`` (best effort)."""
    path = _units_path(outdir)
    if path is not None:
        _write(path, json.dumps(asdict(units), sort_keys=True))


def load_units(outdir: str, compiler: str, roots: list[str]) -> UnitRecord | None:
    """The unit record for ``outdir`` if it is of exactly the right shape and was
    made by the compiler whose fingerprint is ``compiler`` from the same ``roots``."""
    path = _units_path(outdir)
    data = None if path is None else _read_json(path)
    expected = {f.name for f in fields(UnitRecord)}
    if not isinstance(data, dict) or set(data) != expected or data["format"] != FORMAT:
        return None
    if data["fingerprint"] != compiler or data["roots"] != roots or not isinstance(data["files"], dict):
        return None
    for name, entry in data["files"].items():
        if not (isinstance(name, str) and name and _valid_unit(entry)):
            return None
    return UnitRecord(**data)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _valid_unit(entry: Any) -> bool:
    if not isinstance(entry, dict) or set(entry) != UNIT_FIELDS:
        return False
    uses = entry["uses"]
    return (
        isinstance(entry["hash"], str)
        and bool(_DIGEST.fullmatch(entry["hash"]))
        and _strings(entry["imports"])
        and isinstance(entry["checked"], list)
        and all(isinstance(d, dict) for d in entry["checked"])
        and isinstance(entry["candidates"], list)
        and all(isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) and isinstance(c[1], dict)
                for c in entry["candidates"])
        and isinstance(uses, dict)
        and set(uses) == {"agents", "bodies", "runs"}
        and _strings(uses["agents"])
        and _strings(uses["runs"])
        and isinstance(uses["bodies"], dict)
        and all(isinstance(calls, list) and all(_strings(c) for c in calls) for calls in uses["bodies"].values())
        and isinstance(entry["outputs"], dict)
        and _digests(entry["outputs"])
    )


# -- the parser's tables ---------------------------------------------------------------------


def parser_tables(grammar: str) -> str | None:
    """Where Lark keeps its analysis of ``grammar`` (LALR tables) between
    processes, or None when caching is off.

    Building the tables costs more than parsing a small spec, so every
    command's first parse paid it. The file is Lark's own cache: Lark checks
    it against a hash of the grammar, its options and the Lark and Python
    versions, rebuilds it when they differ, and carries on without it when it
    cannot be read.
    """
    base = directory()
    if base is None:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(base / f"lark-{text_hash(grammar)[:16]}.tables")
