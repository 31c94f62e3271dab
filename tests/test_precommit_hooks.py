"""``.pre-commit-hooks.yaml``: the hooks exist, have what pre-commit requires, and their
entries are agentspec commands that take the staged files as pre-commit passes them."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from agentspec.cli import main
from codegen_support import REPO, write_spec

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
SCRIPTS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
CLEAN = (
    'tenant acme version "v1"\n\nprovider anthropic\n\ncoordinator front {\n  model "claude-sonnet-4-6"\n  routes [helper]\n}\n'
    '\nspecialist helper {\n  model "claude-haiku-4-5"\n}\n'
)


def test_the_two_hooks_with_the_keys_pre_commit_requires() -> None:
    assert [hook["id"] for hook in HOOKS] == ["agentspec-fmt", "agentspec-check"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit installs this repository's package
        assert re.search(hook["files"], "specs/travel.agentspec") and not re.search(hook["files"], "x.py")


@pytest.mark.parametrize("hook", HOOKS, ids=[h["id"] for h in HOOKS])
def test_each_entry_is_a_valid_command_on_staged_files(hook: dict, tmp_path: Path, monkeypatch, capsys) -> None:
    program, *args = shlex.split(hook["entry"])
    assert program in SCRIPTS, "the entry runs the console script the package installs"
    monkeypatch.chdir(tmp_path)
    write_spec(tmp_path, "a.agentspec", CLEAN)
    write_spec(tmp_path, "b/c.agentspec", CLEAN)
    assert main([*args, "a.agentspec", "b/c.agentspec"]) == 0, capsys.readouterr()
    write_spec(tmp_path, "bad.agentspec", "tenant (\n")
    assert main([*args, "a.agentspec", "bad.agentspec"]) == 1  # the commit is stopped


def test_the_fmt_hook_rewrites_an_unformatted_file(tmp_path: Path, monkeypatch) -> None:
    (fmt,) = [h for h in HOOKS if h["id"] == "agentspec-fmt"]
    monkeypatch.chdir(tmp_path)
    spec = write_spec(tmp_path, "a.agentspec", CLEAN.replace("front {", "front   {"))
    assert main([*shlex.split(fmt["entry"])[1:], "a.agentspec"]) == 0
    assert spec.read_text() == CLEAN  # pre-commit then fails the hook because a file changed


@pytest.mark.slow
def test_pre_commit_can_install_the_hooks(tmp_path: Path) -> None:
    """pre-commit installs a python hook with `pip install . ADDITIONAL_DEPENDENCIES` in its
    clone of this repository. agentspec depends on agentspec-runtime, which no index has but
    runtime/ in the same clone: that is what the hooks' additional_dependencies give pip.
    Resolved here as pip would (a dry run that builds both projects' metadata)."""
    import json
    import shutil
    import subprocess
    import sys

    clone = tmp_path / "clone"
    ignore = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", ".venv", "node_modules")
    clone.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
        shutil.copy2(REPO / name, clone / name)
    for name in ("compiler", "grammar", "runtime"):
        shutil.copytree(REPO / name, clone / name, symlinks=True, ignore=ignore)
    installs = {tuple(hook.get("additional_dependencies", [])) for hook in HOOKS}
    assert installs == {("./runtime",)}
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(report),
         ".", *installs.pop()],
        cwd=clone, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    resolved = {item["metadata"]["name"]: item for item in json.loads(report.read_text())["install"]}
    assert {"agentspec", "agentspec-runtime", "agentgate-eval", "pytest"} <= set(resolved)
    assert resolved["agentspec-runtime"]["download_info"]["url"] == (clone / "runtime").as_uri()
