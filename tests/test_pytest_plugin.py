"""`pytest specs/` runs .agentspec files directly (agentspec.pytest_plugin), and
`--agentspec-shard I/N` splits a suite across machines (agentspec_runtime.sharding).

Each test runs pytest in a subprocess on a small project in a temporary
directory: a copy of this repository's specs/ and examples/ and a
pyproject.toml whose only Python path is `[tool.agentspec] pythonpath`, so the
example handlers import because the plugin honours it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from agentspec.loader import load
from agentspec.paths import discover

pytestmark = pytest.mark.slow  # every test runs pytest in subprocesses

REPO = Path(__file__).resolve().parent.parent

PYPROJECT = """\
[tool.agentspec]
pythonpath = ["examples"]
"""


def pytest_in(cwd: Path, *args: str, cache: bool = False) -> subprocess.CompletedProcess[str]:
    options = [] if cache else ["-p", "no:cacheprovider"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTSPEC_INTERPRETER")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", *options, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def collected(cwd: Path, *args: str) -> list[str]:
    run = pytest_in(cwd, "--collect-only", "-q", *args)
    assert run.returncode == 0, run.stdout + run.stderr
    return [line for line in run.stdout.splitlines() if "::" in line]


def scenario_ids(root: Path) -> set[str]:
    """The node id of every scenario (and score block) in root/specs, from the loader."""
    ids = set()
    for path in discover([str(root / "specs")]):
        spec = load([path]).files[path]
        relative = Path(path).relative_to(root).as_posix()
        for scenario in spec.of_kind("scenario"):
            ids.add(f"{relative}::{scenario.name}")
            if scenario.score is not None:
                ids.add(f"{relative}::{scenario.name}[score]")
    return ids


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    shutil.copytree(REPO / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    return tmp_path


def break_expectation(project: Path, old: str, new: str, spec: str = "specs/travel.agentspec") -> int:
    """Replace the expectation ``old`` by ``new`` in ``spec``; the line it is on."""
    path = project / spec
    lines = path.read_text().splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.strip() == old]
    lines[index] = lines[index].replace(old, new)
    path.write_text("".join(lines))
    return index + 1


def test_pytest_specs_runs_every_example_scenario_of_this_repository(project: Path) -> None:
    expected = scenario_ids(REPO)
    assert len(expected) >= 10
    assert set(collected(REPO, "specs")) == expected
    # the same scenarios as the checked-in generated tests: one item for each generated test
    assert len(collected(REPO, "generated")) == len(expected)
    run = pytest_in(REPO, "specs", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(expected)} passed" in run.stdout
    # and where nothing was ever compiled: a copy of the specs and the example apps only
    assert not (project / "generated").exists()
    run = pytest_in(project, "specs", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(expected)} passed" in run.stdout


#: counts the lowered scenarios alive when the session finishes and after the plugin's unconfigure
#: (trylast: after it), before pytest's own final collections
ALIVE_PROBE = """\
import gc, json, pytest
from agentspec.codegen.ir import ScoreTest, TestCase
SEEN = {}
def alive():
    return sum(type(o) in (TestCase, ScoreTest) for o in gc.get_objects())
@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    SEEN["finish"] = alive()
@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    SEEN["unconfigure"] = alive()
    open("alive.json", "w").write(json.dumps(SEEN))
"""


def test_the_lowered_scenarios_are_let_go_before_pytests_final_collections(project: Path) -> None:
    (project / "conftest.py").write_text(ALIVE_PROBE)
    run = pytest_in(project, "specs", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    alive = json.loads((project / "alive.json").read_text())
    assert alive["finish"] >= len(scenario_ids(project))  # held while the session may still need them
    assert alive["unconfigure"] == 0


#: the cycle collector's thresholds when the session starts, while spec files are collected, when it finishes
THRESHOLD_PROBE = """\
import gc, json
SEEN = {}
def pytest_sessionstart(session):
    SEEN["start"] = gc.get_threshold()
def pytest_collectreport(report):
    if report.nodeid.endswith(".agentspec"):
        SEEN.setdefault("collecting", gc.get_threshold())
def pytest_sessionfinish(session):
    SEEN["finish"] = gc.get_threshold()
    open("thresholds.json", "w").write(json.dumps(SEEN))
