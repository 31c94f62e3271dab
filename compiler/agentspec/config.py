"""``[tool.agentspec]`` in ``pyproject.toml``: a project's defaults for the command line.

The table is looked up as ruff and black look up theirs: in the nearest
``pyproject.toml`` at or above the working directory. Every setting is a
default that the matching command-line flag overrides::

    [tool.agentspec]
    specs = ["specs"]          # PATHs for check, compile and fmt when none are given
    out = "generated"          # compile's -o/--out
    pythonpath = ["src"]       # where import paths are looked up (agentspec.pythonpath)
    strict = true              # warnings fail check and compile (--strict / --no-strict)
    interpreter = "scripted"   # what check and compile assume when AGENTSPEC_INTERPRETER is unset

Paths are relative to the ``pyproject.toml``. An unknown setting or a value of
the wrong type is a usage error that names it, never silently ignored.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from agentspec.project import find_pyproject

INTERPRETERS = ("scripted", "anthropic", "openai")


class ConfigError(Exception):
    """The ``[tool.agentspec]`` table cannot be used as written (a usage error)."""


@dataclass(frozen=True)
class Config:
    pyproject: Path | None = None
    specs: list[str] = field(default_factory=list)
    out: str | None = None
    pythonpath: list[str] = field(default_factory=list)
    strict: bool = False
    interpreter: str | None = None


def _relative(path: Path) -> str:
    """A configured path as the commands print it: relative to the working directory."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _paths(where: str, value, base: Path) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where} must be a path or a list of paths")
    return [_relative(base / v) for v in value]


def load_config(start: str | os.PathLike = ".") -> Config:
    """The ``[tool.agentspec]`` table of the nearest ``pyproject.toml`` above ``start``."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Config()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {_relative(pyproject)}: {exc}") from None
    table = data.get("tool", {}).get("agentspec", {}) if isinstance(data.get("tool"), dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{_relative(pyproject)}: [tool.agentspec] must be a table")
    where = f"{_relative(pyproject)} [tool.agentspec]"
    known = ("specs", "out", "pythonpath", "strict", "interpreter")
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(known)})")
    base = pyproject.parent
    out = table.get("out")
    if out is not None and not (isinstance(out, str) and out):
        raise ConfigError(f"{where}: out must be a path")
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{where}: strict must be true or false")
    interpreter = table.get("interpreter")
    if interpreter is not None and interpreter not in INTERPRETERS:
        raise ConfigError(f"{where}: interpreter must be one of {', '.join(INTERPRETERS)}")
    return Config(
        pyproject=pyproject,
        specs=_paths(f"{where}: specs", table.get("specs", []), base),
        out=_relative(base / out) if out else None,
        pythonpath=_paths(f"{where}: pythonpath", table.get("pythonpath", []), base),
        strict=strict,
        interpreter=interpreter,
    )
