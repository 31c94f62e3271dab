"""What the grammar accepts at the cursor (the core of completion), in process.

The keyword sets are compared with the grammar's own rules, read from Lark,
so these tests fail if the completion context and grammar/agentspec.lark
disagree — not if a keyword is added to both."""

from __future__ import annotations

import pytest

from agentspec.lsp.cursor import cursor_context, keywords_accepted_at_start
from agentspec.syntax.parser import lark_parser

CURSOR = "‸"


def ctx(text_with_cursor: str):
    at = text_with_cursor.index(CURSOR)
    return cursor_context(text_with_cursor.replace(CURSOR, ""), at)


def words_of_rule(rule: str) -> set[str]:
    """Keywords that start an alternative of ``rule`` in the grammar."""
    parser = lark_parser()
    names = {t.name: t.pattern.value for t in parser.terminals}
    found = set()
    for r in parser.rules:
        if r.origin.name == rule and r.expansion:
            first = r.expansion[0].name
            if first in names and names[first].isidentifier():
                found.add(names[first])
    return found


def test_top_level_keywords_are_the_declaration_keywords():
    expected = set()
    for rule in [
        "import_decl", "tenant_decl", "provider_decl", "service_decl", "tool_decl", "plan_decl", "reference_decl",
        "dispatcher_decl", "approval_decl", "agent_role", "script_decl", "scenario_decl", "suite_decl",
    ]:
        expected |= words_of_rule(rule)
    assert set(keywords_accepted_at_start()) == expected
    assert set(ctx(CURSOR).keywords) == expected


@pytest.mark.parametrize(
    "text, rule",
    [
        ("tool t() {\n  " + CURSOR, "tool_setting"),
        ("specialist a {\n  " + CURSOR, "agent_setting"),
        ("suite {\n  " + CURSOR, "suite_setting"),
        ('scenario "s" {\n  ' + CURSOR, "scenario_setting"),
        ('scenario "s" { expect {\n  ' + CURSOR, "expectation"),
        ("provider p {\n  " + CURSOR, "provider_setting"),
    ],
)
def test_block_keywords_are_the_rule_alternatives(text, rule):
    assert set(ctx(text).keywords) == words_of_rule(rule)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("specialist a { tools [" + CURSOR, "tool"),
        ("specialist a { tools [x, " + CURSOR, "tool"),
        ("coordinator a { routes [" + CURSOR, "agent"),
        ("planner a { plan " + CURSOR, "plan"),
        ('specialist a { model "m" provider ' + CURSOR, "provider"),
        ("script s { " + CURSOR, "tool"),
        ("script s { a() " + CURSOR, "tool"),
        ('scenario "s" { run { ' + CURSOR, "tool"),
        ('scenario "s" { run { call a { ' + CURSOR, "tool"),
        ('scenario "s" { run { call ' + CURSOR, "agent"),
        ('scenario "s" { run { call a ' + CURSOR, "script"),
        ('scenario "s" { run { call a b ' + CURSOR, "tool"),  # that call is complete: a new step
        ('scenario "s" { run { call a { x() } ' + CURSOR, "tool"),
        ('scenario "s" { run { x(a: [1, 2], b: {c: 3}) ' + CURSOR, "tool"),
        ('scenario "s" { run ' + CURSOR, "script"),
        ('scenario "s" { via ' + CURSOR, "agent"),
        ('scenario "s" { agent ' + CURSOR, "agent"),
        ('scenario "s" { given ' + CURSOR, "tool"),
        ('scenario "s" { on approval ' + CURSOR, "tool"),
        ('scenario "s" { expect { tool_call ' + CURSOR, "tool"),
        ('scenario "s" { expect { no_tool_call ' + CURSOR, "tool"),
        ('scenario "s" { expect { tool_call a after ' + CURSOR, "tool"),
        ('scenario "s" { expect { tool_order [a, ' + CURSOR, "tool"),
        ('scenario "s" { expect { no_side_effects allowed [a] mutating [' + CURSOR, "tool"),
        ('scenario "s" { expect { policy "p" forbidden_tools [' + CURSOR, "tool"),
        ('scenario "s" { expect { milestone "m" tool ' + CURSOR, "tool"),
        ('scenario "s" { expect { on_tool_failure ' + CURSOR, "tool"),
        ('scenario "s" { expect { approval ' + CURSOR, "tool"),
    ],
)
def test_name_slots(text, kind):
    found = ctx(text)
    assert found.accepts_name and found.name_kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "tool " + CURSOR,  # declares a name
        "plan " + CURSOR,
        "provider " + CURSOR,
        "tool t(" + CURSOR,  # a parameter
        "plan P { " + CURSOR,  # a field
        "tool t() { returns { " + CURSOR,  # an object key
        'scenario "s" { expect { state ' + CURSOR,  # a state key
        'scenario "s" { expect { plan "p" status ' + CURSOR,
    ],
)
def test_slots_for_new_names_get_no_kind(text):
    found = ctx(text)
    assert found.accepts_name and found.name_kind is None


def test_argument_slots_know_the_tool_and_the_arguments_given():
    found = ctx('script s { search(origin: "SFO", ' + CURSOR + ' date: "x")')
    assert (found.name_kind, found.tool, found.given_args) == ("arg", "search", {"origin", "date"})
    found = ctx('scenario "s" { expect { tool_call book(' + CURSOR)
    assert (found.name_kind, found.tool) == ("arg", "book")


def test_call_script_slot_knows_the_agent():
    assert ctx('scenario "s" { run { call booker ' + CURSOR).agent == "booker"


def test_no_context_in_strings_and_comments():
    assert ctx('tool t() { description "abc' + CURSOR + '" }') is None
    assert ctx('tool t() { description """\n  line ' + CURSOR + '\n""" }') is None
    assert ctx("# a comment " + CURSOR) is None
    assert ctx('tool t() { description "abc" ' + CURSOR) is not None


def test_partial_word_is_not_part_of_the_context():
    assert ctx("specialist a { tools [sea" + CURSOR).name_kind == "tool"
    assert set(ctx("specialist a {\n  too" + CURSOR).keywords) == words_of_rule("agent_setting")


@pytest.mark.parametrize(
    "text",
    [
        # an unclosed list, then the next setting
        "specialist a {\n  tools [x, y\n  prompt \"p\"\n  " + CURSOR,
        # a half-typed call, then more steps
        "script s {\n  search(origin: \n  book(x: 1)\n  " + CURSOR,
        # an unterminated string
        'specialist a {\n  prompt "never closed\n  ' + CURSOR,
        # garbage in the middle
        "specialist a {\n  ]]] ??? \n  " + CURSOR,
    ],
)
def test_broken_text_before_the_cursor_is_recovered(text):
    found = ctx(text)
    assert found is not None
    if text.startswith("script"):
        assert found.name_kind == "tool"
    else:
        assert {"tools", "model", "routes"} <= set(found.keywords)


def test_a_broken_declaration_above_does_not_matter():
    text = "tool broken( {{{ \n\nspecialist a {\n  " + CURSOR
    assert set(ctx(text).keywords) == words_of_rule("agent_setting")
