"""The interpreter a bench runs our side with: this one (the default), or a venv installed as a user installs agentspec.

    --venv DIR     a venv at DIR, created on first use
    --user-venv    the same under the bench cache root (~/.cache/agentspec-bench/venv-<hash>)

The dev venv holds the repo's [test] extras (hypothesis, xdist, black ...) and pytest loads the plugins of
everything installed: hypothesis's imports hypothesis at the terminal summary, about 0.1 s in every pytest run.
promptfoo is measured in an npm install of its own, so a fair comparison runs our side in a venv of its own
too: ``pip install -e 'runtime[testing]' -e .`` and nothing else. Editable, so it runs this checkout's code
as it is now and never goes stale; it is reinstalled when either pyproject.toml changes.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE_ROOT = Path.home() / ".cache" / "agentspec-bench"
#: written into the venv after a successful install: what it was installed from
MARKER = "agentspec-bench-install"


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--venv", type=Path, metavar="DIR", help="run our side in a venv at DIR (made if missing)")
    group.add_argument("--user-venv", action="store_true", help="--venv under the bench cache root, named by a hash")


def install_key() -> str:
    """What the venv's contents depend on: the dependency lists, and the checkout its editable installs point at
    (a venv made from one worktree must not serve another)."""
    digest = hashlib.sha256(str(REPO).encode())
    for pyproject in (REPO / "runtime" / "pyproject.toml", REPO / "pyproject.toml"):
        digest.update(pyproject.read_bytes())
    return digest.hexdigest()[:12]


def user_venv_dir(cache_root: Path) -> Path:
    return cache_root / f"venv-{install_key()}"


def ensure_venv(where: Path) -> tuple[Path | None, str]:
    """(the venv's python, "") once ``where`` holds our editable installs, or (None, why it could not)."""
    python = where / "bin" / "python"
    marker = where / MARKER
    if python.exists() and marker.exists() and marker.read_text() == install_key():
        return python, ""
    print(f"installing agentspec (editable, runtime[testing], no test extras) into {where} ...", flush=True)
    steps = [
        [sys.executable, "-m", "venv", str(where)],
        [str(python), "-m", "pip", "install", "-q", "-e", f"{REPO / 'runtime'}[testing]", "-e", str(REPO)],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            tail = " / ".join((done.stdout + done.stderr).strip().splitlines()[-3:])
            return None, f"{' '.join(step[:4])} ... failed ({done.returncode}): {tail}"
    marker.write_text(install_key())
    return python, ""


def interpreter(options: argparse.Namespace, cache_root: Path = CACHE_ROOT) -> tuple[str, str]:
    """(the python our child processes run with, a note on it for the header line).

    If the venv cannot be installed, says why and falls back to this interpreter, as a missing promptfoo does.
    """
    where = options.venv if options.venv is not None else user_venv_dir(cache_root) if options.user_venv else None
    if where is None:
        return sys.executable, f"{sys.executable} (this interpreter)"
    python, why = ensure_venv(where.absolute())
    if python is None:
        print(f"the user venv is not used: {why}")
        return sys.executable, f"{sys.executable} (this interpreter: the user venv failed)"
    return str(python), f"{python} (user venv: agentspec + runtime[testing] only)"
