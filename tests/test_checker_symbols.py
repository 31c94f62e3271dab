"""Name resolution (agentspec.symbols): scopes, references, go-to-definition, find-references."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentspec.loader import load
from agentspec.symbols import declaration_of, references_in, references_to, scope_for, symbol_at

CLEAN = Path(__file__).parent / "data" / "checker" / "clean"


@pytest.fixture
def program():
    cwd = os.getcwd()
    os.chdir(CLEAN)
    try:
        yield load(["travel.agentspec"])
    finally:
        os.chdir(cwd)


def offset_of(program, path: str, needle: str, nth: int = 0) -> int:
    text = program.sources[path]
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return at


def test_scope_has_own_and_imported_declarations(program):
    scope = scope_for(program, "travel.agentspec")
    assert scope.files == ["travel.agentspec", "common.agentspec"]
    assert list(scope.tools) == ["search_flights", "book_flight", "cancel_booking", "lookup_stock"]
    assert scope.tools["book_flight"].path == "common.agentspec"
    assert list(scope.agents) == ["front_desk", "booker", "stock_checker", "planner", "executor"]
    assert list(scope.plans) == ["InventoryPlan"]
    assert list(scope.scripts) == ["book_cheapest"]
    assert list(scope.references) == ["Supplier"]
    assert list(scope.services) == ["ledger"]
    assert list(scope.providers) == ["anthropic", "openai"]
    assert scope.lookup("agent", "booker").decl.role == "specialist"
    assert scope.lookup("tool", "booker") is None


def test_an_imported_file_does_not_see_its_importer(program):
    scope = scope_for(program, "common.agentspec")
    assert scope.agents == {} and list(scope.tools) == [
        "search_flights",
        "book_flight",
        "cancel_booking",
        "lookup_stock",
    ]


def test_own_declaration_wins_over_an_imported_one(tmp_path):
    (tmp_path / "lib.agentspec").write_text("tool t() {}\n")
    (tmp_path / "main.agentspec").write_text('import "lib.agentspec"\ntool t(x: int) {}\n')
    program = load([str(tmp_path / "main.agentspec")])
    symbol = scope_for(program, str(tmp_path / "main.agentspec")).tools["t"]
    assert symbol.path == str(tmp_path / "main.agentspec") and symbol.span.line == 2


def test_scope_of_a_file_that_did_not_parse_is_empty(tmp_path):
    (tmp_path / "bad.agentspec").write_text("tool (")
    program = load([str(tmp_path / "bad.agentspec")])
    assert scope_for(program, str(tmp_path / "bad.agentspec")).tools == {}


def test_references_in_cover_every_kind_of_use(program):
    refs = references_in(program.files["travel.agentspec"])
    assert [r.ident.span.start for r in refs] == sorted(r.ident.span.start for r in refs)
    by_kind = {}
    for r in refs:
        by_kind.setdefault(r.kind, []).append(r.ident.name)
    assert by_kind["agent"] == [
        "booker",
        "planner",
        "executor",  # routes
        "front_desk",  # via
        "booker",  # call booker book_cheapest
        "stock_checker",  # agent
        "planner",
        "executor",  # call blocks
    ]
    assert by_kind["plan"] == ["InventoryPlan", "InventoryPlan"]
    assert by_kind["script"] == ["book_cheapest"]
    assert by_kind["provider"] == ["anthropic"]
    tools = by_kind["tool"]
    assert tools[:3] == ["search_flights", "book_flight", "cancel_booking"]  # tools [...]
    for name in ("lookup_stock", "storePlan", "executePlan", "call_agent"):
        assert name in tools
    # given, on approval, tool_call ... before, tool_order, no_tool_call, no_side_effects, milestone, policy, on_tool_failure
    assert tools.count("search_flights") >= 8


def test_symbol_at_a_use_resolves_into_the_imported_file(program):
    symbol = symbol_at(program, "travel.agentspec", offset_of(program, "travel.agentspec", "book_flight") + 3)
    assert (symbol.kind, symbol.name, symbol.path, symbol.span.line) == ("tool", "book_flight", "common.agentspec", 15)


def test_symbol_at_a_declaration_is_that_declaration(program):
    symbol = symbol_at(program, "travel.agentspec", offset_of(program, "travel.agentspec", "specialist booker") + 11)
    assert (symbol.kind, symbol.name, symbol.path) == ("agent", "booker", "travel.agentspec")


def test_symbol_at_nothing_or_a_builtin(program):
    assert symbol_at(program, "travel.agentspec", 0) is None  # a comment
    assert symbol_at(program, "travel.agentspec", offset_of(program, "travel.agentspec", "storePlan(")) is None
    assert symbol_at(program, "missing.agentspec", 0) is None


def test_references_to_find_uses_in_every_file(program):
    book_flight = scope_for(program, "common.agentspec").tools["book_flight"]
    places = references_to(program, book_flight)
    assert {p.path for p in places} == {"travel.agentspec"}
    lines = [p.span.line for p in places]
    assert lines == sorted(lines) and len(lines) >= 6
    with_decl = references_to(program, book_flight, include_declaration=True)
    assert with_decl[0].path == "common.agentspec" and with_decl[1:] == places


def test_references_to_skip_uses_that_resolve_elsewhere(tmp_path):
    (tmp_path / "a.agentspec").write_text("tool t() {}\nscript s { t() }\n")
    (tmp_path / "b.agentspec").write_text("tool t() {}\nscript s2 { t() }\n")
    program = load([str(tmp_path / "a.agentspec"), str(tmp_path / "b.agentspec")])
    a_tool = scope_for(program, str(tmp_path / "a.agentspec")).tools["t"]
    places = references_to(program, a_tool)
    assert [(p.path, p.span.line) for p in places] == [(str(tmp_path / "a.agentspec"), 2)]


def test_declaration_of_a_name(program):
    symbol = declaration_of(program, "travel.agentspec", "plan", "InventoryPlan")
    assert (symbol.path, symbol.span.line, symbol.decl.kind) == ("travel.agentspec", 5, "plan")
    assert declaration_of(program, "common.agentspec", "plan", "InventoryPlan") is None
