"""Where agentspec's project facts come from: its home on the web and its root directory.

``HOME`` is the repository every link agentspec prints points into (``--help``,
SARIF rule help, the README as a package index shows it); ``DOCS`` the
documentation in it. The project root of a user's tree is found as ruff and
black find theirs, by walking up to the nearest ``pyproject.toml`` (or
repository); ``agentspec.config`` reads its ``[tool.agentspec]`` table.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME = "https://github.com/agentspec/agentspec"
DOCS = f"{HOME}/blob/main/docs"
ISSUES = f"{HOME}/issues"


def find_pyproject(start: str | os.PathLike) -> Path | None:
    """The ``pyproject.toml`` in ``start`` or the nearest directory above it."""
    folder = Path(os.path.abspath(start))
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate / "pyproject.toml"
    return None


def project_root(spec: str | os.PathLike) -> Path:
    """The project ``spec`` belongs to: the nearest directory above it with a
    ``pyproject.toml``, else with a ``.git`` or ``.hg`` (as black finds its
    root), else the working directory."""
    folder = Path(os.path.abspath(spec)).parent
    for marker in ("pyproject.toml", ".git", ".hg"):
        for candidate in (folder, *folder.parents):
            if (candidate / marker).exists():
                return candidate
    return Path.cwd()


def relative_to_root(path: str, root: Path) -> str:
    """``path`` as a POSIX path relative to ``root`` (unchanged if it lies outside)."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return path
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return path
    return Path(relative).as_posix()
