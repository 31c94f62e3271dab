"""Which spec files a command line names.

Kept apart from the loader (which imports the parser, and so Lark) because the
no-op recompile check in ``agentspec.cache`` must answer without importing
anything heavy.
"""

from __future__ import annotations

import os
from pathlib import Path

SPEC_SUFFIX = ".agentspec"


class PathNotFound(Exception):
    """A path named on the command line does not exist (a usage error, not a spec error)."""


def discover(paths: list[str]) -> list[str]:
    """The spec files named by ``paths``: files as given, directories searched
    recursively for ``*.agentspec``; normalised and sorted."""
    found: set[str] = set()
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                found.update(os.path.normpath(p) for p in path.rglob(f"*{SPEC_SUFFIX}") if p.is_file())
                continue
            if path.is_file():
                found.add(os.path.normpath(path))
                continue
        except OSError as exc:  # e.g. a name longer than the file system allows
            raise PathNotFound(f"{raw} ({exc.strerror or exc})") from None
        raise PathNotFound(raw)
    return sorted(found)
