"""Hover and completion details for scenario settings, script steps and approval
decisions come from the construct table (agentspec.constructs.scenarios), as they do
for expectations: in process, over the language server's own analysis, hover and
completion functions (tests/test_lsp_completion.py and test_lsp_navigation.py
drive the same through a running server)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from agentspec.constructs.expectations import EXPECTATIONS
from agentspec.constructs.scenarios import DECISIONS, SCENARIO_SETTINGS, STEPS
from agentspec.lsp.analysis import analyze
from agentspec.lsp.completion import complete
from agentspec.lsp.navigation import hover

PATH = "/nonexistent/constructs.agentspec"  # the document lives in the editor only

DECLARATIONS = """\
tenant acme
provider anthropic
service ledger "travel_app.services:make_ledger"
tool book_flight(flight_id: str) { approval always  returns { booking_id: "BK-1" } }
plan P { action reorder { quantity: int } }
specialist booker { model "claude-haiku-4-5"  tools [book_flight] }
planner buyer { model "claude-sonnet-4-6"  plan P }
coordinator desk { model "claude-sonnet-4-6"  routes [booker, buyer] }
script book { book_flight(flight_id: "NH7") }
"""

# every scenario setting, step and decision, each once; `mock_response` is in a scenario of its own
EVERYTHING = DECLARATIONS + """\
scenario "everything" {
  input "Book NH7"
  via desk
  timeout 30s
  max_steps 20
  max_llm_calls 10
  given book_flight returns { booking_id: "BK-2" }
  service ledger "travel_app.services:make_busy_ledger"
  dispatcher "inventory_app.dispatch:summary_only"
  runs 3
  min_pass_rate 1.0
  run {
    call booker { say "Booking." book_flight(flight_id: "NH7") }
    say "Booked."
  }
  on approval book_flight: reject "no" then revise "later" partial { x: 1 } then approve "ok"
  expect { error contains "x" code unavailable tool book_flight }
  score { response contains "Booked" }
}
scenario "canned" {
  agent booker
  mock_response "Hello"
}
"""


def _position(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


@pytest.fixture(scope="module")
def analysis():
    return analyze(PATH, EVERYTHING)


def hover_at(analysis, needle: str, delta: int = 1) -> types.Hover | None:
    return hover(analysis, _position(EVERYTHING, EVERYTHING.index(needle) + delta))


def _expected_range(needle: str, length: int) -> types.Range:
    start = EVERYTHING.index(needle)
    return types.Range(start=_position(EVERYTHING, start), end=_position(EVERYTHING, start + length))


# the text each setting starts with in EVERYTHING, where its keyword is
WRITTEN = {
    "input": 'input "Book',
    "via": "via desk",
    "agent": "agent booker",
    "timeout": "timeout 30s",
    "max_steps": "max_steps 20",
    "max_llm_calls": "max_llm_calls",
    "mock_response": "mock_response",
    "given": "given book_flight",
    "service": 'service ledger "travel_app.services:make_busy',
    "dispatcher": 'dispatcher "inventory',
    "runs": "runs 3",
    "min_pass_rate": "min_pass_rate",
    "run": "run {",
    "on approval": "on approval",
    "expect": "expect {",
    "score": "score {",
}


def test_every_setting_is_written_in_the_document():
    assert set(WRITTEN) == set(SCENARIO_SETTINGS)


@pytest.mark.parametrize("key", sorted(SCENARIO_SETTINGS))
def test_hover_on_a_settings_keyword_shows_its_entry(analysis, key):
    entry = SCENARIO_SETTINGS[key]
    found = hover_at(analysis, WRITTEN[key])
    assert found is not None and found.contents.value == entry.hover()
    assert found.range == _expected_range(WRITTEN[key], len(entry.lead))


def test_hover_on_either_word_of_on_approval(analysis):
    entry = SCENARIO_SETTINGS["on approval"]
    assert hover_at(analysis, "on approval", delta=len("on ") + 2).contents.value == entry.hover()
    assert entry.lead == "on approval"


@pytest.mark.parametrize("written, kind", [('say "Booking', "say"), ('say "Booked', "say"), ("call booker", "call")])
def test_hover_on_a_steps_keyword_shows_its_entry_also_inside_a_call(analysis, written, kind):
    found = hover_at(analysis, written)
    assert found.contents.value == STEPS[kind].hover()
    assert found.range == _expected_range(written, len(kind))


@pytest.mark.parametrize(
    "written, kind", [('reject "no"', "reject"), ("revise", "revise"), ('approve "ok"', "approve")]
)
def test_hover_on_each_decision_of_a_sequence_shows_its_entry(analysis, written, kind):
    assert hover_at(analysis, written).contents.value == DECISIONS[kind].hover()


def test_hover_on_the_error_expectation_and_names_inside_settings(analysis):
    assert hover_at(analysis, "error contains").contents.value == EXPECTATIONS["error"].hover()
    # a name after a keyword is still the declaration's hover
    assert "tool book_flight" in hover_at(analysis, "book_flight returns").contents.value
    assert "service ledger" in hover_at(analysis, 'ledger "travel_app.services:make_busy').contents.value
    # words that start nothing: no hover
    assert hover_at(analysis, "then revise", delta=2) is None


def _completion_docs(text_with_cursor: str) -> dict[str, types.CompletionItem]:
    at = text_with_cursor.index("‸")
    text = text_with_cursor.replace("‸", "")
    items = complete(text, at, analyze(PATH, text))
    return {i.label: i for i in items if i.kind == types.CompletionItemKind.Keyword}


def _assert_documented(items: dict[str, types.CompletionItem], entries) -> None:
    for entry in entries:
        item = items[entry.keyword]
        assert item.detail == entry.spellings[0]
        assert item.documentation.value == entry.hover()


def test_completion_in_a_scenario_documents_every_setting():
    items = _completion_docs(DECLARATIONS + 'scenario "s" {\n  ‸\n}\n')
    assert set(items) == {e.keyword for e in SCENARIO_SETTINGS.values()}
    _assert_documented(items, SCENARIO_SETTINGS.values())


def test_completion_in_steps_documents_say_and_call():
    for where in ("script s {\n  ‸\n}\n", 'scenario "s" {\n  run { call booker { ‸ } }\n}\n'):
        items = _completion_docs(DECLARATIONS + where)
        assert set(items) == set(STEPS)
        _assert_documented(items, STEPS.values())


def test_completion_of_a_decision_documents_each_and_again_after_then():
    for where in ("on approval book_flight: ‸", 'on approval plan "p1": revise then ‸'):
        items = _completion_docs(DECLARATIONS + f'scenario "s" {{\n  {where}\n}}\n')
        assert set(items) == set(DECISIONS)
        _assert_documented(items, DECISIONS.values())


def test_a_keyword_of_two_groups_is_documented_as_the_one_the_cursor_is_in():
    in_scenario = _completion_docs(DECLARATIONS + 'scenario "s" {\n  ‸\n}\n')
    in_expect = _completion_docs(DECLARATIONS + 'scenario "s" {\n  expect {\n    ‸\n  }\n}\n')
    assert in_scenario["max_steps"].documentation.value == SCENARIO_SETTINGS["max_steps"].hover()
    assert in_expect["max_steps"].documentation.value == EXPECTATIONS["max_steps"].hover()
    # a suite's `runs` is not a scenario's: left undocumented rather than described wrongly
    in_suite = _completion_docs(DECLARATIONS + "suite {\n  ‸\n}\n")
    assert "runs" in in_suite and in_suite["runs"].documentation is None
