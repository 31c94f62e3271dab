"""The one way agentspec replaces a file: atomically.

Every command that writes (``compile`` into OUTDIR, ``fmt`` over a spec, the
cache under the user's cache directory) goes through :func:`write_atomic`:
the data goes to a temporary file in the target's directory, which is then
renamed over the target (``os.replace``). A reader — an editor, pytest, a
concurrent compile — sees the old file or the new one, never half of one, and
an interrupted run leaves the target as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(target: str | os.PathLike, data: bytes, mode: int | None = None, durable: bool = True) -> None:
    """Replace ``target`` with ``data`` in one step.

    ``mode`` is the new file's permission bits (default: what a plain ``open(..., "w")``
    would create). ``durable`` flushes the data to disk before the rename, so a
    crash cannot leave an empty file under the target's name; a cache entry,
    which is only an optimisation, skips that cost.
    """
    target = Path(target)
    # ``.NAME.PID.XXXXXXXX.tmp``: the PID lets a later compile tell a file abandoned by a
    # killed process from one in flight (``writer.remove_abandoned_temps``).
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temp, default_file_mode() if mode is None else mode)
        os.replace(temp, os.fspath(target))
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def default_file_mode() -> int:
    """0o666 minus the process umask: what an ordinary ``open(..., "w")`` would create."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
