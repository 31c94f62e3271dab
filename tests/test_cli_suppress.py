"""Suppression comments (``# agentspec: ignore[CODE]``, ``ignore-file[...]``) and ``-`` for stdin."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from agentspec.cli import main
from agentspec.formatter import format_source
from codegen_support import PREAMBLE, write_spec

NOISY = PREAMBLE + """coordinator front { model "claude-sonnet-4-6"  routes [helper] }
scenario "nothing yet" { }
specialist lonely { model "claude-haiku-4-5" }
specialist alone { model "claude-haiku-4-5" }
specialist helper { model "claude-haiku-4-5" }
"""  # W102 on line 4, W101 on lines 5 and 6


def codes(capsys, *argv: str) -> list[tuple[str, int]]:
    assert main(["check", *argv, "--format", "json"]) == 0
    return [(d["code"], d["line"]) for d in json.loads(capsys.readouterr().out)]


@pytest.fixture
def at(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def write(text: str) -> str:
        write_spec(tmp_path, "s.agentspec", text)
        return "s.agentspec"

    return write


def test_without_comments_every_warning_is_reported(at, capsys) -> None:
    assert codes(capsys, at(NOISY)) == [("W102", 4), ("W101", 5), ("W101", 6)]


def test_a_trailing_comment_after_a_closing_brace_silences_the_declaration(at, capsys) -> None:
    text = NOISY.replace('specialist lonely { model "claude-haiku-4-5" }', 'specialist lonely {\n  model "claude-haiku-4-5"\n}  # agentspec: ignore[W101]')
    assert codes(capsys, at(text)) == [("W102", 4), ("W101", 8)]


def test_a_trailing_comment_silences_its_line_only(at, capsys) -> None:
    text = NOISY.replace('specialist lonely { model "claude-haiku-4-5" }', '& # agentspec: ignore[W101]'.replace(
        "&", 'specialist lonely { model "claude-haiku-4-5" }'))
    assert codes(capsys, at(text)) == [("W102", 4), ("W101", 6)]


def test_a_comment_on_its_own_line_silences_the_next(at, capsys) -> None:
    text = NOISY.replace('scenario "nothing yet"', '# agentspec: ignore[W102, W999]\nscenario "nothing yet"')
    assert codes(capsys, at(text)) == [("W101", 6), ("W101", 7)]


def test_only_the_named_code_is_silenced(at, capsys) -> None:
    text = NOISY.replace('scenario "nothing yet" { }', 'scenario "nothing yet" { }  # agentspec: ignore[W101]')
    assert codes(capsys, at(text)) == [("W102", 4), ("W101", 5), ("W101", 6)]


def test_ignore_file_silences_a_code_everywhere_in_the_file(at, capsys) -> None:
    assert codes(capsys, at("# agentspec: ignore-file[W101]\n" + NOISY)) == [("W102", 5)]


def test_errors_cannot_be_silenced(at, capsys) -> None:
    text = PREAMBLE + 'specialist b { model "claude-haiku-4-5"  tools [zzz] }  # agentspec: ignore[E101]\n'
    assert main(["check", at("# agentspec: ignore-file[E101]\n" + text)]) == 1
    assert "error[E101]: unknown tool `zzz`" in capsys.readouterr().out


def test_a_lookalike_inside_a_string_is_not_a_comment(at, capsys) -> None:
    text = NOISY.replace('scenario "nothing yet"', 'scenario "# agentspec: ignore[W102]"')
    assert ("W102", 4) in codes(capsys, at(text))


def test_the_formatter_keeps_the_comments_and_what_they_silence(at, capsys) -> None:
    text = "# agentspec: ignore-file[W102]\n" + NOISY.replace(
        'specialist lonely { model "claude-haiku-4-5" }',
        '# agentspec: ignore[W101]\nspecialist lonely {   model "claude-haiku-4-5" }',
    ).replace('specialist alone { model "claude-haiku-4-5" }', 'specialist alone { model "claude-haiku-4-5" }  # agentspec: ignore[W101]')
    before = codes(capsys, at(text))
    formatted = format_source(text, "s.agentspec").text
    assert formatted is not None and formatted != text
    assert formatted.count("# agentspec: ignore") == 3
    assert codes(capsys, at(formatted)) == before == []


def test_check_reads_stdin(monkeypatch, tmp_path: Path, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PREAMBLE + 'specialist b { model "claude-haiku-4-5"  tools [zzz] }\n'))
    assert main(["check", "-"]) == 1
    out = capsys.readouterr().out
    assert "<stdin>:3:49: error[E101]: unknown tool `zzz`" in out and out.rstrip().endswith("1 error, 1 warning in 1 file")


def test_check_stdin_filename_names_it_and_places_its_imports(monkeypatch, tmp_path: Path, capsys) -> None:
    write_spec(tmp_path, "specs/common.agentspec", PREAMBLE + "tool zzz() { returns { ok: true } }\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO('import "common.agentspec"\n# agentspec: ignore[W101]\nspecialist b { model "claude-haiku-4-5"  tools [zzz] }\n'))
    assert main(["check", "-", "--stdin-filename", "specs/app.agentspec"]) == 0, capsys.readouterr().out


def test_fmt_formats_stdin_onto_stdout(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('tenant acme   version "v1"\n'))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == 'tenant acme version "v1"\n'
    monkeypatch.setattr("sys.stdin", io.StringIO('tenant acme   version "v1"\n'))
    assert main(["fmt", "-", "--check"]) == 1
    assert capsys.readouterr().out == ""


def test_fmt_stdin_with_syntax_errors_prints_only_diagnostics(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("tenant (\n"))
    assert main(["fmt", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "<stdin>:1:8: error[E001]" in captured.err


def test_stdin_must_be_the_only_path(capsys) -> None:
    assert main(["check", "-", "specs"]) == 2
    assert "- (stdin) must be the only PATH" in capsys.readouterr().err


def test_compile_honours_the_comments_cold_and_from_its_record(at, capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AGENTSPEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AGENTSPEC_NO_CACHE", raising=False)
    text = "# agentspec: ignore-file[W101]\n" + NOISY.replace('scenario "nothing yet" { }', 'scenario "nothing yet" { }  # agentspec: ignore[W102]')
    spec = at(text)
    for _ in range(2):  # a full compile, then one answered from the unit record
        assert main(["compile", spec, "-o", "out", "--format", "json", "--strict"]) == 0
        assert json.loads(capsys.readouterr().out)["diagnostics"] == []
    write_spec(tmp_path, "s.agentspec", text.replace("# agentspec: ignore-file[W101]\n", "# nothing\n"))
    assert main(["compile", spec, "-o", "out", "--format", "json"]) == 0  # an edit: compiled again
    assert [d["code"] for d in json.loads(capsys.readouterr().out)["diagnostics"]] == ["W101", "W101"]
