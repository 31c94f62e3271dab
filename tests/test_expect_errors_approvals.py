"""`error ...` and `approval ... requested`: the checker, the generated facts, and the runtime's
checks on real runs (passing and failing, with the failure located at the expectation's line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from agentgate import AgentStep, AgentTrace, StepKind

from agentspec_runtime.testing import ExpectApprovalRequested, ExpectError
from codegen_support import PREAMBLE, checked_here, compile_here, imported, located, write_spec


DESK = PREAMBLE + """
tool search(q: str) { fails "search backend timed out" }
tool lookup(q: str) { returns { hits: 1 } }
tool book(id: str) { approval always  returns { ok: true } }
specialist desk { model "claude-haiku-4-5"  tools [search, lookup, book] }
scenario "search fails, the lookup answers" {
  agent desk
  run { search(q: "x")  lookup(q: "x") }
  expect {
    error
    error contains "timed out" tool search
    no_approval
  }
}
scenario "books twice" {
  agent desk
  run { book(id: "a")  book(id: "b") }
  on approval book: approve
  expect {
    approval book requested
    approval book requested times 2
    no_error
  }
}
scenario "wrong error expected" {
  agent desk
  run { search(q: "x") }
  expect {
    error contains "refused"
  }
}
scenario "wrong count expected" {
  agent desk
  run { book(id: "a") }
  on approval book: approve
  expect {
    approval book requested times 2
  }
}
scenario "an unanswered approval is an error with its code" {
  agent desk
  run { book(id: "a") }
  expect {
    error code unanswered_approval
    approval book rejected
  }
}
"""


def test_error_and_approval_requested_pass_and_fail_on_real_runs(tmp_path: Path) -> None:
    write_spec(tmp_path, "desk.agentspec", DESK)
    out = compile_here(tmp_path, "desk.agentspec")
    source = (out / "test_desk.py").read_text(encoding="utf-8")
    assert 'ExpectError(contains="timed out", tool="search")' in source
    assert 'ExpectApprovalRequested("book", kind="tool", times=2)' in source
    assert 'ExpectError(code="unanswered_approval")' in source
    with imported(out, "desk_runtime", "test_desk") as (_, tests):
        tests.test_search_fails_the_lookup_answers()
        tests.test_books_twice()
        tests.test_an_unanswered_approval_is_an_error_with_its_code()
        with pytest.raises(AssertionError) as wrong_error:
            tests.test_wrong_error_expected()
        with pytest.raises(AssertionError) as wrong_count:
            tests.test_wrong_count_expected()
    report = str(wrong_error.value)
    assert "expected an error (contains='refused'), but its 1 error(s) do not match: " in report
    assert "tool search: search backend timed out" in report
    assert report.endswith('desk.agentspec:31:5: failed: error contains "refused"')
    report = str(wrong_count.value)
    assert "expected an approval request for tool 'book' 2 time(s), but the run requested 1" in report
    assert report.endswith("desk.agentspec:39:5: failed: approval book requested times 2")


def test_the_checker_resolves_the_tool_and_wants_a_count_of_at_least_one(tmp_path: Path) -> None:
    write_spec(
        tmp_path,
        "bad.agentspec",
        PREAMBLE
        + """
tool search(q: str) { returns {} }
specialist desk { model "claude-haiku-4-5"  tools [search] }
scenario "s" {
  agent desk
  run { search(q: "x") }
  expect {
    error tool serch
    error contains "a" contains "b"
    approval search requested times 0
  }
}
""",
    )
    found = located(checked_here(tmp_path, "bad.agentspec"))
    assert any(d.startswith("E101 ") and "unknown tool `serch`" in d for d in found), found
    assert any(d.startswith("E005 ") and "`contains` is given twice in `error`" in d for d in found), found
    assert any(d.startswith("E210 ") and "`times`" in d for d in found), found


def _trace(*steps: AgentStep) -> AgentTrace:
    return AgentTrace(input="x", steps=list(steps))


def test_expect_error_filters_must_all_match_the_same_error() -> None:
    tool_failure = AgentStep(StepKind.TOOL_CALL, "search", input={}, output={"error": "boom", "code": "e1"}, error="boom")
    stream_error = AgentStep(StepKind.ERROR, "invalid_script", error="malformed script: invalid JSON")
    trace = _trace(tool_failure, stream_error)
    assert ExpectError().check(trace).passed
    assert ExpectError(contains="boom", code="e1", tool="search").check(trace).passed
    assert ExpectError(code="invalid_script", contains="malformed").check(trace).passed
    # each filter matches some error, but no one error matches both
    assert not ExpectError(code="invalid_script", tool="search").check(trace).passed
    assert not ExpectError(tool="lookup").check(trace).passed
    clean = _trace(AgentStep(StepKind.TOOL_CALL, "search", input={}, output={"hits": 1}))
    result = ExpectError(tool="search").check(clean)
    assert not result.passed and result.detail == "expected an error (tool='search'), but the run had no errors"


def test_expect_approval_requested_counts_requests_whatever_the_answer() -> None:
    def request(kind: str, target: str) -> AgentStep:
        return AgentStep(StepKind.HUMAN_HANDOFF, "approval_request", input={"id": "a", "kind": kind, "target": target})

    trace = _trace(request("plan", "p1"), request("plan", "p1"), request("tool", "book"))
    assert ExpectApprovalRequested("p1", kind="plan", times=2).check(trace).passed
    assert ExpectApprovalRequested("*", kind="plan").check(trace).passed
    assert ExpectApprovalRequested("book", kind="tool", times=1).check(trace).passed
    assert not ExpectApprovalRequested("p1", kind="plan", times=1).check(trace).passed
    result = ExpectApprovalRequested("p2", kind="plan").check(trace)
    assert not result.passed
    assert result.detail == (
        "expected an approval request for plan 'p2' at least once, but the run requested 0 "
        "(requests: plan 'p1', plan 'p1', tool 'book')"
    )
