"""``--format text|json|sarif|github`` of check and compile, ``--strict``, counts and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from agentspec.cli import main
from codegen_support import PREAMBLE, REPO, write_spec

SARIF_SCHEMA = json.loads((REPO / "tests/data/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

ERRORS = PREAMBLE + """
coordinator front { model "claude-sonnet-4-6"  routes [b] }
specialist b { model "claude-haiku-4-5"  tools [zzz, yyy] }
"""

WARNING = PREAMBLE + """
coordinator front { model "claude-sonnet-4-6"  routes [helper] }
scenario "nothing yet" { }
specialist helper { model "claude-haiku-4-5" }
"""


OK = 'coordinator front { model "claude-sonnet-4-6"  routes [helper] }\nspecialist helper { model "claude-haiku-4-5" }\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """specs/bad.agentspec (two errors), specs/ok.agentspec (clean), specs/warn.agentspec (a warning)."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    write_spec(tmp_path, "specs/bad.agentspec", ERRORS)
    write_spec(tmp_path, "specs/warn.agentspec", WARNING)
    write_spec(tmp_path, "specs/ok.agentspec", PREAMBLE + OK)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)  # set when these tests run in GitHub Actions
    return tmp_path


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_summary_counts_the_files_with_problems(project: Path, capsys) -> None:
    code, out, _ = run(["check", "specs"], capsys)
    assert code == 1
    assert out.rstrip().endswith("2 errors, 1 warning in 2 files")  # of 3 files checked
    code, out, _ = run(["check", "specs/bad.agentspec", "specs/ok.agentspec"], capsys)
    assert out.rstrip().endswith("2 errors in 1 file")
    assert run(["check", "specs/ok.agentspec"], capsys)[1] == "no problems in 1 file\n"


def test_json_is_the_list_of_diagnostics(project: Path, capsys) -> None:
    code, out, err = run(["check", "specs", "--format", "json"], capsys)
    assert code == 1
    items = json.loads(out)
    assert [(d["path"], d["line"], d["code"], d["severity"]) for d in items] == [
        ("specs/bad.agentspec", 5, "E101", "error"),
        ("specs/bad.agentspec", 5, "E101", "error"),
        ("specs/warn.agentspec", 5, "W102", "warning"),
    ]
    assert err.strip() == "2 errors, 1 warning in 2 files"


def test_sarif_is_valid_against_the_2_1_0_schema(project: Path, capsys) -> None:
    code, out, err = run(["check", "specs", "--format", "sarif"], capsys)
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    jsonschema.validate(log, SARIF_SCHEMA, cls=jsonschema.Draft4Validator)
    run_ = log["runs"][0]
    assert log["version"] == "2.1.0" and run_["tool"]["driver"]["name"] == "agentspec"
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["E101", "W102"]
    assert rules[0]["helpUri"].endswith("/docs/diagnostics.md#e101-unknown-tool")
    results = run_["results"]
    assert [(r["ruleId"], r["level"], rules[r["ruleIndex"]]["id"]) for r in results] == [
        ("E101", "error", "E101"), ("E101", "error", "E101"), ("W102", "warning", "W102")
    ]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "specs/bad.agentspec", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 5, "startColumn": 49, "endLine": 5, "endColumn": 52}
    assert str(project) not in out, "no absolute path: the log is the same on every machine"
    results[0]["level"] = "fatal"  # the schema does reject what code scanning would
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, SARIF_SCHEMA, cls=jsonschema.Draft4Validator)
    assert err.strip() == "2 errors, 1 warning in 2 files"


def test_a_clean_sarif_log_is_valid_too(project: Path, capsys) -> None:
    code, out, _ = run(["check", "specs/ok.agentspec", "--format", "sarif"], capsys)
    assert code == 0
    jsonschema.validate(json.loads(out), SARIF_SCHEMA, cls=jsonschema.Draft4Validator)
    assert json.loads(out)["runs"][0]["results"] == []


