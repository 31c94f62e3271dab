"""A scenario's own settings and overrides (issue 9, item 4).

A scenario may say how often it runs and what fraction must pass (``runs``,
``min_pass_rate``, ``timeout``: the suite's, replaced for this scenario), and
swap in, for itself only, a tool's handler (``given T handler``), a service's
factory (``service NAME``) and the action dispatcher (``dispatcher``). The
checker treats them as it treats the file-level ones; the generated test
builds the scenario's runtime with them and runs it as agentgate says.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentspec.cli import main
from agentspec.syntax.parser import parse

from codegen_support import PREAMBLE, REPO, compile_in, imported, write_spec
from test_checker_rules import found

# ---- syntax ------------------------------------------------------------------------------------


def test_the_settings_parse_into_the_scenario() -> None:
    text = """
scenario "s" {
  agent booker
  runs 3
  min_pass_rate 0.5
  timeout 5s
  dispatcher "app.dispatch:other"
  service ledger "app.services:busy"
  service mailer "app.services:quiet"
  given book_flight handler "app.tools:sold_out"
}
"""
    result = parse(text, "s.agentspec")
    assert result.diagnostics == []
    (scenario,) = result.spec.declarations
    assert (scenario.runs, scenario.min_pass_rate, scenario.timeout_ms) == (3, 0.5, 5000)
    assert scenario.dispatcher.path == "app.dispatch:other"
    assert [(s.name.name, s.factory.path) for s in scenario.services] == [
        ("ledger", "app.services:busy"),
        ("mailer", "app.services:quiet"),
    ]
    (given,) = scenario.givens
    assert (given.tool.name, given.handler.path, given.has_returns, given.fails) == (
        "book_flight",
        "app.tools:sold_out",
        False,
        None,
    )


def test_a_dispatcher_or_runs_given_twice_is_reported() -> None:
    result = parse('scenario "s" { runs 2 dispatcher "a:b" runs 3 dispatcher "c:d" }', "s.agentspec")
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("E005", '`runs` is set twice in scenario "s"'),
        ("E005", '`dispatcher` is set twice in scenario "s"'),
    ]


# ---- checker -----------------------------------------------------------------------------------

SERVICE = 'service ledger "travel_app.services:make_ledger"\n'


@pytest.mark.parametrize(
    "settings, expected",
    [
        # (code, the text the diagnostic points at, message)
        ("runs 0", [("E210", "0", "`runs` must be at least 1, got 0")]),
        ("min_pass_rate 1.5", [("E210", "1.5", "`min_pass_rate` is a fraction between 0 and 1, got 1.5")]),
        ("timeout 0s", [("E210", "0s", "`timeout` must be longer than 0")]),
        ('dispatcher "not a path"', [("E209", '"not', 'dispatcher "not a path" is not an import path')]),
        ('service ledger "bad path"', [("E209", '"bad', 'service factory "bad path" is not an import path')]),
        ('given book_flight handler "x"', [("E209", '"x"', 'handler "x" is not an import path')]),
        ('given bok_flight handler "a:b"', [("E101", "bok_flight", "unknown tool `bok_flight`")]),
        ('service ledgr "a:b"', [("E111", "ledgr", "unknown service `ledgr`")]),
        (
            'service ledger "a:b" service ledger "c:d"',
            [("E320", 'ledger "c:d"', "service `ledger` is given twice in this scenario")],
        ),
        (
            'given book_flight handler "a:b" given book_flight returns {}',
            [("E320", "book_flight returns", "`book_flight` is given a fixture twice in this scenario")],
        ),
        (
            'runs 3 min_pass_rate 0.5 timeout 9s dispatcher "a:b" service ledger "a:b" '
            'given book_flight handler "a:b"',
            [],
        ),
    ],
)
def test_the_checker_treats_them_as_the_file_level_ones(tmp_path: Path, settings: str, expected: list) -> None:
    line = f'scenario "s" {{ agent booker  {settings}  expect {{ no_error }} }}'
    wanted = [(code, f"main.agentspec:3:{line.index(at) + 1}", message) for code, at, message in expected]
    assert found(tmp_path, SERVICE + line + "\n") == wanted


# ---- E110: their import paths are checked like every other --------------------------------------


def test_agentspec_check_resolves_the_scenario_s_import_paths(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.agentspec]\npythonpath = ["app"]\n', encoding="utf-8")
    package = tmp_path / "app" / "overrides_e110"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "parts.py").write_text(
        "def make_ledger():\n    return {}\n\ndef dispatch(actions, context):\n    return None\n\n"
        "async def book(args, ctx):\n    return {}\n",
        encoding="utf-8",
    )
    spec = PREAMBLE + """
