"""Completion from the language server, end to end: keywords valid at the cursor
(as the grammar says), and the names valid there, from the document and its
imports, on the broken text one has while typing."""

from __future__ import annotations

import pytest

from lsp_support import CURSOR, DATA, KEYWORD, TRAVEL, LspClient, complete_at, in_travel, keywords, names, server_fixture

pytestmark = pytest.mark.slow

TOOLS = {"search_flights", "book_flight", "cancel_booking"}
AGENTS = {"booker", "front_desk"}


client = server_fixture()


def complete(client: LspClient, text_with_cursor: str, path=TRAVEL) -> list[dict]:
    """Complete at the mark ‸ of the text, opened as ``path``."""
    return complete_at(client, path, text_with_cursor)


def test_top_level_offers_the_declaration_keywords(client):
    items = complete(client, in_travel(""))
    found = keywords(items)
    assert {"import", "tenant", "tool", "plan", "coordinator", "specialist", "script", "scenario", "suite"} <= found
    assert not found & {"description", "tools", "input", "tool_call", "runs"}
    assert names(items) == set()


def test_tool_block_offers_tool_settings_only(client):
    items = complete(client, in_travel("tool t() {\n  ", "\n}\n"))
    assert keywords(items) == {"description", "approval", "handler", "returns", "fails", "timeout"}


def test_expect_block_offers_expectations(client):
    items = complete(client, in_travel('scenario "s" {\n  expect {\n    ', "\n  }\n}\n"))
    found = keywords(items)
    assert {"tool_call", "no_tool_call", "tool_order", "output", "no_error", "judge", "policy"} <= found
    assert "description" not in found and "input" not in found


def test_expectation_keywords_are_documented_from_the_construct_table(client):
    from agentspec.constructs.expectations import EXPECTATIONS

    items = complete(client, in_travel('scenario "s" {\n  expect {\n    ', "\n  }\n}\n"))
    by_label = {i["label"]: i for i in items if i["kind"] == KEYWORD}
    for entry in EXPECTATIONS.values():
        item = by_label[entry.keyword]
        assert item["detail"] == entry.spellings[0]
        assert item["documentation"]["value"] == entry.hover()
    # outside an expect block the same word is the scenario setting, documented as that
    from agentspec.constructs.scenarios import SCENARIO_SETTINGS

    items = complete(client, in_travel('scenario "s" {\n  ', "\n}\n"))
    assert {i["label"]: i for i in items}["max_steps"]["detail"] == SCENARIO_SETTINGS["max_steps"].spellings[0]


def test_no_approval_for_offers_tools_and_plan(client):
    items = complete(client, in_travel('scenario "s" {\n  expect {\n    no_approval for ', "\n  }\n}\n"))
    assert {"search_flights", "book_flight"} <= names(items)
    assert "plan" in keywords(items)


def test_tools_list_offers_tools_from_the_imported_file(client):
    items = complete(client, in_travel("specialist s {\n  tools [", "]\n}\n"))
    assert names(items) == TOOLS
    book = next(i for i in items if i["label"] == "book_flight")
    assert book["detail"] == "tool book_flight(flight_id: str)"
    assert "Book one flight" in book["documentation"]["value"]


def test_tools_list_after_a_comma_and_a_partial_word(client):
    items = complete(client, in_travel("specialist s {\n  tools [search_flights, bo", "\n}\n"))
    assert names(items) == TOOLS - {"search_flights"}  # the editor filters by the typed prefix


def test_names_already_in_the_list_are_not_offered(client):
    items = complete(client, in_travel("specialist s {\n  tools [search_flights, ", ", cancel_booking]\n}\n"))
    assert names(items) == {"book_flight"}


def test_routes_offer_agents(client):
    items = complete(client, in_travel("coordinator c {\n  routes [", "]\n}\n"))
    assert AGENTS <= names(items)
    assert not names(items) & TOOLS


def test_call_offers_agents_then_their_scripts(client):
    assert AGENTS <= names(complete(client, in_travel('scenario "s" {\n  run {\n    call ', "\n  }\n}\n")))
    scripts = names(complete(client, in_travel('scenario "s" {\n  run {\n    call booker ', "\n  }\n}\n")))
    assert scripts == {"book_cheapest"}


