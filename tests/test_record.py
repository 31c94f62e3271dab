"""``agentspec record``: a saved run becomes the scenario's run block, replays, and is stable.

The round trip is the real pipeline: a spec is compiled, its generated test runs
under pytest saving an event log (AGENTSPEC_EVENT_LOG), and that log is recorded
into a second spec whose scenario did something else; the recorded spec then
passes on the scripted interpreter, and recording again changes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from agentgate.mock import MockAgent

from agentspec_runtime.testing.bridge import events_to_trace
from agentspec_runtime.eventlog import load as load_log

from codegen_support import run_cli, write_spec

pytestmark = pytest.mark.slow  # compiles and runs generated tests in subprocesses

SPEC = """\
# desk.agentspec: a front desk routes bookings to a booker.
tenant acme version "v1"
provider anthropic

tool search_flights(origin: str, destination: str) {
  returns { flights: [{ id: "NH7", price: 912 }] }
}

tool book_flight(flight_id: str, seats: int = 1) {
  approval always  # a human approves every booking
  returns { booking_id: "BK-1", status: "confirmed" }
}

coordinator front_desk {
  model "claude-sonnet-4-6"
  prompt "Route every booking to the booker."
  routes [booker]
}

specialist booker {
  model "claude-haiku-4-5"
  prompt "Search first, then book."
  tools [search_flights, book_flight]
}

scenario "books NH7" {
  input "Book me SFO to NRT"
  # RUN_COMMENT
RUN
  expect {
    tool_call search_flights(origin: "SFO") before book_flight
    approval book_flight approved
    output contains "BK-1"
    no_error
  }
}

scenario "just answers" {
  input "hello"
  mock_response "Hello! How can I help?"
  expect { output contains "help" }
}
"""

LIVE_RUN = """\
  run {
    call booker {
      search_flights(origin: "SFO", destination: "NRT")
      book_flight(flight_id: "NH7", seats: 2)
    }
  }
  on approval book_flight: approve "fine by me"
