"""What every subcommand shares: exit codes, usage errors, the spec files to work on.

Exit codes (the only definition; ``agentspec.cli`` and every command use these):

    0  success
    1  the specs have errors, or (with --check) outputs are stale / files unformatted
    2  usage error (bad option, path that does not exist)
    3  internal error: a bug in agentspec, never the spec author's fault
"""

from __future__ import annotations

import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

#: The diagnostics formats of check and compile (``commands.reporting``), here so
#: that parsing arguments loads no reporting code.
FORMATS = ("text", "json", "sarif", "github")


class UsageError(Exception):
    """The command line cannot be carried out as given (exit 2)."""


def usage(message: str, program: str = "agentspec") -> int:
    """Say why the command line cannot be carried out; the exit code for it."""
    print(f"{program}: {message}", file=sys.stderr)
    return EXIT_USAGE


def discover(paths: list[str], allow_none: bool = False) -> list[str]:
    """The spec files named by ``paths`` (directories searched recursively).

    Raises ``UsageError`` if a path does not exist or, unless ``allow_none``,
    if there are no spec files at all.
    """
    from agentspec import paths as spec_paths  # not at import time: `agentspec --version` stays lean

    try:
        files = spec_paths.discover(paths)
    except spec_paths.PathNotFound as exc:
        raise UsageError(f"no such file or directory: {exc}") from None
    if not files and not allow_none:
        raise UsageError(f"no .agentspec files found in {', '.join(paths)}")
    return files