service ledger "overrides_e110.parts:make_ledger"
tool book(id: str) { returns {} }
specialist desk { model "claude-haiku-4-5"  tools [book] }
scenario "s" {
  agent desk
  dispatcher "overrides_e110.parts:dispach"
  service ledger "overrides_e110.part:make_ledger"
  given book handler "overrides_e110.parts:bok"
  expect { no_error }
}
"""
    write_spec(tmp_path, "specs/s.agentspec", spec)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "specs"]) == 1
    out = capsys.readouterr().out
    assert 'specs/s.agentspec:9:14: error[E110]: dispatcher "overrides_e110.parts:dispach": `dispach` is not defined in module `overrides_e110.parts` (parts.py)' in out
    assert "did you mean `dispatch`?" in out
    assert 'specs/s.agentspec:10:18: error[E110]: service factory "overrides_e110.part:make_ledger": module `overrides_e110.part` not found' in out
    assert 'specs/s.agentspec:11:22: error[E110]: handler "overrides_e110.parts:bok"' in out
    assert "did you mean `book`?" in out


# ---- generated tests: runs, min_pass_rate, timeout --------------------------------------------------

# Every call of `count` is recorded; `flaky` answers "bad" on its first call only.
COUNTING_APP = """
CALLS = []

async def count(args, ctx):
    CALLS.append(dict(args))
    return {"calls": len(CALLS), "answer": "bad" if len(CALLS) == 1 else "good"}
"""

RUNS_SPEC = PREAMBLE + """
tool count(n: int) { handler "{module}:count" }
specialist counter { model "claude-haiku-4-5"  tools [count] }

scenario "counted" {
  agent counter
  {settings}
  run { count(n: 1) }
  expect { output contains "good" }
}

suite { runs 1  min_pass_rate 1.0  timeout 60s }
"""


def _run_counted(tmp_path: Path, monkeypatch, module: str, settings: str):
    """Compile RUNS_SPEC with ``settings`` in the scenario, run its test; (passed, error, calls)."""
    (tmp_path / f"{module}.py").write_text(COUNTING_APP, encoding="utf-8")
    write_spec(tmp_path, "counted.agentspec", RUNS_SPEC.replace("{module}", module).replace("{settings}", settings))
    compiled = compile_in(tmp_path, "counted.agentspec")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with imported(tmp_path / "out", "counted_runtime", "test_counted") as (_, tests):
            try:
                tests.test_counted()
            except AssertionError as failure:
                return False, str(failure), sys.modules[module].CALLS
            return True, "", sys.modules[module].CALLS
    finally:
        sys.modules.pop(module, None)


def test_a_scenario_with_runs_3_runs_three_times(tmp_path: Path, monkeypatch) -> None:
    # the first run answers "bad", so 2 of 3 runs pass: enough for 0.6, not for the suite's 1.0
    passed, _, calls = _run_counted(tmp_path, monkeypatch, "counting_app_a", "runs 3  min_pass_rate 0.6")
    assert len(calls) == 3
    assert passed


def test_min_pass_rate_is_applied(tmp_path: Path, monkeypatch) -> None:
    passed, report, calls = _run_counted(tmp_path, monkeypatch, "counting_app_b", "runs 3  min_pass_rate 0.9")
    assert len(calls) == 3
    assert not passed
    assert "67%" in report or "2/3" in report, report


def test_without_its_own_settings_a_scenario_runs_as_the_suite_says(tmp_path: Path, monkeypatch) -> None:
    passed, _, calls = _run_counted(tmp_path, monkeypatch, "counting_app_c", "")
    assert len(calls) == 1  # the suite's runs 1
    assert not passed  # its one run answers "bad"


def test_the_generated_run_takes_the_scenario_s_settings_over_the_suite_s(tmp_path: Path) -> None:
    write_spec(
        tmp_path,
        "counted.agentspec",
        RUNS_SPEC.replace("{module}", "m").replace("{settings}", "runs 4  min_pass_rate 0.75  timeout 9s"),
    )
    assert compile_in(tmp_path, "counted.agentspec").returncode == 0
    source = (tmp_path / "out" / "test_counted.py").read_text(encoding="utf-8")
    assert "runs=4, min_pass_rate=0.75, timeout_seconds=9.0, scenario_timeout=9.0" in source


# ---- generated tests: the scenario's own dispatcher, service and handler ----------------------------


def test_the_example_overrides_change_what_runs(tmp_path: Path, monkeypatch) -> None:
    """specs/overrides.agentspec passes with its overrides, and each scenario fails without its own."""
    monkeypatch.syspath_prepend(str(REPO / "examples"))
    spec = (REPO / "specs" / "overrides.agentspec").read_text(encoding="utf-8")
    for name in ("inventory", "common"):
        write_spec(tmp_path, f"{name}.agentspec", (REPO / "specs" / f"{name}.agentspec").read_text(encoding="utf-8"))
    without = (
        spec.replace('  dispatcher "inventory_app.dispatch:summary_only"\n', "")
        .replace('  service ledger "travel_app.services:make_busy_ledger"\n', "")
        .replace('  given book_flight handler "travel_app.tools:sold_out"\n', "")
    )
    assert without != spec
    results = {}
    for label, text in (("with", spec), ("without", without)):
        write_spec(tmp_path, "overrides.agentspec", text)
        compiled = compile_in(tmp_path, "overrides.agentspec", out=label)
        assert compiled.returncode == 0, compiled.stdout + compiled.stderr
        with imported(tmp_path / label, "overrides_runtime", "test_overrides") as (_, tests):
            outcome = {}
            for test in (
                "test_a_dispatcher_s_bad_envelope_fails_the_execution",
                "test_the_next_booking_in_a_busy_ledger_is_bk_3",
                "test_a_sold_out_flight_is_not_booked",
            ):
                try:
                    getattr(tests, test)()
                    outcome[test] = "passed"
                except AssertionError as failure:
                    outcome[test] = str(failure)
            results[label] = outcome
    assert set(results["with"].values()) == {"passed"}
    failed = results["without"]
    assert 'plan "p1" status failed' in failed["test_a_dispatcher_s_bad_envelope_fails_the_execution"]
    assert 'output contains "BK-3"' in failed["test_the_next_booking_in_a_busy_ledger_is_bk_3"]
    assert 'output contains "sold_out"' in failed["test_a_sold_out_flight_is_not_booked"]


def test_a_scenario_s_services_keep_the_unit_s_others(tmp_path: Path) -> None:
    spec = PREAMBLE + """