"""


def spec(run: str, comment: str = "the run below is what the model did") -> str:
    return SPEC.replace("RUN_COMMENT", comment).replace("RUN\n", run)


def run_generated(directory: Path, spec_name: str, log_dir: Path | None = None) -> subprocess.CompletedProcess:
    """Compile ``spec_name`` in ``directory`` and run its generated tests (scripted)."""
    compiled = run_cli("compile", spec_name, "-o", "out", cwd=directory)
    assert compiled.returncode == 0, compiled.stderr
    env = {key: value for key, value in os.environ.items() if key != "AGENTSPEC_EVENT_LOG"}
    if log_dir is not None:
        env["AGENTSPEC_EVENT_LOG"] = str(log_dir)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "out", "-q", "-p", "no:cacheprovider"],
        cwd=directory, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def saved_run(tmp_path: Path) -> Path:
    """The event log of a run that routed to the booker, searched and booked two seats."""
    source = tmp_path / "source"
    write_spec(source, "desk.agentspec", spec(LIVE_RUN))
    ran = run_generated(source, "desk.agentspec", log_dir=tmp_path / "logs")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    log = tmp_path / "logs" / "books_nh7.jsonl"
    assert log.is_file()
    return log


def test_a_saved_run_is_recorded_replays_and_records_again_unchanged(tmp_path: Path, saved_run: Path) -> None:
    target = tmp_path / "target"
    # the scenario answered differently before: just text, and no approval rule
    path = write_spec(target, "desk.agentspec", spec('  mock_response "I booked nothing"\n'))
    before = run_generated(target, "desk.agentspec")
    assert before.returncode != 0  # the expectations fail on the old run

    first = run_cli("record", "desk.agentspec", "--scenario", "books NH7", "--from", str(saved_run), cwd=target)
    assert first.returncode == 0, first.stderr
    assert "recorded 3 steps into scenario 'books NH7'" in first.stdout
    recorded = path.read_text(encoding="utf-8")
    assert "mock_response \"I booked nothing\"" not in recorded
    assert LIVE_RUN in recorded  # nested call block, real arguments, the approval as answered
    # every comment survives, and the other scenario is untouched
    assert "# desk.agentspec: a front desk routes bookings to a booker." in recorded
    assert "approval always  # a human approves every booking" in recorded
    assert "# the run below is what the model did" in recorded
    assert 'mock_response "Hello! How can I help?"' in recorded
    # canonical layout: formatting the result changes nothing
    assert run_cli("fmt", "--check", "desk.agentspec", cwd=target).returncode == 0

    after = run_generated(target, "desk.agentspec")
    assert after.returncode == 0, after.stdout + after.stderr
    assert "2 passed" in after.stdout

    again = run_cli("record", "desk.agentspec", "--scenario", "books NH7", "--from", str(saved_run), cwd=target)
    assert again.returncode == 0, again.stderr
    assert "already replays this run" in again.stdout
    assert path.read_text(encoding="utf-8") == recorded


def test_recording_a_run_the_scenario_already_replays_leaves_the_file_alone(tmp_path: Path, saved_run: Path) -> None:
    source = tmp_path / "source" / "desk.agentspec"
    before = source.read_bytes()
    result = run_cli("record", "desk.agentspec", "--scenario", "books NH7", "--from", str(saved_run), cwd=source.parent)
    assert result.returncode == 0, result.stderr
    assert source.read_bytes() == before


def test_an_agentgate_trace_file_records_the_same_run(tmp_path: Path, saved_run: Path) -> None:
    (run,) = load_log(str(saved_run))
    trace = events_to_trace(run.events, input=run.input)
    trace.metadata["events"] = run.events  # as the bridge's RuntimeAdapter keeps them
    with_events = tmp_path / "with_events.json"
    MockAgent.save_trace(trace, with_events)
    steps_only = tmp_path / "steps_only.json"
    trace.metadata.pop("events")
    MockAgent.save_trace(trace, steps_only)

    texts = []
    for source in (saved_run, with_events, steps_only):
        target = tmp_path / source.stem
        path = write_spec(target, "desk.agentspec", spec('  mock_response "I booked nothing"\n'))
        result = run_cli("record", "desk.agentspec", "--scenario", "books NH7", "--from", str(source), cwd=target)
        assert result.returncode == 0, result.stderr
        texts.append(path.read_text(encoding="utf-8"))
    assert texts[0] == texts[1] == texts[2]


def test_a_text_only_run_is_recorded_as_mock_response(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    write_spec(tmp_path / "source", "desk.agentspec", spec(LIVE_RUN))
    assert run_generated(tmp_path / "source", "desk.agentspec", log_dir=logs).returncode == 0
    target = write_spec(tmp_path / "target", "desk.agentspec", spec(LIVE_RUN).replace(
        'mock_response "Hello! How can I help?"', 'run { }'))
    result = run_cli(
        "record", "desk.agentspec", "--scenario", "just answers", "--from", str(logs / "just_answers.jsonl"),
        cwd=target.parent,
    )
    assert result.returncode == 0, result.stderr
    assert 'mock_response "Hello! How can I help?"' in target.read_text(encoding="utf-8")


# ---- bad input: a clear message, an exit code, no traceback, the spec untouched -----------


def _refused(directory: Path, *args: str, code: int, says: str) -> None:
    path = directory / "desk.agentspec"
    before = path.read_bytes()
    result = run_cli("record", "desk.agentspec", *args, cwd=directory)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert says in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert path.read_bytes() == before


def test_an_unknown_scenario_is_refused_with_a_suggestion(tmp_path: Path, saved_run: Path) -> None:
    write_spec(tmp_path / "t", "desk.agentspec", spec(LIVE_RUN))
    _refused(tmp_path / "t", "--scenario", "books NH8", "--from", str(saved_run), code=1,
             says="has no scenario 'books NH8'; did you mean `books NH7`?")


def test_a_log_of_another_scenario_is_refused(tmp_path: Path, saved_run: Path) -> None:
    write_spec(tmp_path / "t", "desk.agentspec", spec(LIVE_RUN))
    _refused(tmp_path / "t", "--scenario", "just answers", "--from", str(saved_run), code=1,
             says="holds runs of 'books NH7', not of scenario 'just answers'")


def test_a_malformed_log_is_a_usage_error_naming_the_line(tmp_path: Path) -> None:
    directory = tmp_path / "t"
    write_spec(directory, "desk.agentspec", spec(LIVE_RUN))
    log = directory / "bad.jsonl"
    log.write_text('{"type": "step-start"}\n{not json\n', encoding="utf-8")
    _refused(directory, "--scenario", "books NH7", "--from", str(log), code=2, says="bad.jsonl:2: not a JSON line")
    log.write_text('{"type": "tool-agent", "agentName": "booker", "state": "call", "toolInvocationId": "x"}\n')
    _refused(directory, "--scenario", "books NH7", "--from", str(log), code=2,
             says="agent 'booker' starts without a call_agent call")
    _refused(directory, "--scenario", "books NH7", "--from", str(directory / "missing.jsonl"), code=2,
             says="no such file")


def test_a_log_from_another_spec_does_not_fit_and_nothing_is_written(tmp_path: Path) -> None:
    directory = tmp_path / "t"
    write_spec(directory, "desk.agentspec", spec(LIVE_RUN))
    log = directory / "other.jsonl"  # bare events of a run whose coordinator had a tool this one lacks
    events = [
        {"type": "step-start"},
        {"type": "tool-invocation", "toolInvocationId": "t1", "toolName": "launch_rockets",
         "args": {"count": 3}, "state": "call"},
        {"type": "tool-invocation", "toolInvocationId": "t1", "toolName": "launch_rockets",
         "args": {"count": 3}, "state": "result", "result": {"launched": 3}},
        {"type": "finish", "finishReason": "stop", "usage": {}},
    ]
    log.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    _refused(directory, "--scenario", "books NH7", "--from", str(log), code=1,
             says="does not fit desk.agentspec (is the log from another spec?)")


def test_recording_live_needs_a_live_interpreter(tmp_path: Path) -> None:
    write_spec(tmp_path / "t", "desk.agentspec", spec(LIVE_RUN))
    _refused(tmp_path / "t", "--scenario", "books NH7", code=2, says="AGENTSPEC_INTERPRETER is 'scripted'")
