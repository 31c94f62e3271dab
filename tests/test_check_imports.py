"""`agentspec check` resolves a spec's import paths on the project's Python path
(E110, with a did-you-mean) by reading files, never by importing user code."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentspec.import_targets import top_level_names
from agentspec.cli import main

from codegen_support import PREAMBLE, write_spec

SPEC = PREAMBLE + """
tool book(id: str) {
  handler "{handler}"
}

specialist desk {
  model "claude-haiku-4-5"
  tools [book]
}
"""

# importing either file would leave a mark: checking must not
SIDE_EFFECT = """
from pathlib import Path
Path(__file__).with_name("IMPORTED_{name}").write_text("ran")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project whose app lives in app/ (on [tool.agentspec] pythonpath): a package
    ``deskapp_e110`` that writes a file whenever it or its module is imported."""
    (tmp_path / "pyproject.toml").write_text('[tool.agentspec]\npythonpath = ["app"]\n', encoding="utf-8")
    package = tmp_path / "app" / "deskapp_e110"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(SIDE_EFFECT.replace("{name}", "package"), encoding="utf-8")
    (package / "tools.py").write_text(
        SIDE_EFFECT.replace("{name}", "tools")
        + "\nasync def book_desk(args, ctx):\n    return {}\n\nclass Handlers:\n    pass\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(project: Path, handler: str, capsys, *extra: str) -> tuple[int, str]:
    write_spec(project, "specs/desk.agentspec", SPEC.replace("{handler}", handler))
    code = main(["check", "specs", *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def imported(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "app" / "deskapp_e110").glob("IMPORTED_*"))


def test_a_resolving_handler_checks_clean_without_importing_the_module(project: Path, capsys) -> None:
    code, out = check(project, "deskapp_e110.tools:book_desk", capsys)
    assert code == 0, out
    assert "E110" not in out
    assert imported(project) == []  # neither the package's __init__ nor the module ran


def test_a_misspelt_attribute_is_e110_at_the_path_with_a_did_you_mean(project: Path, capsys) -> None:
    code, out = check(project, "deskapp_e110.tools:book_dsk", capsys)
    assert code == 1, out
    line = SPEC.splitlines().index('  handler "{handler}"') + 1
    assert f"specs/desk.agentspec:{line}:11: error[E110]: handler \"deskapp_e110.tools:book_dsk\": " in out
    assert "`book_dsk` is not defined in module `deskapp_e110.tools` (tools.py)" in out
    assert "hint: did you mean `book_desk`?" in out
    assert imported(project) == []


def test_a_misspelt_module_is_e110_naming_the_missing_part(project: Path, capsys) -> None:
    code, out = check(project, "deskapp_e110.tool:book_desk", capsys)
    assert code == 1, out
    assert "module `deskapp_e110.tool` not found: no `tool` in package `deskapp_e110`" in out
    assert "hint: did you mean `tools`?" in out
    code, out = check(project, "deskap_e110.tools:book_desk", capsys)
    assert code == 1 and "no `deskap_e110` on the project's Python path" in out, out
    assert "hint: did you mean `deskapp_e110`?" in out
    assert imported(project) == []


def test_pythonpath_flag_adds_a_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "src" / "flagapp_e110").mkdir(parents=True)
    (tmp_path / "src" / "flagapp_e110" / "handlers.py").write_text("def book(args, ctx):\n    return {}\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out = check(tmp_path, "flagapp_e110.handlers:book", capsys)
    assert code == 1 and "no `flagapp_e110` on the project's Python path" in out, out
    assert "[tool.agentspec]" in out  # the hint says how to make it importable
    code, out = check(tmp_path, "flagapp_e110.handlers:book", capsys, "--pythonpath", "src")
    assert code == 0, out


def test_a_submodule_is_an_attribute_of_its_package(project: Path, capsys) -> None:
    code, out = check(project, "deskapp_e110:tools", capsys)
    assert code == 0, out


def test_only_the_first_part_of_a_dotted_attribute_is_looked_up(project: Path, capsys) -> None:
    code, out = check(project, "deskapp_e110.tools:Handlers.book", capsys)
    assert code == 0, out
    code, out = check(project, "deskapp_e110.tools:Handler.book", capsys)
    assert code == 1 and "did you mean `Handlers`?" in out, out


@pytest.mark.parametrize(
    "source",
    [
        "def __getattr__(name):\n    return lambda args, ctx: {}\n",
        "from os.path import *\n",
        "globals()['book_desk'] = lambda args, ctx: {}\n",
    ],
    ids=["module __getattr__", "star import", "globals()"],
)
def test_a_module_that_defines_names_dynamically_is_accepted(project: Path, capsys, source: str) -> None:
    (project / "app" / "deskapp_e110" / "dynamic.py").write_text(source, encoding="utf-8")
    code, out = check(project, "deskapp_e110.dynamic:anything", capsys)
    assert code == 0, out


def test_top_level_names_are_what_the_module_binds_when_it_runs(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import os.path\nfrom json import loads as parse\nA, (B, *C) = 1, (2, 3)\nD: int = 1\nE: int\n"
        "if True:\n    def F(): pass\nelse:\n    class G:\n        H = 1\ntry:\n    import I\nexcept ImportError:\n    I = None\n"
        "for J in []: pass\nwith open(__file__) as K: pass\n(L := 1)\n"
        "def setter():\n    global M\n    M = 1\n    N = 2\n",
        encoding="utf-8",
    )
    names = top_level_names(module)
    assert not names.dynamic and names.problem is None
    assert {"os", "parse", "A", "B", "C", "D", "F", "G", "I", "J", "K", "L", "M", "setter"} <= names.defined
    assert not {"E", "H", "N", "loads", "path"} & names.defined


def test_a_module_that_does_not_parse_is_reported(project: Path, capsys) -> None:
    (project / "app" / "deskapp_e110" / "broken.py").write_text("def book(:\n", encoding="utf-8")
    code, out = check(project, "deskapp_e110.broken:book", capsys)
    assert code == 1 and "module `deskapp_e110.broken` cannot be read" in out, out


def test_the_example_specs_check_clean_with_the_repository_pyproject(monkeypatch, capsys) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    assert main(["check", "specs"]) == 0, capsys.readouterr().out
