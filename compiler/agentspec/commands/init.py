"""``agentspec init [DIR]``: a starter project that checks, compiles and passes.

Writes the files of ``agentspec.starter`` into DIR (default: the working
directory) and adds the ``[tool.agentspec]`` table (and pytest's, when there
is none) to DIR/pyproject.toml, creating it if needed. Nothing is ever
overwritten: if a starter file exists, or pyproject.toml already has a
``[tool.agentspec]`` table or cannot be read as TOML, init says so and writes
nothing at all. Every file is written atomically.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from agentspec.commands.common import EXIT_FAILED, EXIT_OK, usage


def _pyproject_text(pyproject: Path) -> tuple[str | None, str | None]:
    """(the new pyproject.toml text, None), or (None, why init must not touch it)."""
    from agentspec.starter import AGENTSPEC_TABLE, PYTEST_TABLE

    if not pyproject.exists():
        return AGENTSPEC_TABLE + "\n" + PYTEST_TABLE, None
    try:
        old = pyproject.read_text(encoding="utf-8")
        tool = tomllib.loads(old).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, f"{pyproject} cannot be read as TOML ({exc}); fix it, or add the [tool.agentspec] table yourself"
    if not isinstance(tool, dict):
        return None, f"{pyproject} defines `tool` as something other than a table; add [tool.agentspec] yourself"
    if "agentspec" in tool:
        return None, f"{pyproject} already has a [tool.agentspec] table; init leaves it as it is"
    added = [AGENTSPEC_TABLE]
    if "ini_options" not in (tool.get("pytest") or {}):
        added.append(PYTEST_TABLE)
    new = old + ("" if old.endswith("\n") or not old else "\n") + "\n" + "\n".join(added)
    try:
        tomllib.loads(new)
    except tomllib.TOMLDecodeError:  # e.g. `tool = { ... }` inline: a [tool.x] table cannot be added to it
        return None, f"{pyproject} cannot take a [tool.agentspec] table as written; add it yourself:\n\n{AGENTSPEC_TABLE}"
    return new, None


def init_command(directory: str = ".") -> int:
    from agentspec.atomic import write_atomic
    from agentspec.starter import FILES, NEXT_STEPS

    root = Path(directory)
    if root.exists() and not root.is_dir():
        return usage(f"{directory} is a file, not a directory")
    existing = sorted(name for name in FILES if (root / name).exists())
    pyproject = root / "pyproject.toml"
    pyproject_text, refusal = _pyproject_text(pyproject)
    problems = [f"{root / name} already exists" for name in existing]
    if refusal is not None:
        problems.append(refusal)
    if problems:
        for problem in problems:
            print(f"agentspec init: {problem}", file=sys.stderr)
        print("agentspec init: nothing was written; init never overwrites a file", file=sys.stderr)
        return EXIT_FAILED

    had_pyproject = pyproject.exists()
    for name, text in FILES.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
        print(f"created {target}")
    write_atomic(pyproject, pyproject_text.encode("utf-8"))
    print(f"added [tool.agentspec] to {pyproject}" if had_pyproject else f"created {pyproject}")
    steps = NEXT_STEPS if root == Path(".") else f"next:\n  cd {directory}\n" + NEXT_STEPS.removeprefix("next:\n")
    print("\n" + steps, end="")
    return EXIT_OK
