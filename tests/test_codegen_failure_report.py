"""A wrong expectation in a spec makes its generated test fail, and the failure
says what agentgate saw and which spec line to look at."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codegen_support import PREAMBLE, compile_in, write_spec

SPEC = PREAMBLE + """
tool search_flights(origin: str) {
  returns { flights: [{ id: "NH7" }] }
}

specialist booker {
  model "claude-haiku-4-5"
  tools [search_flights]
}

scenario "search finds NH7" {
  agent booker
  run { search_flights(origin: "SFO") }
  expect { output contains "NH7" }
}

scenario "search finds NH8" {
  agent booker
  run { search_flights(origin: "SFO") }
  expect {
    tool_call search_flights(origin: "SFO")
    output contains "NH8"
  }
}
"""


@pytest.mark.slow
def test_wrong_expectation_fails_with_agentgate_summary_and_spec_line(tmp_path: Path) -> None:
    write_spec(tmp_path, "specs/flights.agentspec", SPEC)
    wrong_line = SPEC.splitlines().index('scenario "search finds NH8" {') + 1
    compiled = compile_in(tmp_path, "specs")
    assert compiled.returncode == 0, compiled.stderr

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "1 failed, 1 passed" in output
    # agentgate's summary: the scenario, the count, and the failed expectation with its detail
    assert "❌ Scenario: search finds NH8 (1/2 expectations passed)" in output
    assert "✅ expect_tool_call('search_flights')" in output
    assert "❌ expect_output(contains='NH8') — Output missing 'NH8'" in output
    # the spec location, in the assertion message and the test's docstring
    assert f"at specs/flights.agentspec:{wrong_line}" in output
    assert "test_search_finds_nh8" in output