def test_sarif_uris_are_relative_to_the_project_root_from_any_directory(project: Path, capsys, monkeypatch) -> None:
    from_root = run(["check", "specs", "--format", "sarif"], capsys)[1]
    monkeypatch.chdir(project / "specs")
    assert run(["check", ".", "--format", "sarif"], capsys)[1] == from_root
    assert run(["check", str(project / "specs"), "--format", "sarif"], capsys)[1] == from_root


def test_github_annotations(project: Path, capsys) -> None:
    code, out, err = run(["check", "specs", "--format", "github"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "::error file=specs/bad.agentspec,line=5,col=49,endLine=5,endColumn=52,title=E101::unknown tool `zzz`",
        "::error file=specs/bad.agentspec,line=5,col=54,endLine=5,endColumn=57,title=E101::unknown tool `yyy`",
        "::warning file=specs/warn.agentspec,line=5,col=10,endLine=5,endColumn=23,title=W102::"
        'scenario "nothing yet" is empty%0Ahint: give it a `run { ... }` (or `mock_response`) and an `expect { ... }`',
    ]


def test_github_files_are_relative_to_the_checkout_from_any_directory(project: Path, capsys, monkeypatch) -> None:
    # GitHub resolves `file=` against the checkout: a path relative to the working directory,
    # or an absolute one, would put no annotation on the pull request
    from_root = run(["check", "specs", "--format", "github"], capsys)[1]
    assert "file=specs/bad.agentspec" in from_root
    monkeypatch.chdir(project / "specs")
    assert run(["check", ".", "--format", "github"], capsys)[1] == from_root
    assert run(["check", str(project / "specs"), "--format", "github"], capsys)[1] == from_root
    code, out, _ = run(["compile", ".", "-o", "../out", "--format", "github"], capsys)
    assert code == 1 and out.startswith("::error file=specs/bad.agentspec,")
    # a project in a subdirectory of the repository: relative to the checkout, GITHUB_WORKSPACE
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.parent))
    assert f"file={project.name}/specs/bad.agentspec," in run(["check", ".", "--format", "github"], capsys)[1]


def test_a_spec_from_stdin_keeps_its_name_in_github_and_sarif(project: Path, capsys, monkeypatch) -> None:
    import io

    monkeypatch.chdir(project / "specs")
    for output_format in ("github", "sarif"):
        monkeypatch.setattr("sys.stdin", io.StringIO(ERRORS))
        out = run(["check", "-", "--format", output_format], capsys)[1]
        assert ("file=<stdin>," in out) if output_format == "github" else ('"uri": "%3Cstdin%3E"' in out)


def test_github_escapes_what_would_end_a_command() -> None:
    from agentspec.commands.formats import to_github

    item = {"code": "E1", "severity": "error", "message": "50% a\nb", "hint": None, "path": "a,b:c.agentspec",
            "line": 1, "column": 2, "end_line": 1, "end_column": 3}
    assert to_github([item]) == "::error file=a%2Cb%3Ac.agentspec,line=1,col=2,endLine=1,endColumn=3,title=E1::50%25 a%0Ab"


def test_strict_makes_warnings_fail(project: Path, capsys) -> None:
    assert run(["check", "specs/warn.agentspec"], capsys)[0] == 0
    assert run(["check", "specs/warn.agentspec", "--strict"], capsys)[0] == 1
    code, out, err = run(["compile", "specs/warn.agentspec", "-o", "out", "--strict"], capsys)
    assert code == 1 and "--strict, and there are warnings" in err and not (project / "out").exists()


