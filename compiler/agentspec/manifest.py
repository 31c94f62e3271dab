"""The no-op recompile: prove from a record of the last compile that nothing would change.

A compile is a pure function of (a) the compiler — agentspec's own files, the
versions of the libraries that shape its output (black, jinja2, lark,
pydantic), the Python version — (b) the ``--harness`` option, (c) the spec
paths as given and (d) the text of every spec file read, imports included.
After a successful compile we record all four, with the hash of every output
written and what was reported (warnings). Next time, if every one of them is
unchanged and every output in OUTDIR still has exactly the recorded bytes,
a full compile would write the very same bytes: we report what it would have
reported and stop, without parsing, checking, rendering or running black.
Anything that does not match, or any doubt (a symlink, an unreadable file, a
possibly stale file in OUTDIR), takes the full path.

The record is a JSON file in the user's cache directory (never in OUTDIR, so
it cannot change the outputs): ``$AGENTSPEC_CACHE_DIR``, else
``$XDG_CACHE_HOME/agentspec``, else ``~/.cache/agentspec``. Set
``AGENTSPEC_NO_CACHE=1`` to always compile in full. Failing to read or write
the record only costs time.

This module imports nothing heavy (no lark, pydantic, jinja2 or black): that
is the point of it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import agentspec
from agentspec.atomic import write_atomic
from agentspec.interpreter_mode import live_interpreter
from agentspec.codegen.header import is_generated, spec_of
from agentspec.commands.reporting import Report

FORMAT = 1
#: Third-party packages whose code shapes the output.
OUTPUT_LIBRARIES = ("black", "jinja2", "lark", "pydantic")
_HEAD_BYTES = 4096


@dataclass
class Record:
    fingerprint: str
    roots: list[str]
    inputs: dict[str, str]  # spec path -> sha256 of its text
    outputs: dict[str, str]  # file name in OUTDIR -> sha256 of its bytes
    report: Report = field(default_factory=Report)
    format: int = FORMAT


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
    package = Path(agentspec.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2", ".lark") and path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def bytes_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_dir() -> Path | None:
    """Where agentspec keeps compile records and black results; None when caching is off."""
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


def _record_path(outdir: str) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    key = hashlib.sha256(os.path.realpath(outdir).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return directory / f"compile-{key}.json"


def save(outdir: str, record: Record) -> None:
    """Remember a successful compile into ``outdir`` (best effort)."""
    path = _record_path(outdir)
    if path is not None:
        write_cache_file(path, json.dumps(asdict(record), sort_keys=True))


def write_cache_file(path: Path, text: str) -> None:
    """Write a cache entry atomically, so a concurrent reader sees the old entry
    or the new one, never half of one. Best effort: caching is an optimisation
    only, so a failure is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"), durable=False)
    except (OSError, UnicodeError):
        pass


def _load(outdir: str) -> Record | None:
    path = _record_path(outdir)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        data["report"] = Report(**data["report"])
        return Record(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _read_spec_text(path: str) -> str | None:
    """The text the loader would parse (UTF-8, a BOM dropped), or None."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def unchanged(outdir: str, roots: list[str], compiler: str) -> Record | None:
    """The last compile's record if compiling ``roots`` into ``outdir`` with the
    compiler whose ``fingerprint`` is ``compiler`` would write exactly what is
    already there; otherwise None (compile in full)."""
    record = _load(outdir)
    if record is None or record.roots != roots or record.fingerprint != compiler:
        return None
    for path, expected in record.inputs.items():
        text = _read_spec_text(path)
        if text is None or text_hash(text) != expected:
            return None
    out = Path(outdir)
    for name, expected in record.outputs.items():
        target = out / name
        try:
            if target.is_symlink() or bytes_hash(target.read_bytes()) != expected:
                return None
        except OSError:
            return None
    if out.is_dir():  # a generated file whose spec is gone must be reported: leave that to the full path
        for candidate in out.glob("*.py"):
            if candidate.name in record.outputs:
                continue
            try:
                with candidate.open("rb") as handle:
                    head = handle.read(_HEAD_BYTES).decode("utf-8", "replace")
            except OSError:
                return None
            spec = spec_of(head) if is_generated(head) else None
            if spec is not None and not os.path.exists(spec):
                return None
    return record if record.fingerprint == compiler else None
