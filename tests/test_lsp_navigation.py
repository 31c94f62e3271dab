"""Hover, go-to-definition, find-references and formatting from the language
server, end to end, on the fixtures in tests/data/lsp (travel.agentspec imports
common.agentspec; inventory.agentspec has plans)."""

from __future__ import annotations

import pytest

from agentspec.formatter import format_source
from lsp_support import COMMON, DATA, INVENTORY, TRAVEL, position_of, server_fixture, uri

pytestmark = pytest.mark.slow


client = server_fixture()


@pytest.fixture(scope="module")
def travel(client):
    return client.open(TRAVEL)


@pytest.fixture(scope="module")
def inventory(client):
    return client.open(INVENTORY)


def at(path, needle: str, occurrence: int = 0, delta: int = 1) -> tuple[int, int]:
    """A position inside the ``occurrence``-th ``needle`` of the file (one char in, by default)."""
    return position_of(path.read_text(), needle, occurrence, delta)


def span(path, needle: str, occurrence: int = 0) -> dict:
    text = path.read_text()
    line, char = position_of(text, needle, occurrence)
    end_line, end_char = position_of(text, needle, occurrence, delta=len(needle))
    return {"start": {"line": line, "character": char}, "end": {"line": end_line, "character": end_char}}


def location(path, needle: str, occurrence: int = 0) -> dict:
    return {"uri": uri(path), "range": span(path, needle, occurrence)}


# ---- hover -------------------------------------------------------------------------


def test_hover_on_a_tool_shows_signature_and_description(client, travel):
    hover = client.hover(travel, *at(TRAVEL, "search_flights(origin"))
    text = hover["contents"]["value"]
    assert hover["contents"]["kind"] == "markdown"
    assert "tool search_flights(origin: str, destination: str, date: str?)" in text
    assert "Find flights between two airports" in text
    assert "declared in common.agentspec" in text
    assert hover["range"] == span(TRAVEL, "search_flights", occurrence=0)


def test_hover_on_an_agent_shows_role_model_and_tools(client, travel):
    text = client.hover(travel, *at(TRAVEL, "booker]"))["contents"]["value"]
    assert "specialist booker" in text
    assert "**role:** specialist" in text
    assert "`claude-haiku-4-5`" in text
    assert "`search_flights`, `book_flight`, `cancel_booking`" in text


def test_hover_on_an_expectation_keyword_shows_its_construct_table_entry(client, travel):
    from agentspec.constructs.expectations import EXPECTATIONS

    hover = client.hover(travel, *at(TRAVEL, "no_tool_call cancel_booking"))
    assert hover["contents"]["value"] == EXPECTATIONS["no_tool_call"].hover()
    assert hover["range"] == span(TRAVEL, "no_tool_call")
    # the tool name after the keyword is still the tool's hover
    assert "tool cancel_booking" in client.hover(travel, *at(TRAVEL, "cancel_booking\n"))["contents"]["value"]


def test_hover_on_a_scenario_setting_and_a_decision_shows_its_construct_table_entry(client, travel):
    from agentspec.constructs.scenarios import DECISIONS, SCENARIO_SETTINGS

    hover = client.hover(travel, *at(TRAVEL, "on approval book_flight", delta=4))  # on "approval"
    assert hover["contents"]["value"] == SCENARIO_SETTINGS["on approval"].hover()
    assert hover["range"] == span(TRAVEL, "on approval")
    hover = client.hover(travel, *at(TRAVEL, 'approve "looks right"'))
    assert hover["contents"]["value"] == DECISIONS["approve"].hover()


def test_a_scenario_s_service_hovers_and_goes_to_the_declared_service(client):
    text = (
        'tenant acme\nservice ledger "app.services:make_ledger"\n'
        'scenario "s" {\n  service ledger "app.services:make_busy_ledger"\n}\n'
    )
    path = DATA / "scenario_service.agentspec"  # never written: the document lives in the editor
    doc = client.open(path, text)
    try:
        line, character = position_of(text, 'ledger "app.services:make_busy', 0, 1)
        hover = client.hover(doc, line, character)["contents"]["value"]
        assert "service ledger" in hover and "factory: `app.services:make_ledger`" in hover
        (target,) = client.definition(doc, line, character)
        assert target["range"]["start"] == {"line": 1, "character": 8}
    finally:
        client.close(doc)


def test_hover_on_a_declared_name(client, travel):
    text = client.hover(travel, *at(TRAVEL, "front_desk {"))["contents"]["value"]
    assert "coordinator front_desk" in text and "**routes:** `booker`" in text


def test_hover_on_a_plan_shows_fields_and_actions(client, inventory):
    text = client.hover(inventory, *at(INVENTORY, "InventoryPlan", occurrence=1))["contents"]["value"]
    assert "plan InventoryPlan" in text
    assert "rationale: str" in text
    assert "`reorder` { product_id: str, quantity: int }" in text
    assert "`hold` { product_id: str, reason: str? }" in text


def test_hover_on_a_script_shows_its_steps(client, travel):
    text = client.hover(travel, *at(TRAVEL, "book_cheapest"))["contents"]["value"]
    assert "script book_cheapest" in text
    assert "2 steps" in text
    assert "`search_flights(…)`" in text


