"""The construct table (agentspec.constructs) against everything that must agree with it:
the syntax tree, the grammar, both highlighters' keyword lists and docs/language.md.

The checker, code generation and the language server dispatch through the
table, so they cannot disagree with it; what is kept in step by hand is
checked here, in one place.
"""

from __future__ import annotations

import json
import re
import typing

import pytest

from agentspec import pygments_lexer
from agentspec.constructs.expectations import EXPECTATIONS
from agentspec.constructs.scenarios import DECISIONS, SCENARIO_SETTINGS, STEPS
from agentspec.syntax import nodes
from agentspec.syntax.parser import parse
from highlight_support import GRAMMAR, TM_GRAMMAR, grammar_keywords
from codegen_support import REPO

ENTRIES = sorted(EXPECTATIONS.values(), key=lambda e: e.kind)
IDS = [e.kind for e in ENTRIES]
LANGUAGE = (REPO / "docs" / "language.md").read_text(encoding="utf-8")


def _parsed(line: str) -> list:
    result = parse(f'scenario "s" {{\n  expect {{\n    {line}\n  }}\n}}\n', "example.agentspec")
    assert result.spec is not None and result.diagnostics == [], [d.message for d in result.diagnostics]
    (scenario,) = result.spec.declarations
    return scenario.expectations


def test_every_expectation_node_has_one_entry_and_every_entry_a_node():
    (union, _) = typing.get_args(nodes.Expectation)
    node_kinds = {cls.kind for cls in typing.get_args(union)}  # each node's default `kind`
    assert node_kinds == set(EXPECTATIONS)


def test_expectations_start_with_distinct_keywords():
    keywords = [e.keyword for e in ENTRIES]
    assert len(set(keywords)) == len(keywords)


def test_every_alternative_of_the_grammars_expectation_rule_starts_with_an_entrys_keyword():
    rule = re.search(r"^expectation:(.*?)^\S", GRAMMAR.read_text(), re.S | re.M).group(1)
    firsts = re.findall(r'^\s*[:|]?\s*"([a-z_]+)"', ":" + rule, re.M)
    assert len(firsts) >= len(EXPECTATIONS)
    assert set(firsts) == {e.keyword for e in ENTRIES}


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_the_example_parses_as_its_kind(entry):
    assert [e.kind for e in _parsed(entry.example)] == [entry.kind]


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_spelling_parses_as_its_kind(entry):
    for spelling in entry.spellings:
        line = spelling
        for placeholder in sorted(entry.arguments, key=len, reverse=True):
            line = line.replace(f'"{placeholder}"', '"x"')
        line = re.sub(r"\(ARG: VALUE, \.\.\.\)", '(a: "x")', line)
        line = re.sub(r"\[ACTION, \.\.\.\]", '[{ kind: "a", payload: {} }]', line)
        line = re.sub(r"\[(\"x\"|[A-Z]+), \.\.\.\]", lambda m: f"[{m.group(1)}]", line)
        line = line.replace("/REGEX/", "/x/").replace("DURATION", "5s").replace("== VALUE", '== "v"')
        line = re.sub(r"\b(N|W|RATE)\b", "1", line)
        line = re.sub(r"\b[A-Z]{2,}\b", "some_name", line)
        assert [e.kind for e in _parsed(line)] == [entry.kind], line


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_the_example_is_in_the_language_reference(entry):
    lines = {line.strip() for line in LANGUAGE.splitlines()}
    assert entry.example in lines, f"add `{entry.example}` to docs/language.md's example of every expectation"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_placeholder_is_explained(entry):
    text = " ".join(entry.spellings)
    for word in re.findall(r"\b[A-Z][A-Z_:]+\b", text):
        assert any(word in name for name in entry.arguments), (entry.kind, word)


def test_keywords_are_the_grammars():
    grammar = grammar_keywords()
    for entry in ENTRIES:
        assert entry.keywords <= grammar, (entry.kind, entry.keywords - grammar)


def _pygments_keywords() -> set[str]:
    return {
        *pygments_lexer.DECLARATION_KEYWORDS,
        *pygments_lexer.NAMESPACE_KEYWORDS,
        *pygments_lexer.OTHER_KEYWORDS,
    }


def _textmate_keywords() -> set[str]:
    """The words of the TextMate grammar's ``keywords`` patterns (``\\b(?:a|b)\\b``)."""
    grammar = json.loads(TM_GRAMMAR.read_text(encoding="utf-8"))
    words: set[str] = set()
    for pattern in grammar["repository"]["keywords"]["patterns"]:
        words |= set(re.findall(r"[a-z_]+", re.sub(r"\\b|\?:", " ", pattern["match"])))
    return words


