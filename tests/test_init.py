"""`agentspec init [DIR]`: a starter project that checks, compiles and passes as
written; pyproject.toml created or added to, and nothing ever overwritten."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from agentspec.cli import main
from agentspec.starter import FILES

from codegen_support import run_cli

STARTER = sorted([*FILES, "pyproject.toml"])


def files_in(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def init(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["init", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.slow
def test_a_new_project_checks_compiles_and_its_tests_pass(tmp_path: Path) -> None:
    done = run_cli("init", "desk", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    project = tmp_path / "desk"
    assert sorted(files_in(project)) == STARTER
    assert "next:\n  cd desk\n  agentspec check specs\n  agentspec compile specs -o generated\n  python -m pytest\n" in done.stdout
    assert "or run the specs directly, nothing compiled:\n  python -m pytest specs\n" in done.stdout

    checked = run_cli("check", "specs", cwd=project)
    assert (checked.returncode, checked.stdout.strip()) == (0, "no problems in 1 file"), checked.stdout
    compiled = run_cli("compile", "specs", "-o", "generated", cwd=project)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    assert sorted(p.name for p in (project / "generated").iterdir()) == ["desk_runtime.py", "test_desk.py"]
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-2000:]
    passed = [line for line in tested.stdout.splitlines() if line.endswith("PASSED") or " PASSED " in line]
    # both scenarios of the spec and both unit tests of the handler ran and passed
    assert len(passed) == 4, tested.stdout
    assert "generated/test_desk.py::test_an_order_s_status_is_looked_up_before_it_is_reported PASSED" in tested.stdout
    assert "tests/test_desk_app.py::test_a_known_order_has_its_status PASSED" in tested.stdout

    # the pytest plugin runs the spec itself, nothing compiled
    direct = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "specs"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    assert direct.returncode == 0, direct.stdout[-3000:]
    assert "specs/desk.agentspec::An unknown order is not guessed at PASSED" in direct.stdout


def test_the_starter_spec_is_formatted_and_checks_its_handler_path(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert init(capsys)[0] == 0  # DIR defaults to the working directory
    assert main(["fmt", "--check", "specs"]) == 0
    # the handler path is really looked up: break the module and check says so
    (tmp_path / "desk_app" / "tools.py").write_text("ORDERS = {}\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "specs"]) == 1
    assert '`lookup_order` is not defined in module `desk_app.tools`' in capsys.readouterr().out


def test_an_existing_pyproject_gets_the_table_added_and_keeps_everything(tmp_path: Path, capsys) -> None:
    original = '[project]\nname = "shop"\nversion = "1.0"\n\n[tool.pytest.ini_options]\naddopts = "-q"'
    (tmp_path / "pyproject.toml").write_text(original, encoding="utf-8")
    code, out, _ = init(capsys, str(tmp_path))
    assert code == 0
    assert f"added [tool.agentspec] to {tmp_path / 'pyproject.toml'}" in out
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(original + "\n")
    data = tomllib.loads(text)
    assert data["tool"]["agentspec"] == {"pythonpath": ["."]}
    assert data["tool"]["pytest"]["ini_options"] == {"addopts": "-q"}  # theirs, untouched: no second table
    assert data["project"] == {"name": "shop", "version": "1.0"}


@pytest.mark.parametrize(
    "pyproject, message",
    [
        ('[tool.agentspec]\npythonpath = ["src"]\n', "already has a [tool.agentspec] table; init leaves it as it is"),
        ("[project\nname = 1\n", "cannot be read as TOML"),
        ('tool = { black = { line-length = 100 } }\n', "cannot take a [tool.agentspec] table as written"),
    ],
)
def test_a_pyproject_init_cannot_add_to_is_left_alone_and_nothing_is_written(
    tmp_path: Path, capsys, pyproject: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    before = files_in(tmp_path)
    code, out, err = init(capsys, str(tmp_path))
    assert (code, out) == (1, "")
    assert message in err
    assert "nothing was written; init never overwrites a file" in err
    assert files_in(tmp_path) == before


def test_an_existing_starter_file_is_never_overwritten(tmp_path: Path, capsys) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "desk.agentspec").write_text("# mine\n", encoding="utf-8")
    before = files_in(tmp_path)
    code, out, err = init(capsys, str(tmp_path))
    assert (code, out) == (1, "")
    assert f"agentspec init: {tmp_path / 'specs' / 'desk.agentspec'} already exists" in err
    assert files_in(tmp_path) == before


def test_a_file_is_not_a_directory_to_start_in(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    done = run_cli("init", "taken", cwd=tmp_path)
    assert done.returncode == 2
    assert "agentspec: taken is a file, not a directory" in done.stderr
