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
    # the module is not assertion-rewritten (PYTEST_DONT_REWRITE): no repr of the whole result after the report
    assert "where False" not in output and "ScenarioResult(" not in output, output


TWO_FAILURES = PREAMBLE + """
tool search_flights(origin: str) {
  returns { flights: [{ id: "NH7" }] }
}

tool cancel_booking(id: str) {
  returns { cancelled: true }
}

specialist booker {
  model "claude-haiku-4-5"
  tools [search_flights, cancel_booking]
}

suite { runs 2  min_pass_rate 1.0 }

scenario "two expectations fail" {
  agent booker
  run { search_flights(origin: "SFO") }
  expect {
    tool_call search_flights(origin: "SFO")
    output contains "NH8"
    policy "always cancel"  # a bundle: its name is kept
      required_tools [cancel_booking]
    output not_contains "NH7"
  }
}
"""


@pytest.mark.slow
def test_each_failing_expectation_is_named_at_its_own_line_with_its_spec_text(tmp_path: Path) -> None:
    write_spec(tmp_path, "specs/flights.agentspec", TWO_FAILURES)
    lines = TWO_FAILURES.splitlines()

    def at(text: str) -> str:
        row = next(n for n, line in enumerate(lines, 1) if line.strip().startswith(text))
        return f"specs/flights.agentspec:{row}:{lines[row - 1].index(text) + 1}"

    compiled = compile_in(tmp_path, "specs")
    assert compiled.returncode == 0, compiled.stderr
    # -rN: no short summary; with CI set, pytest prints the whole assertion message there
    # again, which would count each located line twice
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rN", "-p", "no:cacheprovider", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    # agentgate's summary stays first, then the scenario's line, then each failing expectation
    summary = output.index("❌ Scenario: two expectations fail")
    scenario_line = output.index(f"at {at('scenario').rsplit(':', 1)[0]}\n")
    failed = [
        f"{at('output contains')}: failed: output contains \"NH8\"",
        f"{at('policy')}: failed: policy \"always cancel\" required_tools [cancel_booking]",
        f"{at('output not_contains')}: failed: output not_contains \"NH7\"",
    ]
    positions = [output.index(line) for line in failed]
    assert summary < scenario_line < positions[0] < positions[1] < positions[2], output
    # the passing expectation is not listed, and each failing one once although both runs failed
    assert f"{at('tool_call')}: failed" not in output
    assert all(output.count(line) == 1 for line in failed), output
