"""The writer: outputs stay inside OUTDIR, foreign files are never touched, writes are atomic."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from agentspec.codegen.header import escape, header, is_generated, spec_of, unescape
from agentspec.writer import WriteRefused, apply, plan_writes


@dataclass
class Out:
    name: str
    content: str


GOOD = header("specs/a.agentspec") + "x = 1\n"


@pytest.mark.parametrize("name", ["../escape.py", "/etc/passwd.py", "sub/dir.py", "a.txt", "..py", "", "a.py\n"])
def test_names_that_could_leave_outdir_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(WriteRefused, match="not a valid output file name"):
        plan_writes(tmp_path / "out", [Out(name, GOOD)])
    assert not (tmp_path / "escape.py").exists()


def test_a_symlink_in_outdir_is_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text(GOOD)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.py").symlink_to(outside)
    with pytest.raises(WriteRefused, match="not a regular file"):
        plan_writes(out, [Out("a.py", GOOD + "y = 2\n")])
    assert outside.read_text() == GOOD


def test_refusal_is_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.py").write_text("hand written\n")
    with pytest.raises(WriteRefused) as exc:
        plan_writes(out, [Out("a.py", GOOD), Out("b.py", GOOD)])
    assert len(exc.value.problems) == 1
    assert sorted(p.name for p in out.iterdir()) == ["b.py"]


def test_plan_then_apply(tmp_path: Path) -> None:
    out = tmp_path / "out"
    plan = plan_writes(out, [Out("a.py", GOOD)])
    assert [t.name for t, _ in plan.changed] == ["a.py"] and not out.exists()
    apply(plan)
    assert (out / "a.py").read_text() == GOOD
    assert oct((out / "a.py").stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    again = plan_writes(out, [Out("a.py", GOOD)])
    assert again.up_to_date and [t.name for t in again.unchanged] == ["a.py"]


def test_stale_files_are_only_generated_ones_whose_spec_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.py").write_text(header("specs/gone.agentspec") + "x = 1\n")
    (out / "kept.py").write_text(header("specs/here.agentspec") + "x = 1\n")
    (out / "mine.py").write_text("# hand written\n")
    plan = plan_writes(out, [], spec_exists=lambda p: p == "specs/here.agentspec")
    assert [(t.name, spec) for t, spec in plan.stale] == [("old.py", "specs/gone.agentspec")]


@pytest.mark.parametrize("path", ["specs/a.agentspec", "we\nird\\path.agentspec", "tab\there", "東京.agentspec", "x. Do not edit.y"])
def test_header_records_any_spec_path_on_one_line(path: str) -> None:
    text = header(path)
    first = text.split("\n")[0]
    assert is_generated(text)
    assert spec_of(text) == path
    assert "\n" not in first and "\r" not in first
    assert unescape(escape(path)) == path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
