"""Approval sequences: `on approval TARGET: D1 then D2 ...`.

The plan loop (store → approval → revise → store again → approval → approve →
executed) runs end to end on the runtime from specs/procurement.agentspec; the
checker warns about decisions the script can never reach (W107, W108, W109);
the formatter breaks a long sequence before `then`; `agentspec record` writes
a target answered differently in one run as a sequence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentspec import record
from agentspec import trajectory as tj
from agentspec.formatter import format_source
from agentspec_runtime.testing import ApprovalAnswer, ApprovalScript, RuntimeAdapter
from codegen_support import PREAMBLE, REPO, checked_here, compile_here, imported, located, write_spec

PROCUREMENT = REPO / "specs" / "procurement.agentspec"


def _warnings(directory: Path, name: str) -> list[str]:
    return located(checked_here(directory, name))


# ---- the plan loop on the runtime ------------------------------------------------------------


def _procurement_run(tmp_path: Path, approvals: ApprovalScript) -> list[dict]:
    """The events of specs/procurement.agentspec's revise-then-execute script under ``approvals``."""
    (tmp_path / "procurement.agentspec").write_text(PROCUREMENT.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "common.agentspec").write_text((REPO / "specs" / "common.agentspec").read_text(encoding="utf-8"))
    out = compile_here(tmp_path, "procurement.agentspec")
    with imported(out, "procurement_runtime", "test_procurement") as (runtime, tests):
        adapter = RuntimeAdapter(
            lambda: runtime.build_runtime(interpreter="scripted"),
            script=tests.REVISE_THEN_EXECUTE,
            approvals=approvals,
        )
        trace = adapter.run("We are running low on SKU-7; order more.")
    return trace.metadata["events"]


def test_revise_store_again_approve_executes_the_revised_plan(tmp_path: Path) -> None:
    revise = ApprovalAnswer("revise", "200 cover the quarter", {"quantity": 200})
    events = _procurement_run(tmp_path, ApprovalScript(plans={"po-1": [revise, ApprovalAnswer("approve", "ok")]}))
    statuses = [e["data"]["to"] for e in events if e["type"] == "plan-status-change"]
    assert statuses == [
        "pending_approval", "draft",  # the first plan, sent back to draft by the revise
        "pending_approval", "approved",  # stored again, approved (and then executed)
    ]
    decisions = [e["data"]["outcome"]["outcome"] for e in events if e["type"] == "approval-decision"]
    assert decisions == ["revise", "approve"]
    executed = [e["result"] for e in events if e.get("toolName") == "executePlan" and e.get("state") == "result"]
    assert executed[0]["should_revise"] is True and executed[0]["partial"] == {"quantity": 200}
    # what reached the dispatcher is the revised plan, not the first one
    assert [a["payload"]["quantity"] for a in executed[1]["dispatched"] if a["kind"] == "purchase"] == [200]
    assert executed[1]["summary"] == "ordered 200 x SKU-7 from Acme Parts (820.00 total)"


def test_with_one_decision_the_same_script_executes_the_first_plan_and_cannot_store_again(tmp_path: Path) -> None:
    # the contrast the sequence exists for: `approve` alone approves the 500-unit plan at once
    events = _procurement_run(tmp_path, ApprovalScript(plans={"po-1": ApprovalAnswer("approve")}))
    results = [e["result"] for e in events if e.get("state") == "result" and e.get("toolName") == "storePlan"]
    assert results[1] == {"error": "plan 'po-1' is executed and cannot be replaced"}


def test_the_procurement_example_passes_and_its_generated_test_holds_the_sequence(tmp_path: Path) -> None:
    source = (REPO / "generated" / "test_procurement.py").read_text(encoding="utf-8")
    assert 'ApprovalAnswer("approve", "ok at 200")' in source
    (tmp_path / "procurement.agentspec").write_text(PROCUREMENT.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "common.agentspec").write_text((REPO / "specs" / "common.agentspec").read_text(encoding="utf-8"))
    out = compile_here(tmp_path, "procurement.agentspec")
    with imported(out, "procurement_runtime", "test_procurement") as (_, tests):
        tests.test_a_purchase_plan_is_revised_stored_again_then_approved_and_ordered()
        tests.test_a_plan_revised_and_then_rejected_orders_nothing()