"""


@pytest.mark.parametrize("broken", [False, True])
def test_full_collections_wait_while_spec_files_are_collected(project: Path, broken: bool) -> None:
    (project / "conftest.py").write_text(THRESHOLD_PROBE)
    if broken:  # collection fails: the thresholds come back all the same
        break_expectation(project, 'output contains "NH7"', "output contains")
    run = pytest_in(project, "specs", "-q")
    assert run.returncode == (2 if broken else 0), run.stdout + run.stderr
    seen = json.loads((project / "thresholds.json").read_text())
    assert seen["collecting"][:2] == seen["start"][:2] and seen["collecting"][2] > 10**9  # the oldest waits
    assert seen["finish"] == seen["start"]


def test_a_wrong_expectation_fails_at_its_spec_line(project: Path) -> None:
    first = break_expectation(project, 'output contains "NH7"', 'output contains "NH9"')
    second = break_expectation(
        project, "tool_order [search_flights, book_flight]", "tool_order [book_flight, search_flights]"
    )
    run = pytest_in(project, "specs/travel.agentspec", "-q", "-rN")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(r"\b1 failed, \d+ passed", output), output
    assert "❌ Scenario: Book SFO to NRT" in output  # agentgate's summary
    # each failing expectation at its own line, in spec order, as the generated test reports it
    assert f"  specs/travel.agentspec:{second}:5: failed: tool_order [book_flight, search_flights]\n" in output
    assert f'  specs/travel.agentspec:{first}:5: failed: output contains "NH9"\n' in output
    assert output.index(f":{second}:5: failed") < output.index(f":{first}:5: failed")
    assert "Traceback" not in output and "execute.py" not in output


WANDERING_SPEC = """\
tenant acme
provider anthropic { api_key_env "ANTHROPIC_API_KEY" }

tool wander() {
  description "Leave the project folder"
  handler "wander:wander"
}

specialist walker {
  model "claude-haiku-4-5"
  prompt "Wander off."
  tools [wander]
}

scenario "first wanders off" {
  input "go"
  agent walker
  run {
    wander()
  }
  expect {
    output contains "left"
  }
}

scenario "then fails" {
  input "go"
  agent walker
  run {
    wander()
  }
  expect {
    output contains "stayed"
  }
}
"""


def test_a_scenario_that_changes_the_working_directory_changes_no_spec_path(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.agentspec]\npythonpath = ["app"]\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app/wander.py").write_text(
        "import os\n\n\ndef wander(args, ctx):\n    os.chdir(os.path.dirname(os.getcwd()))\n    return {'left': True}\n"
    )
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/walk.agentspec").write_text(WANDERING_SPEC)
    run = pytest_in(tmp_path, "specs", "-q")
    output = run.stdout + run.stderr
    assert run.returncode == 1 and "1 failed, 1 passed" in output, output
    # the second scenario ran after the first left the project folder: its report still names the spec as collected
    line = WANDERING_SPEC.splitlines().index('    output contains "stayed"') + 1
    assert f'  specs/walk.agentspec:{line}:5: failed: output contains "stayed"\n' in output, output


def test_spec_errors_are_collection_errors_printed_as_agentspec_check_prints_them(project: Path) -> None:
    spec = project / "specs/travel.agentspec"
    text = spec.read_text().replace("tool_order [search_flights,", "tool_order [search_flight,")
    text = text.replace('"travel_app.judges:confirms_booking"', '"travel_app.judges:confirm_booking"')
    spec.write_text(text)
    check = subprocess.run(
        [sys.executable, "-m", "agentspec", "check", "specs/travel.agentspec"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    assert check.returncode == 1
    assert "error[E101]" in check.stdout and "error[E110]" in check.stdout and "= hint:" in check.stdout

    run = pytest_in(project, "specs", "-q")
    output = run.stdout + run.stderr
    assert run.returncode == 2, output  # interrupted: an error during collection
    assert "ERROR collecting specs/travel.agentspec" in output
    assert check.stdout.strip() in output  # every diagnostic, caret and hint, and the summary line
    assert "Traceback" not in output


def test_a_spec_with_warnings_runs_and_pytest_shows_them(project: Path) -> None:
    spec = project / "specs/smoke.agentspec"
    spec.write_text(spec.read_text() + "\nscript never_used {\n  call translator { }\n}\n")
    run = pytest_in(project, "specs/smoke.agentspec", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SpecWarning: specs/smoke.agentspec:" in run.stdout and "warning[W104]" in run.stdout
    # strict = true: warnings fail, as they fail `agentspec check`
    (project / "pyproject.toml").write_text(PYPROJECT + "strict = true\n")
    strict = pytest_in(project, "specs/smoke.agentspec", "-q")
    assert strict.returncode == 2, strict.stdout
    assert "ERROR collecting specs/smoke.agentspec" in strict.stdout and "warning[W104]" in strict.stdout


LIBRARY = """\
tenant lib version "v1"
provider anthropic
tool lookup(q: str) { returns { hit: true } }
specialist finder {
  model "claude-haiku-4-5"
  prompt "Look it up."
  tools [lookup]
}
"""

USER = """\
import "lib.agentspec"