def test_hover_on_nothing_in_particular(client, travel):
    assert client.hover(travel, *at(TRAVEL, "coordinator front_desk")) is None  # a declaration's keyword
    assert client.hover(travel, *at(TRAVEL, "model")) is None  # an agent setting (not in the construct table)
    assert client.hover(travel, 0, 0) is None  # a comment


# ---- go to definition --------------------------------------------------------------


def test_definition_of_an_agent_in_the_imported_file(client, travel):
    assert client.definition(travel, *at(TRAVEL, "booker]")) == [location(COMMON, "booker")]


def test_definition_of_tools_and_scripts_across_files(client, travel):
    assert client.definition(travel, *at(TRAVEL, "book_flight:")) == [location(COMMON, "book_flight", 0)]
    assert client.definition(travel, *at(TRAVEL, "book_cheapest")) == [location(COMMON, "book_cheapest", occurrence=0)]


def test_definition_in_the_same_file(client, travel, inventory):
    assert client.definition(travel, *at(TRAVEL, "via front_desk", delta=5)) == [location(TRAVEL, "front_desk")]
    assert client.definition(inventory, *at(INVENTORY, "InventoryPlan", occurrence=1)) == [
        location(INVENTORY, "InventoryPlan", occurrence=0)
    ]


def test_definition_of_unknown_names_and_keywords_is_empty(client, travel):
    assert client.definition(travel, *at(TRAVEL, "no_error")) == []


# ---- find references ---------------------------------------------------------------


def test_references_to_a_tool_span_both_files(client, travel):
    found = client.references(travel, *at(TRAVEL, "book_flight:"), include_declaration=True)
    common_text = COMMON.read_text()
    travel_text = TRAVEL.read_text()
    expected = [
        location(COMMON, "book_flight", i)
        for i in range(common_text.count("book_flight"))
    ] + [location(TRAVEL, "book_flight", i) for i in range(travel_text.count("book_flight"))]
    key = lambda loc: (loc["uri"], loc["range"]["start"]["line"], loc["range"]["start"]["character"])  # noqa: E731
    assert sorted(found, key=key) == sorted(expected, key=key)
    assert len(found) == 3 + 3  # declaration, tools list, script step; on approval, before, tool_order


def test_references_without_the_declaration(client, travel):
    found = client.references(travel, *at(TRAVEL, "booker]"), include_declaration=False)
    assert {(loc["uri"], loc["range"]["start"]["line"]) for loc in found} == {
        (uri(TRAVEL), at(TRAVEL, "booker]")[0]),
        (uri(TRAVEL), at(TRAVEL, "call booker")[0]),
        (uri(TRAVEL), at(TRAVEL, "agent booker")[0]),
    }


def test_references_from_the_declaring_file_find_uses_in_importers(client):
    common = client.open(COMMON)
    try:
        found = client.references(common, *at(COMMON, "script book_cheapest", delta=8), include_declaration=False)
        assert found == [location(TRAVEL, "book_cheapest")]
    finally:
        client.close(common)


def test_references_to_a_plan(client, inventory):
    found = client.references(inventory, *at(INVENTORY, "plan InventoryPlan", delta=6), include_declaration=False)
    assert found == [location(INVENTORY, "InventoryPlan", 1), location(INVENTORY, "InventoryPlan", 2)]


# ---- formatting --------------------------------------------------------------------


def test_formatting_replaces_the_document_with_the_formatters_output(client):
    messy = 'tenant   acme\ntool t( x:int ){description "d"\n returns {ok:true}}  # keep me\n'
    doc = client.open(DATA / "scratch_fmt.agentspec", messy)
    try:
        (edit,) = client.formatting(doc)
        expected = format_source(messy, "scratch_fmt.agentspec").text
        assert expected is not None and expected != messy
        assert edit["newText"] == expected
        assert edit["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}}
        assert "# keep me" in edit["newText"]
        client.change(doc, expected)
        assert client.formatting(doc) == []  # already formatted: no edit
    finally:
        client.close(doc)


def test_no_formatting_when_the_file_has_syntax_errors(client):
    doc = client.open(DATA / "scratch_fmt_broken.agentspec", "tool t( {\n  description 'x'\n")
    try:
        assert client.formatting(doc) == []
    finally:
        client.close(doc)


def test_definition_of_an_import_path_opens_the_file(client, travel):
    start = {"line": 0, "character": 0}
    assert client.definition(travel, *at(TRAVEL, '"common.agentspec"', delta=3)) == [
        {"uri": uri(COMMON), "range": {"start": start, "end": start}}
    ]


# ---- outline -----------------------------------------------------------------------


def test_document_symbols_list_the_declarations(client, inventory):
    symbols = client.request("textDocument/documentSymbol", {"textDocument": {"uri": inventory}})
    assert [(s["name"], s["detail"]) for s in symbols] == [
        ("anthropic", "provider"),
        ("InventoryPlan", "plan"),
        ("ops", "coordinator"),
        ("planner", "planner"),
        ("executor", "executor"),
        ("approved plan is executed", "scenario"),
    ]
    plan = symbols[1]
    assert [c["name"] for c in plan["children"]] == ["reorder", "hold"]
    assert plan["selectionRange"] == span(INVENTORY, "InventoryPlan")
    assert plan["range"]["start"] == {"line": at(INVENTORY, "plan InventoryPlan")[0], "character": 0}
