"""``agentspec fmt``: in-place rewrite, --check, --diff, syntax errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentspec import atomic, formatter
from agentspec.cli import main

ROOT = Path(__file__).resolve().parent.parent
UGLY = 'tenant acme\ntool t() { approval always }\n'
PRETTY = "tenant acme\n\ntool t() {\n  approval always\n}\n"
BROKEN = 'tenant acme\ntool t( { }\n'


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_fmt_rewrites_files_in_place_and_reports_them(workdir, capsys):
    ugly = write(workdir / "specs" / "a.agentspec", UGLY)
    pretty = write(workdir / "specs" / "nested" / "b.agentspec", PRETTY)
    assert main(["fmt", "specs"]) == 0
    assert ugly.read_text() == PRETTY
    assert pretty.read_text() == PRETTY
    out = capsys.readouterr().out
    assert os.path.join("specs", "a.agentspec") in out
    assert "b.agentspec" not in out


def test_unchanged_files_are_not_rewritten(workdir, monkeypatch):
    write(workdir / "a.agentspec", PRETTY)
    replaced = []
    monkeypatch.setattr(atomic.os, "replace", lambda *a: replaced.append(a))
    assert main(["fmt", "a.agentspec"]) == 0
    assert replaced == []


def test_writes_are_atomic_and_keep_permissions(workdir, monkeypatch):
    path = write(workdir / "a.agentspec", UGLY)
    os.chmod(path, 0o640)
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        calls.append((src, dst, Path(src).read_text()))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", spy)
    assert main(["fmt", "a.agentspec"]) == 0
    ((src, dst, content),) = calls
    assert Path(src).parent == workdir and dst == "a.agentspec" and content == PRETTY
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in workdir.iterdir()) == ["a.agentspec"]  # no temp file left


def test_check_lists_files_that_would_change_and_writes_nothing(workdir, capsys):
    write(workdir / "a.agentspec", UGLY)
    write(workdir / "b.agentspec", PRETTY)
    assert main(["fmt", "--check", "."]) == 1
    captured = capsys.readouterr()
    assert captured.out == "would reformat a.agentspec\n"
    assert "1 file would be reformatted (2 checked)" in captured.err
    assert (workdir / "a.agentspec").read_text() == UGLY


def test_check_passes_on_formatted_files(workdir, capsys):
    write(workdir / "b.agentspec", PRETTY)
    assert main(["fmt", "--check", "b.agentspec"]) == 0
    assert capsys.readouterr().out == ""


def test_diff_prints_a_unified_diff_and_writes_nothing(workdir, capsys):
    write(workdir / "a.agentspec", UGLY)
    assert main(["fmt", "--diff", "a.agentspec"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("--- a.agentspec (original)\n+++ a.agentspec (formatted)\n@@ ")
    assert "-tool t() { approval always }\n" in out
    assert "+tool t() {\n+  approval always\n+}\n" in out
    assert (workdir / "a.agentspec").read_text() == UGLY


def test_diff_marks_a_missing_final_newline(workdir, capsys):
    write(workdir / "a.agentspec", "tenant  acme")
    assert main(["fmt", "--diff", "a.agentspec"]) == 0
    assert "-tenant  acme\n\\ No newline at end of file\n+tenant acme\n" in capsys.readouterr().out


def test_files_with_syntax_errors_are_left_untouched_with_diagnostics(workdir, capsys):
    broken = write(workdir / "specs" / "broken.agentspec", BROKEN)
    ugly = write(workdir / "specs" / "ugly.agentspec", UGLY)
    assert main(["fmt", "specs"]) == 1
    assert broken.read_text() == BROKEN
    assert ugly.read_text() == PRETTY  # the other files are still formatted
    err = capsys.readouterr().err
    path = os.path.join("specs", "broken.agentspec")
    assert f"{path}:2:9: error[E001]: unexpected `{{`" in err
    assert "2 | tool t( { }" in err and "^" in err
    assert f"{path}: not formatted (syntax errors)" in err


def test_unreadable_files_are_reported(workdir, capsys):
    (workdir / "latin1.agentspec").write_bytes(b"tenant caf\xe9\n")
    assert main(["fmt", "latin1.agentspec"]) == 1
    assert "error[E006]: file is not valid UTF-8" in capsys.readouterr().err


def test_a_missing_path_is_a_usage_error(workdir, capsys):
    assert main(["fmt", "nowhere.agentspec"]) == 2
    assert "nowhere.agentspec" in capsys.readouterr().err


def test_check_and_diff_are_exclusive(workdir):
    with pytest.raises(SystemExit) as exit_:
        main(["fmt", "--check", "--diff", "."])
    assert exit_.value.code == 2


@pytest.mark.parametrize(
    "source, broken_output, complaint",
    [
        (UGLY, "tenant other", "would change its meaning"),
        ("tenant acme  # why\n", "tenant acme", "would lose or reorder comments"),
        ("tenant acme\n", "tenant {", "does not parse"),
    ],
)
def test_a_formatter_bug_leaves_the_file_untouched_and_exits_3(
    workdir, monkeypatch, capsys, source, broken_output, complaint
):
    path = write(workdir / "a.agentspec", source)
    monkeypatch.setattr(formatter, "render", lambda doc, width: broken_output)
    assert main(["fmt", "a.agentspec"]) == 3
    assert path.read_text() == source
    assert complaint in capsys.readouterr().err


def test_format_source_reports_syntax_errors_without_text():
    result = formatter.format_source(BROKEN, "x.agentspec")
    assert result.text is None
    assert [d.code for d in result.diagnostics] == ["E001"]


def test_nesting_deeper_than_the_compiler_accepts_is_a_diagnostic_not_a_crash():
    from agentspec.syntax.parser import MAX_NESTING

    def nested(depth: int) -> str:
        return "tool t() {\n  returns " + "[" * depth + "]" * depth + "\n}\n"

    deepest = nested(MAX_NESTING - 1)  # with the block's `{`, as deep as the compiler accepts
    formatted = formatter.format_source(deepest, "x.agentspec").text
    assert formatted is not None and formatter.format_source(formatted, "x.agentspec").text == formatted
    result = formatter.format_source(nested(500), "x.agentspec")
    assert result.text is None
    assert [d.code for d in result.diagnostics] == ["E009"]


def test_the_installed_command_runs(workdir):
    write(workdir / "a.agentspec", UGLY)
    done = subprocess.run(
        [sys.executable, "-m", "agentspec", "fmt", "--check", "a.agentspec"], capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stdout == "would reformat a.agentspec\n"


def test_the_specs_directory_is_formatted():
    """`agentspec fmt --check specs` is clean: the examples are in the canonical layout."""
    specs = sorted((ROOT / "specs").rglob("*.agentspec"))
    if not specs:
        pytest.skip("specs/ has no spec files yet")
    done = subprocess.run(
        [sys.executable, "-m", "agentspec", "fmt", "--check", "specs"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, f"run `agentspec fmt specs`:\n{done.stdout}{done.stderr}"
