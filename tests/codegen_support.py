"""Helpers shared by the codegen and CLI tests: run the CLI, compile text, import output."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Sequence

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PREAMBLE = """\
tenant acme version "v1"
provider anthropic
"""

#: a whole spec of one scenario: a specialist calls a tool whose fixture answers
ONE_LOOKUP = PREAMBLE + """\
tool lookup(q: str) { returns { hit: true } }
specialist helper {
  model "claude-haiku-4-5"
  prompt "Look it up."
  tools [lookup]
}
scenario "looks up" {
  agent helper
  run { lookup(q: "x") }
  expect { tool_call lookup }
}
"""


def run_cli(*args: str, cwd: Path | str = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``agentspec ARGS`` in a subprocess (``python -m agentspec``), text output captured.

    Compile records are off unless ``env`` sets AGENTSPEC_CACHE_DIR: a process
    then always compiles in full, which is what most tests mean to exercise.
    """
    full_env = {**os.environ, "AGENTSPEC_NO_CACHE": "1", **(env or {})}
    if env and "AGENTSPEC_CACHE_DIR" in env:
        full_env.pop("AGENTSPEC_NO_CACHE")
    return subprocess.run(
        [PYTHON, "-m", "agentspec", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_spec(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def compile_in(
    directory: Path, *specs: str, out: str = "out", extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    return run_cli("compile", *specs, "-o", out, *extra, cwd=directory)


def compile_here(directory: Path, *names: str, out: str = "out", extra: Sequence[str] = ()) -> Path:
    """``agentspec compile NAMES -o OUT`` in process, run from ``directory`` as a user there would
    (spec paths and imports relative to it); it must succeed. Returns the output folder."""
    from agentspec.cli import main

    with contextlib.chdir(directory):
        assert main(["compile", *names, "-o", out, *extra]) == 0
    return directory / out


def checked_here(directory: Path, *names: str) -> list:
    """Every diagnostic of ``names`` loaded and checked from ``directory`` (the loader's, then the checker's)."""
    from agentspec.checker import check
    from agentspec.loader import load

    with contextlib.chdir(directory):
        program = load(list(names))
        return program.diagnostics + check(program)


def located(diagnostics: list) -> list[str]:
    """``CODE line:column message`` of each diagnostic, for comparing a file's diagnostics at a glance."""
    return [f"{d.code} {d.span.line}:{d.span.column} {d.message}" for d in diagnostics]


def spec_string(value: str) -> str:
    """``value`` as a spec string literal: ``"..."`` with every special character escaped."""
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not ch.isprintable():
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


@contextlib.contextmanager
def imported(directory: Path, *module_names: str):
    """Import generated modules from ``directory`` (in order), and forget them afterwards."""
    saved = {name: sys.modules.get(name) for name in module_names}
    modules: list[ModuleType] = []
    try:
        for name in module_names:
            spec = importlib.util.spec_from_file_location(name, directory / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            modules.append(module)
        yield modules
    finally:
        for name, previous in saved.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