def test_strict_from_the_configuration_and_overridden_by_a_flag(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text("[tool.agentspec]\nstrict = true\n")
    assert run(["check", "specs/warn.agentspec"], capsys)[0] == 1
    assert run(["check", "specs/warn.agentspec", "--no-strict"], capsys)[0] == 0


def test_compile_json_is_one_document_listing_the_files(project: Path, capsys) -> None:
    code, out, err = run(["compile", "specs/warn.agentspec", "specs/ok.agentspec", "-o", "out", "--format", "json"], capsys)
    assert code == 0, err
    document = json.loads(out)
    assert document["ok"] is True and document["out"] == "out"
    assert document["written"] == ["out/ok_runtime.py", "out/test_warn.py", "out/warn_runtime.py"]
    assert document["unchanged"] == [] and document["removed"] == []
    assert [d["code"] for d in document["diagnostics"]] == ["W102"]
    (project / "specs/ok.agentspec").unlink()
    document = json.loads(run(["compile", "specs", "-o", "out", "--format", "json"], capsys)[1])
    assert document["ok"] is False  # bad.agentspec has errors: nothing written
    (project / "specs/bad.agentspec").unlink()
    code, out, _ = run(["compile", "specs", "-o", "out", "--format", "json", "--check"], capsys)
    document = json.loads(out)
    assert code == 1 and document["ok"] is False and document["would_remove"] == ["out/ok_runtime.py"]
    code, out, _ = run(["compile", "specs", "-o", "out", "--format", "json"], capsys)
    document = json.loads(out)
    assert code == 0 and document["removed"] == ["out/ok_runtime.py"]
    assert document["unchanged"] == ["out/test_warn.py", "out/warn_runtime.py"]


def test_compile_sarif_and_github(project: Path, capsys) -> None:
    code, out, err = run(["compile", "specs", "-o", "out", "--format", "sarif"], capsys)
    assert code == 1
    jsonschema.validate(json.loads(out), SARIF_SCHEMA, cls=jsonschema.Draft4Validator)
    assert "nothing was written" in err
    code, out, _ = run(["compile", "specs", "-o", "out", "--format", "github"], capsys)
    assert code == 1 and out.startswith("::error file=specs/bad.agentspec,line=5,col=49")


def subcommands() -> list[str]:
    """Every subcommand the parser has (so a new one is covered without editing this test)."""
    import argparse

    from agentspec.cli import build_parser

    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(commands.choices)


def test_the_subcommands_are_all_found() -> None:
    assert {"check", "compile", "fmt", "record", "report", "init", "graph", "lsp"} <= set(subcommands())


@pytest.mark.parametrize("command", subcommands())
def test_every_subcommand_has_version(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("agentspec ")


@pytest.mark.parametrize("command", ["check", "compile", "fmt"])
def test_an_empty_directory_is_a_usage_error_for_every_command(command: str, project: Path, capsys) -> None:
    (project / "empty").mkdir()
    assert main([command, "empty", "-o", "out"] if command == "compile" else [command, "empty"]) == 2
    assert "no .agentspec files found in empty" in capsys.readouterr().err


def test_help_points_at_the_published_docs(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "Documentation: https://github.com/agentspec/agentspec/blob/main/docs/language.md" in capsys.readouterr().out


def test_the_reference_synopsis_names_every_command_and_option() -> None:
    """docs/language.md's "The command line" stays true to the parser."""
    import argparse

    from agentspec.cli import build_parser

    section = (REPO / "docs/language.md").read_text(encoding="utf-8").split("## The command line", 1)[1]
    synopsis = section.split("```text", 1)[1].split("```", 1)[0]
    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    missing = []
    for name, parser in commands.choices.items():
        lines = [line for line in synopsis.splitlines() if (line + " ").startswith(f"agentspec {name} ")]
        if not lines:
            missing.append(name)
            continue
        start = synopsis.index(lines[0])
        usage = synopsis[start:].split("\nagentspec ", 1)[0]  # with its continuation lines
        for action in parser._actions:
            options = [o for o in action.option_strings if o not in ("-h", "--help", "--version")]
            if options and not any(re.search(rf"(?<![\w-]){o}\b", usage) for o in options):
                missing.append(f"{name} {options[0]}")
    assert missing == []
