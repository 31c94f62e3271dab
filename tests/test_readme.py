"""The README's examples work as printed: the spec checks clean, the runtime tour runs,
and the Quickstart has exactly the two commands CI relies on."""

import re
import subprocess
import sys
from pathlib import Path

from agentspec.checker import check
from agentspec.loader import load

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README, re.S | re.M)


def test_readme_specs_check_without_any_diagnostic(tmp_path):
    specs = blocks("agentspec")
    assert specs, "the README shows at least one spec"
    for number, text in enumerate(specs):
        path = tmp_path / f"readme_{number}.agentspec"
        path.write_text(text, encoding="utf-8")
        program = load([str(path)])
        problems = program.diagnostics + check(program)
        assert problems == [], [f"{d.code} {d.message}" for d in problems]


def test_readme_runtime_tour_runs_and_streams_the_documented_events():
    (tour,) = [b for b in blocks("python") if "create_runtime" in b]
    done = subprocess.run([sys.executable, "-c", tour], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    events = done.stdout.split()
    assert events[:2] == ["tool-agent", "step-start"]
    assert events[events.index("finish") :] == ["finish", "data-cost-summary", "data-latency-summary"]
    assert events.index("approval-required") < events.index("approval-decision")


def test_quickstart_has_two_commands_and_ci_runs_the_test_command():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    (shell,) = re.findall(r"```sh\n(.*?)```", quickstart, re.S)
    commands = [line for line in shell.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    main_job, test_suite = commands
    assert "agentspec compile specs -o generated" in main_job and "pytest generated" in main_job
    # the main job also renders the scored specs' artifacts as the HTML report
    assert main_job.index("pytest generated") < main_job.index("agentspec report agentspec-results")
    # both distributions from this checkout: the runtime (runtime/pyproject.toml) and the compiler
    assert "-e ./runtime -e ." in main_job
    assert "-e './runtime[testing]' -e '.[test]'" in test_suite
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_suite in ci
    # CI installs the browser the report's browser test needs before it runs the suite
    assert "apt-get install -y -q chromium" in ci
    assert ci.index("apt-get install -y -q chromium") < ci.index(test_suite)


def test_tutorial_diagnostics_are_what_agentspec_check_prints(tmp_path, monkeypatch, capsys):
    from agentspec.cli import main

    (printed,) = [b for b in blocks("text") if "error[E101]" in b]
    spec = blocks("agentspec")[0].replace("tools [search_flights]", "tools [serch_flights]")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "hello.agentspec").write_text(spec, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "specs/"]) == 1
    out = capsys.readouterr()
    assert (out.out + out.err).strip() == printed.strip()


def test_your_own_code_section_makes_a_project_s_modules_importable_as_printed(tmp_path, monkeypatch, capsys):
    from agentspec.cli import main

    table = next(b for b in blocks("toml") if "[tool.agentspec]" in b and "pythonpath" in b)  # "Your own code"
    assert "--pythonpath" in README  # and says how to add a folder for one run
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    package = tmp_path / "src" / "readme_app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "tools.py").write_text("async def lookup(args, ctx):\n    return {}\n")
    spec = 'tenant acme\ntool lookup(q: str) { handler "readme_app.tools:HANDLER" }\n'
    monkeypatch.chdir(tmp_path)
    (tmp_path / "desk.agentspec").write_text(spec.replace("HANDLER", "lookup"), encoding="utf-8")
    assert main(["check", "desk.agentspec"]) == 0, capsys.readouterr().out
    (tmp_path / "desk.agentspec").write_text(spec.replace("HANDLER", "lookpu"), encoding="utf-8")
    assert main(["check", "desk.agentspec"]) == 1
    out = capsys.readouterr().out
    assert "error[E110]" in out and "lookup" in out  # found on the README's path, with a did-you-mean