def test_both_highlighters_know_every_keyword_of_every_expectation():
    pygments, textmate = _pygments_keywords(), _textmate_keywords()
    assert "tool_call" in pygments and "tool_call" in textmate  # guards the extraction itself
    for entry in ENTRIES:
        assert entry.keywords <= pygments, (entry.kind, "Pygments lexer lacks", entry.keywords - pygments)
        assert entry.keywords <= textmate, (entry.kind, "TextMate grammar lacks", entry.keywords - textmate)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_hover_text_shows_spellings_summary_and_arguments(entry):
    text = entry.hover()
    assert all(s in text for s in entry.spellings) and entry.summary in text
    assert all(f"`{name}`" in text for name in entry.arguments)


# ---- scenario settings, script steps and approval decisions (agentspec.constructs.scenarios) ----

SETTINGS = sorted(SCENARIO_SETTINGS.values(), key=lambda e: e.kind)
OTHERS = [*SETTINGS, *STEPS.values(), *DECISIONS.values()]
OTHER_IDS = [f"{e.kind}" for e in SETTINGS] + [f"step-{k}" for k in STEPS] + [f"decision-{k}" for k in DECISIONS]


def _scenario(lines: str):
    result = parse(f'scenario "s" {{\n  {lines}\n}}\n', "example.agentspec")
    assert result.spec is not None and result.diagnostics == [], [d.message for d in result.diagnostics]
    (scenario,) = result.spec.declarations
    return scenario


def _kind_of_example(entry) -> str:
    """What the entry's example parses as, where it is written (scenario, script or `on approval`)."""
    if entry in STEPS.values():
        (script,) = parse(f"script s {{\n  {entry.example}\n}}\n", "example.agentspec").spec.declarations
        (step,) = script.steps
        return step.kind
    scenario = _scenario(entry.example)
    if entry in DECISIONS.values():
        (rule,) = scenario.approvals
        return rule.decisions[-1].outcome
    (statement,) = scenario.statements
    return statement.key


def test_every_setting_the_tree_builder_records_has_an_entry():
    every = "\n  ".join(entry.example for entry in SETTINGS)
    scenario = _scenario(every)
    assert [s.key for s in scenario.statements] == [e.kind for e in SETTINGS]
    # and the grammar has no scenario setting without an entry: each alternative starts with one's keyword
    rule = re.search(r"^scenario_setting:(.*?)^\S", GRAMMAR.read_text(), re.S | re.M).group(1)
    firsts = set(re.findall(r'^\s*[:|]?\s*"([a-z_]+)"', ":" + rule, re.M))
    assert firsts == {e.keyword for e in SETTINGS}


def test_steps_and_decisions_are_every_keyword_the_grammar_starts_them_with():
    step = re.search(r"^\?step:.*$", GRAMMAR.read_text(), re.M).group(0)
    assert {"say", "call"} == set(STEPS) and "say_step" in step and "agent_step" in step
    decision = re.search(r"^decision:(.*?)^\n", GRAMMAR.read_text(), re.S | re.M).group(1)
    assert set(re.findall(r'"([a-z_]+)"', decision)) - {"partial"} == set(DECISIONS)


@pytest.mark.parametrize("entry", OTHERS, ids=OTHER_IDS)
def test_the_example_of_a_setting_step_or_decision_parses_as_its_kind(entry):
    assert _kind_of_example(entry) == entry.kind


@pytest.mark.parametrize("entry", OTHERS, ids=OTHER_IDS)
def test_the_example_of_a_setting_step_or_decision_is_in_the_language_reference(entry):
    # a line of an example in docs/language.md, trailing comment aside
    lines = {re.sub(r"\s+#.*$", "", line.strip()) for line in LANGUAGE.splitlines()}
    assert entry.example in lines, f"add `{entry.example}` to an example of docs/language.md"


@pytest.mark.parametrize("entry", OTHERS, ids=OTHER_IDS)
def test_settings_steps_and_decisions_have_the_grammars_keywords_and_both_highlighters_know_them(entry):
    assert entry.keywords <= grammar_keywords(), entry.keywords - grammar_keywords()
    pygments, textmate = _pygments_keywords(), _textmate_keywords()
    assert entry.keywords <= pygments, ("Pygments lexer lacks", entry.keywords - pygments)
    assert entry.keywords <= textmate, ("TextMate grammar lacks", entry.keywords - textmate)


@pytest.mark.parametrize("entry", OTHERS, ids=OTHER_IDS)
def test_every_placeholder_of_a_setting_step_or_decision_is_explained_and_shown_on_hover(entry):
    for word in re.findall(r"\b[A-Z][A-Z_:]+\b", " ".join(entry.spellings)):
        assert any(word in name for name in entry.arguments), (entry.kind, word)
    text = entry.hover()
    assert all(s in text for s in entry.spellings) and entry.summary in text
    assert all(f"`{name}`" in text for name in entry.arguments)
