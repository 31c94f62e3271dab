"""The project's Python path: where a spec's ``"package.module:attribute"`` paths are looked up.

A spec names user code (handlers, services, predicates, judges, the
dispatcher) by import path; the generated tests import it from the Python path
pytest runs with. ``agentspec check`` looks the same paths up, in this order:

1. ``--pythonpath DIR`` (each relative to the working directory);
2. ``pythonpath = [...]`` of ``[tool.agentspec]`` in the nearest
   ``pyproject.toml`` above the spec, then that file's
   ``[tool.pytest.ini_options] pythonpath`` (what pytest adds for the
   generated tests), each relative to the ``pyproject.toml``;
3. the project root (the ``pyproject.toml``'s directory, else the working
   directory), which ``python -m pytest`` run there puts on the path;
4. the installed packages of the Python running agentspec (its ``sys.path``,
   less the working directory).
"""

from __future__ import annotations

import functools
import os
import sys
import tomllib
from pathlib import Path


@functools.lru_cache(maxsize=None)
def nearest_pyproject(directory: Path) -> Path | None:
    """The ``pyproject.toml`` in ``directory`` or the closest directory above it."""
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def configured_entries(pyproject: Path) -> list[Path]:
    """``[tool.agentspec] pythonpath`` then ``[tool.pytest.ini_options] pythonpath``, absolute."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []  # an unreadable pyproject adds nothing; pip and pytest report it better
    tool = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
    entries: list[Path] = []
    for section in (tool.get("agentspec"), (tool.get("pytest") or {}).get("ini_options")):
        paths = section.get("pythonpath", []) if isinstance(section, dict) else []
        if isinstance(paths, str):
            paths = paths.split()  # pytest also takes a space-separated string
        entries += [pyproject.parent / p for p in paths if isinstance(p, str)]
    return entries


def search_path(spec: str, extra: list[str] = ()) -> list[Path]:
    """Where the import paths of ``spec`` are looked up, first match wins (see the module doc)."""
    cwd = Path.cwd()
    pyproject = nearest_pyproject(Path(os.path.abspath(spec)).parent) or nearest_pyproject(cwd)
    entries = [cwd / p for p in extra]
    if pyproject is not None:
        entries += configured_entries(pyproject)
    entries.append(pyproject.parent if pyproject is not None else cwd)
    entries += [Path(p) for p in sys.path if p and Path(p).resolve() != cwd.resolve()]
    unique: dict[Path, None] = {}
    for entry in entries:
        unique.setdefault(Path(os.path.abspath(entry)), None)
    return list(unique)
