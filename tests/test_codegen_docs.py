"""docs/language.md stays true: every ```agentspec block parses, and the complete
example at the top checks cleanly, compiles, and its generated test passes."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from agentspec.checker import check
from agentspec.cli import main
from agentspec.diagnostics import has_errors
from agentspec.loader import load
from agentspec.syntax.parser import parse
from codegen_support import REPO, imported

DOC = REPO / "docs" / "language.md"
BLOCKS = re.findall(r"^```agentspec\n(.*?)^```", DOC.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_reference_has_examples() -> None:
    assert len(BLOCKS) >= 15


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_every_example_parses(index: int) -> None:
    result = parse(BLOCKS[index], f"docs/language.md#example-{index + 1}")
    assert result.spec is not None and result.diagnostics == [], [d.message for d in result.diagnostics]


def test_the_complete_example_compiles_and_its_test_passes(tmp_path: Path) -> None:
    (tmp_path / "travel.agentspec").write_text(BLOCKS[0], encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        program = load(["travel.agentspec"])
        assert not has_errors(program.diagnostics + check(program))
        assert main(["compile", "travel.agentspec", "-o", "generated"]) == 0
    finally:
        os.chdir(cwd)
    with imported(tmp_path / "generated", "travel_runtime", "test_travel") as (_, tests):
        tests.test_book_sfo_to_nrt()


#: Blocks that declare a tenant are whole spec files: each checks cleanly (its import
#: paths too, against examples/), compiles, and every test it generates passes.
WHOLE_FILES = [index for index, block in enumerate(BLOCKS) if re.search(r"^tenant ", block, re.M)]


@pytest.mark.parametrize("index", WHOLE_FILES)
def test_every_whole_spec_example_checks_compiles_and_passes(index: int, tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "example.agentspec").write_text(BLOCKS[index], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(REPO / "examples"))
    assert main(["check", "example.agentspec", "--pythonpath", str(REPO / "examples")]) == 0, capsys.readouterr().out
    assert main(["compile", "example.agentspec", "-o", "generated"]) == 0
    if not (tmp_path / "generated" / "test_example.py").exists():
        return  # a fragment with nothing to run (e.g. a lone tenant)
    with imported(tmp_path / "generated", "example_runtime", "test_example") as (_, tests):
        names = [name for name in dir(tests) if name.startswith("test_")]
        assert names
        for name in names:
            getattr(tests, name)()
