"""``agentspec check`` and the top-level CLI: diagnostics, summary, exit codes, help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentspec.cli import main
from codegen_support import PREAMBLE, REPO, run_cli, write_spec

TWO_ERRORS = PREAMBLE + """
coordinator front { model "claude-sonnet-4-6"  routes [b, a] }
specialist b { model "claude-haiku-4-5"  tools [zzz] }
specialist a { model "claude-haiku-4-5"  tools [yyy] }
"""

ONLY_A_WARNING = PREAMBLE + """
coordinator front { model "claude-sonnet-4-6"  routes [helper] }
specialist helper { model "claude-haiku-4-5" }
scenario "nothing yet" { }
"""


def test_clean_specs_exit_0_with_a_summary(capsys) -> None:
    assert main(["check", str(REPO / "specs")]) == 0
    files = len(list((REPO / "specs").glob("*.agentspec")))
    assert capsys.readouterr().out.strip() == f"no problems in {files} files"


def test_errors_are_all_reported_sorted_and_exit_1(tmp_path: Path, monkeypatch, capsys) -> None:
    write_spec(tmp_path, "z.agentspec", TWO_ERRORS)
    write_spec(tmp_path, "a.agentspec", TWO_ERRORS)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 1
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if ": error[" in line]
    assert headers == [
        "a.agentspec:5:49: error[E101]: unknown tool `zzz`",
        "a.agentspec:6:49: error[E101]: unknown tool `yyy`",
        "z.agentspec:5:49: error[E101]: unknown tool `zzz`",
        "z.agentspec:6:49: error[E101]: unknown tool `yyy`",
    ]
    assert "5 | specialist b {" in out
    assert out.rstrip().endswith("4 errors in 2 files")


def test_warnings_alone_exit_0(tmp_path: Path, monkeypatch, capsys) -> None:
    write_spec(tmp_path, "w.agentspec", ONLY_A_WARNING)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "w.agentspec"]) == 0
    out = capsys.readouterr().out
    assert "w.agentspec:6:10: warning[W102]: scenario \"nothing yet\" is empty" in out
    assert out.rstrip().endswith("1 warning in 1 file")


def test_format_json(tmp_path: Path, monkeypatch, capsys) -> None:
    write_spec(tmp_path, "a.agentspec", TWO_ERRORS)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a.agentspec", "--format", "json"]) == 1
    captured = capsys.readouterr()
    items = json.loads(captured.out)
    assert [(d["code"], d["severity"], d["line"], d["column"], d["message"]) for d in items] == [
        ("E101", "error", 5, 49, "unknown tool `zzz`"),
        ("E101", "error", 6, 49, "unknown tool `yyy`"),
    ]
    assert captured.err.strip() == "2 errors in 1 file"


def test_syntax_errors_are_diagnostics_not_tracebacks(tmp_path: Path, monkeypatch, capsys) -> None:
    write_spec(tmp_path, "bad.agentspec", "tool (\n\x00\xff")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "bad.agentspec"]) == 1
    out = capsys.readouterr().out
    assert "bad.agentspec:1:6: error[E001]" in out
    assert "Traceback" not in out


def test_missing_path_exits_2(capsys) -> None:
    assert main(["check", "/no/such/spec.agentspec"]) == 2
    assert "no such file or directory: /no/such/spec.agentspec" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys) -> None:
    assert main([]) == 2
    assert "usage: agentspec" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--help"], ["compile", "--help"], ["check", "--help"]])
def test_help_teaches_and_exits_0(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "usage: agentspec" in out
    if argv == ["--help"]:
        assert "agentspec compile specs/ -o generated/" in out
        assert "exit codes" in out
    if argv[0] == "compile":
        assert "--check" in out and "--harness" in out and "OUTDIR" in out


def test_version_as_a_process() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("agentspec ")


def test_version_is_answered_before_argparse_or_the_compiler_loads() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from agentspec.cli import main; code = main(['--version']); "
        "loaded = [m for m in ('argparse', 'traceback', 'lark', 'pydantic', 'jinja2') if m in sys.modules]; "
        "print(code, loaded)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 []"
    assert done.stdout.startswith("agentspec ")