# ---- generated code and a failing sequence ---------------------------------------------------

DESK = PREAMBLE + """
tool book(id: str) { approval always  returns { ok: true } }
specialist desk { model "claude-haiku-4-5"  tools [book] }
scenario "rejected, then approved" {
  agent desk
  run { book(id: "a")  book(id: "b")  book(id: "c") }
  on approval book: reject "not this one" then approve
  expect {
    approval book rejected
    approval book approved
    approval book requested times 3
    tool_call book times 3
  }
}
scenario "expects the wrong order" {
  agent desk
  run { book(id: "a") }
  on approval book: reject then approve
  expect { approval book approved }
}
scenario "decided in this order" {
  agent desk
  run { book(id: "a")  book(id: "b")  book(id: "c") }
  on approval book: reject then approve
  expect { approval book rejected then approved then approved }
}
scenario "decided in another order" {
  agent desk
  run { book(id: "a")  book(id: "b") }
  on approval book: reject then approve
  expect { approval book approved then rejected }
}
"""


def test_a_sequence_is_generated_as_a_list_and_answers_in_order(tmp_path: Path) -> None:
    write_spec(tmp_path, "desk.agentspec", DESK)
    out = compile_here(tmp_path, "desk.agentspec")
    source = (out / "test_desk.py").read_text(encoding="utf-8")
    assert 'tools={"book": [ApprovalAnswer("reject", "not this one"), ApprovalAnswer("approve")]}' in source
    with imported(out, "desk_runtime", "test_desk") as (_, tests):
        tests.test_rejected_then_approved()
        with pytest.raises(AssertionError) as failed:
            tests.test_expects_the_wrong_order()
    assert "expected the approval for tool 'book' to be decided 'approve', but it was 'reject'" in str(failed.value)
    assert 'ExpectApprovalDecision("book", ["reject", "approve", "approve"], kind="tool")' in source
    with imported(out, "desk_runtime", "test_desk") as (_, tests):
        tests.test_decided_in_this_order()
        with pytest.raises(AssertionError) as failed:
            tests.test_decided_in_another_order()
    report = str(failed.value)
    assert (
        "expected the approvals for tool 'book' to be decided 'approve' then 'reject', "
        "but they were 'reject' then 'approve'"
    ) in report
    assert report.endswith("desk.agentspec:33:12: failed: approval book approved then rejected")


# ---- warnings -------------------------------------------------------------------------------

FLOW = PREAMBLE + """
tool book(id: str) { approval always  returns { ok: true } }
tool search(q: str) { approval always  returns { ok: true } }
plan P { action a { x: int } }
coordinator ops { model "claude-haiku-4-5"  routes [planner, executor, desk] }
planner planner { model "claude-haiku-4-5"  plan P }
executor executor { model "claude-haiku-4-5"  plan P }
specialist desk { model "claude-haiku-4-5"  tools [book, search] }
script store { storePlan(specName: "P", planId: "p1", body: { actions: [] }) }
script execute { executePlan(planId: "p1") }
scenario "too many decisions" {
  run {
    call planner store
    call executor execute
    call desk { book(id: "a") }
  }
  on approval book: reject "no" then approve "ok" then approve
  on approval search: approve
  on approval plan "p1": revise "smaller" then approve
  on approval plan "p2": approve
  on approval plan: approve
  expect { no_error }
}
scenario "the loop" {
  run {
    call planner store
    call executor execute
    call planner store
    call executor execute
  }
  on approval plan "p1": revise "smaller" then approve
  expect { no_error }
}
scenario "a wildcard that answers another plan" {
  run {
    call planner store
    call executor execute
    call planner { storePlan(specName: "P", planId: "p2", body: { actions: [] }) }
    call executor { executePlan(planId: "p2") }
  }
  on approval plan "p1": approve
  on approval plan: reject
  expect { no_error }
}
scenario "live only" {
  input "anything"
  on approval plan "p9": approve then reject
  expect { no_error }
}
"""