def test_via_and_agent_offer_agents(client):
    assert AGENTS <= names(complete(client, in_travel('scenario "s" {\n  via ', "\n}\n")))
    assert AGENTS <= names(complete(client, in_travel('scenario "s" {\n  agent ', "\n}\n")))


def test_scenario_settings_offer_the_overrides_and_a_service_its_name(client):
    items = complete(client, in_travel('service ledger "app.services:make_ledger"\nscenario "s" {\n  ', "\n}\n"))
    assert {"runs", "min_pass_rate", "dispatcher", "service", "given"} <= keywords(items)
    items = complete(client, in_travel('service ledger "app.services:make_ledger"\nscenario "s" {\n  service ', "\n}\n"))
    assert names(items) == {"ledger"}


def test_steps_offer_tools_and_call(client):
    items = complete(client, in_travel("script s {\n  ", "\n}\n"))
    assert TOOLS <= names(items)
    assert "call" in keywords(items)


def test_expectations_offer_tools(client):
    items = complete(client, in_travel('scenario "s" {\n  expect {\n    tool_call ', "\n  }\n}\n"))
    assert names(items) == TOOLS
    items = complete(client, in_travel('scenario "s" {\n  expect {\n    tool_call search_flights before ', "\n  }\n}\n"))
    assert names(items) == TOOLS


def test_arguments_of_a_scripted_tool_call(client):
    items = complete(client, in_travel("script s {\n  search_flights(", ")\n}\n"))
    assert [i["label"] for i in items] == ["origin", "destination", "date"]
    assert items[0]["insertText"] == "origin: "
    assert items[2]["detail"] == "date: str?"


def test_arguments_already_given_are_not_offered(client):
    before = in_travel('script s {\n  search_flights(origin: "SFO", ', ', date: "x")\n}\n')
    assert [i["label"] for i in complete(client, before)] == ["destination"]


def test_arguments_in_an_expected_tool_call(client):
    items = complete(client, in_travel('scenario "s" {\n  expect {\n    tool_call book_flight(', "\n  }\n}\n"))
    assert [i["label"] for i in items] == ["flight_id"]


def test_nothing_inside_strings_and_comments(client):
    assert complete(client, in_travel('tool t() {\n  description "Find ', '"\n}\n')) == []
    assert complete(client, in_travel("# tools [", "\n")) == []


def test_new_names_get_no_suggestions(client):
    assert names(complete(client, in_travel("tool ", "\n"))) == set()
    assert names(complete(client, in_travel("tool t(", ")\n"))) == set()


def test_completion_works_below_a_broken_declaration(client):
    broken = in_travel(
        "specialist half {\n  tools [search_flights, \n  prompt \"unfinished\n\n"  # unclosed list, string, block
        'scenario "s" {\n  via ',
        "\n}\n",
    )
    assert AGENTS <= names(complete(client, broken))


def test_names_declared_in_the_broken_document_itself_are_offered(client):
    text = (
        'import "common.agentspec"\n'
        "tool freshly_added(x: int) {}\n"
        "specialist s {\n  tools [" + CURSOR + "\n"  # the list is not closed yet
    )
    found = names(complete(client, text, path=DATA / "scratch_completion.agentspec"))
    assert found == TOOLS | {"freshly_added"}


def test_scenario_settings_steps_and_decisions_are_documented_from_the_construct_table(client):
    from agentspec.constructs.scenarios import DECISIONS, SCENARIO_SETTINGS, STEPS

    for before, after, entries in [
        ('scenario "s" {\n  ', "\n}\n", SCENARIO_SETTINGS.values()),
        ("script s {\n  ", "\n}\n", STEPS.values()),
        ('scenario "s" {\n  on approval book_flight: revise then ', "\n}\n", DECISIONS.values()),
    ]:
        by_label = {i["label"]: i for i in complete(client, in_travel(before, after)) if i["kind"] == KEYWORD}
        for entry in entries:
            assert by_label[entry.keyword]["detail"] == entry.spellings[0]
            assert by_label[entry.keyword]["documentation"]["value"] == entry.hover()