scenario "finds" {
  agent finder
  run { lookup(q: "x") }
  expect { tool_call lookup }
}
"""


def test_unreachable_agents_are_judged_over_the_files_the_run_collects(tmp_path: Path) -> None:
    # a library file's specialist is started by a scenario in another file: used, as `agentspec check specs` says
    (tmp_path / "specs/ignored").mkdir(parents=True)
    (tmp_path / "specs/lib.agentspec").write_text(LIBRARY)
    (tmp_path / "specs/use.agentspec").write_text(USER)
    whole = pytest_in(tmp_path, "specs", "-q")
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert "1 passed" in whole.stdout and "W101" not in whole.stdout, whole.stdout
    # the library alone: nothing starts its specialist, as `agentspec check specs/lib.agentspec` says
    alone = pytest_in(tmp_path, "specs/lib.agentspec", "-q")
    assert "warning[W101]: specialist `finder` is unreachable" in alone.stdout, alone.stdout
    # a file pytest's own rules leave out (collect_ignore) does not count as using it
    (tmp_path / "specs/use.agentspec").rename(tmp_path / "specs/ignored/use.agentspec")
    (tmp_path / "specs/ignored/use.agentspec").write_text(USER.replace('"lib.agentspec"', '"../lib.agentspec"'))
    (tmp_path / "specs/conftest.py").write_text('collect_ignore = ["ignored"]\n')
    ignored = pytest_in(tmp_path, "specs", "-q")
    assert "warning[W101]: specialist `finder` is unreachable" in ignored.stdout, ignored.stdout
    assert "finds" not in ignored.stdout


def test_k_x_and_last_failed_select_scenarios_as_usual(project: Path) -> None:
    everything = collected(project, "specs")
    rejected = [i for i in everything if "rejected" in i.lower()]
    assert len(rejected) >= 2
    run = pytest_in(project, "specs", "-q", "-k", "rejected")
    assert run.returncode == 0, run.stdout
    assert f"{len(rejected)} passed, {len(everything) - len(rejected)} deselected" in run.stdout
    # every scenario carries the `agentspec` marker; a plain Python test beside the specs does not
    (project / "test_plain.py").write_text("def test_plain() -> None:\n    pass\n")
    run = pytest_in(project, "specs", "test_plain.py", "-q", "-m", "agentspec")
    assert run.returncode == 0, run.stdout
    assert f"{len(everything)} passed, 1 deselected" in run.stdout
    run = pytest_in(project, "specs", "test_plain.py", "-q", "-m", "not agentspec")
    assert run.returncode == 0, run.stdout
    assert f"1 passed, {len(everything)} deselected" in run.stdout

    # two failing scenarios
    break_expectation(project, 'output contains "NH7"', 'output contains "NH9"')
    break_expectation(project, 'output not_contains "BK-"', 'output contains "BK-"')
    run = pytest_in(project, "specs", "-q", "-x")
    assert run.returncode == 1
    assert "1 failed" in run.stdout and "stopping after 1 failures" in run.stdout

    first = pytest_in(project, "specs", "-q", cache=True)
    assert re.search(r"\b2 failed, \d+ passed", first.stdout), first.stdout
    again = pytest_in(project, "specs", "-q", "--lf", cache=True)
    summary = again.stdout.splitlines()[-1]  # only the two that failed ran again
    assert summary.startswith("2 failed") and "passed" not in summary, again.stdout


def test_xdist_and_junit_xml(project: Path) -> None:
    line = break_expectation(project, 'output contains "NH7"', 'output contains "NH9"')
    expected = scenario_ids(project)
    run = pytest_in(project, "specs", "-n", "2", "--junitxml", "report.xml")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "created: 2/2 workers" in output
    assert f"1 failed, {len(expected) - 1} passed" in output

    suite = ET.parse(project / "report.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    # classname: the file's path with dots (specs.travel.agentspec); name: the scenario's
    assert sorted((c.get("classname"), c.get("name")) for c in cases) == sorted(
        (i.split("::")[0].replace("/", "."), i.split("::", 1)[1]) for i in expected
    )
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["Book SFO to NRT"]
    assert f'specs/travel.agentspec:{line}:5: failed: output contains "NH9"' in failed[0].find("failure").text


def test_which_spec_files_are_collected(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests/test_plain.py").write_text("def test_plain():\n    pass\n")
    # a bare `pytest` with no testpaths: the invocation directory is not a request for specs
    assert collected(project) == ["tests/test_plain.py::test_plain"]
    # named on the command line: the spec file, or a directory holding specs
    smoke = {i for i in scenario_ids(project) if i.startswith("specs/smoke.agentspec::")}
    assert smoke and set(collected(project, "specs/smoke.agentspec")) == smoke
    assert set(collected(project, ".")) == scenario_ids(project) | {"tests/test_plain.py::test_plain"}
    # testpaths: a bare `pytest` collects the specs under them, and only those
    (project / "pyproject.toml").write_text(PYPROJECT + '\n[tool.pytest.ini_options]\ntestpaths = ["specs"]\n')
    assert set(collected(project)) == scenario_ids(project)


def test_shards_are_disjoint_and_together_hold_every_test(project: Path) -> None:
    compiled = subprocess.run(
        [sys.executable, "-m", "agentspec", "compile", "specs", "-o", "generated"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    assert compiled.returncode == 0, compiled.stderr
    (project / "pyproject.toml").write_text(PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["examples"]\n')
    everything = collected(project, "specs", "generated")
    assert any(i.startswith("generated/") for i in everything) and any(i.startswith("specs/") for i in everything)
    shards = [collected(project, "specs", "generated", "--agentspec-shard", f"{i}/3") for i in (1, 2, 3)]
    assert sorted(sum(shards, [])) == sorted(everything)  # disjoint, and nothing left out
    assert all(shards), "each of 3 shards of this suite gets some tests"
    # stable: the same shard again, and under xdist, is the same set of tests
    assert collected(project, "specs", "generated", "--agentspec-shard", "2/3") == shards[1]
    run = pytest_in(project, "specs", "generated", "-q", "-n", "2", "--agentspec-shard", "2/3")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(shards[1])} passed" in run.stdout


@pytest.mark.parametrize("bad", ["0/3", "4/3", "a/b"])
def test_a_bad_shard_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    run = pytest_in(tmp_path, "--agentspec-shard", bad)
    assert run.returncode == 4, run.stdout + run.stderr  # pytest's usage error
    assert "--agentspec-shard" in run.stderr


def test_a_model_judge_checks_when_the_session_selects_a_live_interpreter(project: Path) -> None:
    spec = project / "specs/travel.agentspec"
    spec.write_text(spec.read_text().replace(' using "travel_app.judges:confirms_booking"', ""))
    scripted = pytest_in(project, "specs/travel.agentspec", "--collect-only", "-q")
    assert scripted.returncode == 2 and "error[E321]" in scripted.stdout, scripted.stdout
    # --agentspec-interpreter selects the live model for the checker too, as AGENTSPEC_INTERPRETER does
    live = pytest_in(project, "specs/travel.agentspec", "--collect-only", "-q", "--agentspec-interpreter", "anthropic")
    assert live.returncode == 0, live.stdout + live.stderr
    travel = {i for i in scenario_ids(project) if i.startswith("specs/travel.agentspec::")}
    assert {line for line in live.stdout.splitlines() if "::" in line} == travel