def test_unreached_unused_and_shadowed_decisions_are_located_warnings(tmp_path: Path) -> None:
    write_spec(tmp_path, "flow.agentspec", FLOW)
    found = _warnings(tmp_path, "flow.agentspec")
    approval_warnings = [d for d in found if d.split()[0] in ("W107", "W108", "W109")]
    assert approval_warnings == [
        "W108 19:38 the script asks for approval of `book` at most once, so this 2nd decision is never taken",
        "W107 20:15 the script never asks for approval of `search`, so this rule is never used",
        'W108 21:48 the script asks for approval of plan "p1" at most once, so this 2nd decision is never taken',
        'W107 22:15 the script never asks for approval of plan "p2", so this rule is never used',
        'W109 23:15 `on approval plan` never answers anything: every plan the script executes ("p1") '
        "has its own rule, which takes precedence",
        # "the loop" executes p1 twice: both decisions are reached; the wildcard of the third
        # scenario answers p2; "live only" has no script to judge
    ], found


def test_the_unreached_decision_hint_explains_the_plan_loop(tmp_path: Path) -> None:
    write_spec(tmp_path, "flow.agentspec", FLOW)
    found = [d for d in checked_here(tmp_path, "flow.agentspec") if d.code == "W108" and d.span.line == 21]
    assert found[0].hint == (
        'remove the decisions after the 1st, or call `executePlan(planId: "p1")` again in the script '
        "(after a `revise`, the planner stores the plan again first)"
    )


def test_a_script_called_twice_counts_twice(tmp_path: Path) -> None:
    # the loop written with one named script per step, each called twice: no W108
    write_spec(tmp_path, "flow.agentspec", FLOW)
    assert not [d for d in _warnings(tmp_path, "flow.agentspec") if d.startswith("W108 3")]


# ---- layout and record ------------------------------------------------------------------------


def test_fmt_keeps_a_short_sequence_on_one_line_and_breaks_a_long_one_before_then() -> None:
    short = 'scenario "s" {\n  on approval plan "p1": revise then approve\n}\n'
    assert format_source(short, "s.agentspec").text == short
    long = (
        'scenario "s" {\n  on approval plan "p1": revise "500 units is too many for one quarter" '
        'partial { quantity: 200 } then approve "ok"   then reject\n}\n'
    )
    assert format_source(long, "s.agentspec").text == (
        'scenario "s" {\n'
        '  on approval plan "p1": revise "500 units is too many for one quarter" partial { quantity: 200 }\n'
        '    then approve "ok"\n'
        "    then reject\n"
        "}\n"
    )


def test_record_writes_one_targets_answers_as_a_sequence() -> None:
    spec = PREAMBLE + 'specialist s { model "claude-haiku-4-5" }\nscenario "x" {\n  agent s\n  run {}\n}\n'
    recorded = tj.Trajectory(
        answers=[
            tj.Answer("plan", "p1", "revise", "smaller"),
            tj.Answer("plan", "p1", "approve", None),
            tj.Answer("plan", "p1", "approve", None),  # the last decision repeats anyway
            tj.Answer("tool", "book", "approve", "fine"),
        ]
    )
    text, notes = record.rewrite(spec, "x.agentspec", "x", recorded)
    assert '  on approval plan "p1": revise "smaller" then approve\n' in text
    assert '  on approval book: approve "fine"\n' in text
    assert notes == []


# ---- the language server -----------------------------------------------------------------------


@pytest.mark.slow
def test_completion_offers_then_after_a_decision_and_the_decisions_after_then() -> None:
    from lsp_support import TRAVEL, complete_at, in_travel, lsp_server
    from lsp_support import keywords as lsp_keywords

    with lsp_server(debounce_ms=0) as client:

        def keywords(block: str) -> set[str]:
            return lsp_keywords(complete_at(client, TRAVEL, in_travel(block)))

        after_decision = keywords('scenario "s" {\n  on approval plan "p1": revise "smaller" ')
        assert {"then", "partial", "expect"} <= after_decision
        assert keywords('scenario "s" {\n  on approval plan "p1": revise then ') == {"approve", "reject", "revise"}
        assert "requested" in keywords('scenario "s" {\n  expect {\n    approval plan "p1" ')
        assert {"contains", "code", "tool"} <= keywords('scenario "s" {\n  expect {\n    error ')