service ledger "app.services:make_ledger"
service mailer "app.services:make_mailer"
tool t() { returns {} }
specialist desk { model "claude-haiku-4-5"  tools [t] }
scenario "s" {
  agent desk
  service mailer "app.services:make_quiet_mailer"
  run { t() }
  expect { no_error }
}
"""
    write_spec(tmp_path, "s.agentspec", spec)
    assert compile_in(tmp_path, "s.agentspec").returncode == 0
    source = (tmp_path / "out" / "test_s.py").read_text(encoding="utf-8")
    assert 'services={"ledger": make_ledger(), "mailer": make_quiet_mailer()}' in source
    assert "from app.services import make_ledger, make_quiet_mailer" in source


# ---- the same through the pytest plugin (the spec run directly, nothing compiled) -------------------

PER_KEY_APP = """
import atexit
import json
from collections import Counter

CALLS = Counter()
atexit.register(lambda: open("calls.json", "w").write(json.dumps(CALLS)))


async def count(args, ctx):
    CALLS[str(args["n"])] += 1
    return {"answer": "bad" if CALLS[str(args["n"])] == 1 else "good"}
"""

PLUGIN_SPEC = PREAMBLE + """
tool count(n: int) { handler "per_key_app:count" }
specialist counter { model "claude-haiku-4-5"  tools [count] }

scenario "two of three are enough" {
  agent counter
  runs 3
  min_pass_rate 0.6
  run { count(n: 1) }
  expect { output contains "good" }
}

scenario "two of three are not enough" {
  agent counter
  runs 3
  min_pass_rate 0.9
  run { count(n: 2) }
  expect { output contains "good" }
}

suite { runs 1  min_pass_rate 1.0 }
"""


def test_the_pytest_plugin_runs_a_scenario_as_often_as_it_says(tmp_path: Path) -> None:
    (tmp_path / "per_key_app.py").write_text(PER_KEY_APP, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.agentspec]\npythonpath = ["."]\n\n[tool.pytest.ini_options]\npythonpath = ["."]\n', encoding="utf-8"
    )
    write_spec(tmp_path, "counted.agentspec", PLUGIN_SPEC)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "counted.agentspec"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert "counted.agentspec::two of three are enough PASSED" in done.stdout, done.stdout[-3000:]
    assert "counted.agentspec::two of three are not enough FAILED" in done.stdout
    assert "Passed 2/3 runs (67%) — min_pass_rate: 90%" in done.stdout
    assert json.loads((tmp_path / "calls.json").read_text()) == {"1": 3, "2": 3}
