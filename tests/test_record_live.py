"""The record round trip with a live model: the real SDK against a local fake of the
provider's HTTP API plays a model that routes, searches and books; ``agentspec record``
runs the scenario live and writes that run into the spec; the recorded spec then passes
on the scripted interpreter, and recording the saved run again changes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegen_support import run_cli, write_spec

pytest.importorskip("anthropic")
fake_providers = pytest.importorskip("fake_providers")

pytestmark = pytest.mark.slow  # compiles, runs pytest and the CLI in subprocesses

SPEC = """\
# desk.agentspec: what the model does is recorded below.
tenant acme version "v1"
provider anthropic { api_key_env "ANTHROPIC_API_KEY" }

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
  input "Book me SFO to NRT, two seats"
  # the model decides; record writes its run here
  mock_response "nothing recorded yet"
  on approval book_flight: approve "fine by me"
  expect {
    tool_call search_flights(origin: "SFO") before book_flight
    approval book_flight approved
    output contains "BK-1"
    no_error
  }
}
"""

RECORDED = """\
  run {
    say "Passing this to the booker."
    call booker {
      search_flights(origin: "SFO", destination: "NRT")
      say "NH7 it is."
      book_flight(flight_id: "NH7", seats: 2)
      say "Booked BK-1."
    }
    say "Your booking BK-1 is confirmed."
  }
"""


def model(request):
    """The fake model: the front desk routes to the booker, which searches, then books."""
    done = len(request.tool_results)
    if request.system.startswith("Route"):
        if done == 0:
            return fake_providers.Turn(
                text="Passing this to the booker.",
                tool_calls=(fake_providers.ToolUse("call_agent", {"agent": "booker", "prompt": "Book SFO-NRT x2"}),),
            )
        return fake_providers.Turn(text="Your booking BK-1 is confirmed.")
    if done == 0:
        return fake_providers.Turn(tool_calls=(fake_providers.ToolUse("search_flights", {"origin": "SFO", "destination": "NRT"}),))
    if done == 1:
        return fake_providers.Turn(text="NH7 it is.", tool_calls=(fake_providers.ToolUse("book_flight", {"flight_id": "NH7", "seats": 2}),))
    return fake_providers.Turn(text="Booked BK-1.")


def test_a_live_run_is_recorded_and_replays_scripted(tmp_path: Path) -> None:
    path = write_spec(tmp_path, "desk.agentspec", SPEC)
    with fake_providers.FakeProvider("anthropic", model) as fake:
        env = {
            "AGENTSPEC_INTERPRETER": "anthropic",
            "ANTHROPIC_API_KEY": "sk-ant-fake-record-test",
            "ANTHROPIC_BASE_URL": fake.base_url,
            "AGENTSPEC_EVENT_LOG": str(tmp_path / "runs"),
        }
        recorded = run_cli("record", "desk.agentspec", "--scenario", "books NH7", cwd=tmp_path, env=env)
        assert recorded.returncode == 0, recorded.stdout + recorded.stderr
        assert len(fake.requests) == 5  # desk, booker x3, desk: the model was really asked
    # 3 calls and 4 replies: what the model wrote is recorded where it wrote it
    assert "recorded 7 steps into scenario 'books NH7'" in recorded.stdout
    text = path.read_text(encoding="utf-8")
    assert RECORDED in text and "mock_response" not in text
    assert "# the model decides; record writes its run here" in text
    assert "sk-ant-fake-record-test" not in recorded.stdout + recorded.stderr + text

    # the recorded scenario is a deterministic regression test
    assert run_cli("compile", "desk.agentspec", "-o", "out", cwd=tmp_path, env={"AGENTSPEC_INTERPRETER": "scripted"}).returncode == 0
    scripted_env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTSPEC_INTERPRETER", "ANTHROPIC_"))}
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "out", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path, env=scripted_env, capture_output=True, text=True, timeout=120,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr

    # the live run's log was kept; recording it again changes nothing
    log = tmp_path / "runs" / "books_nh7.jsonl"
    assert log.is_file()
    again = run_cli("record", "desk.agentspec", "--scenario", "books NH7", "--from", str(log), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "already replays this run" in again.stdout
    assert path.read_text(encoding="utf-8") == text
