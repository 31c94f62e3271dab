"""``--watch``: run a command again whenever a spec under its paths changes.

The file system tells us (``watchfiles``: inotify, FSEvents, ReadDirectoryChangesW),
nothing is polled by hand. A burst of saves is one change (watchfiles waits for
the burst to end). What is watched is the directories the PATHs name (a file's
own directory), for ``*.agentspec`` files only — so the files a compile writes
into OUTDIR never start another run, and a spec created under a watched
directory is picked up. Ctrl-C stops watching (exit 0).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from agentspec.commands.common import EXIT_OK, usage
from agentspec.paths import SPEC_SUFFIX


def watched_directories(paths: list[str]) -> list[str]:
    """The directories to watch for ``paths``: directories themselves, a file's directory."""
    found = []
    for path in paths:
        directory = path if os.path.isdir(path) else os.path.dirname(path) or "."
        found.append(os.path.abspath(directory))
    return sorted(set(found))


def is_spec(change, path: str) -> bool:
    return path.endswith(SPEC_SUFFIX)


def watch(paths: list[str], run_once: Callable[[], int]) -> int:
    from watchfiles import watch as changes_in

    directories = watched_directories(paths)
    missing = [d for d in directories if not os.path.isdir(d)]
    if missing:
        return usage(f"cannot watch {missing[0]}: no such directory")
    started = False
    try:
        # The first run waits until the watcher is in place (its first, empty,
        # yield on timeout), so that no save after "watching" is ever missed.
        for changes in changes_in(
            *directories, watch_filter=is_spec, raise_interrupt=False, yield_on_timeout=True, rust_timeout=500
        ):
            if not started:
                started = True
                run_once()
                _waiting()
            if not changes:
                continue
            changed = sorted({os.path.relpath(path) for _, path in changes})
            print(f"\n--- changed: {', '.join(changed)}", file=sys.stderr, flush=True)
            run_once()
            _waiting()
    except KeyboardInterrupt:  # Ctrl-C during a run: stop as if it came while waiting
        pass
    return EXIT_OK


def _waiting() -> None:
    sys.stdout.flush()
    print("watching for changes to .agentspec files (Ctrl-C to stop)", file=sys.stderr, flush=True)
