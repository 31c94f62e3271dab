"""The Pygments lexer: registered through the entry point, token types that
follow the grammar, no Error token for any valid spec, never a crash."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

from agentspec.pygments_lexer import AgentspecLexer
from highlight_support import SAMPLE, documents, line_of, parser_tokens, read_spec

DOCUMENTS = documents()


def test_registered_through_the_entry_point():
    (ep,) = [e for e in entry_points(group="pygments.lexers") if e.name == "agentspec"]
    assert ep.load() is AgentspecLexer
    assert isinstance(get_lexer_by_name("agentspec"), AgentspecLexer)
    assert isinstance(get_lexer_for_filename("x.agentspec"), AgentspecLexer)
    assert isinstance(get_lexer_for_filename("specs/travel.agentspec"), AgentspecLexer)


def test_pygmentize_command_works():
    exe = Path(sys.executable).with_name("pygmentize")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "pygments"]
    proc = subprocess.run(
        cmd + ["-l", "agentspec", "-f", "html", str(SAMPLE)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert '<span class="kd">tool</span>' in proc.stdout
    assert '<span class="nf">search_flights</span>' in proc.stdout
    assert 'class="err"' not in proc.stdout


def _tokens_on(text: str, needle: str):
    """(value, type) pairs of the first line containing ``needle``."""
    number = line_of(text, needle)
    start = sum(len(line) + 1 for line in text.split("\n")[: number - 1])
    end = start + len(text.split("\n")[number - 1])
    return [(v, t) for i, t, v in AgentspecLexer().get_tokens_unprocessed(text) if start <= i < end]


# (text of a line, token value, which occurrence, expected type)
REPRESENTATIVE = [
    ("# highlight_sample", "# highlight_sample.agentspec — every construct of LANGUAGE.md, for the highlighting tests",
     0, Comment.Single),
    ('import "common', "import", 0, Keyword.Namespace),
    ("tenant acme", "tenant", 0, Keyword.Declaration),
    ("tenant acme", "acme", 0, Name.Namespace),
    ("tenant acme", "version", 0, Keyword),
    ("provider anthropic", "anthropic", 0, Name.Constant),
    ("tool search_flights(", "tool", 0, Keyword.Declaration),
    ("tool search_flights(", "search_flights", 0, Name.Function),
    ("tool search_flights(", "origin", 0, Name.Variable),
    ("tool search_flights(", "str", 0, Keyword.Type),
    ("tool search_flights(", "?", 0, Operator),
    ("tool search_flights(", "(", 0, Punctuation),
    ('description "Book one', '\\"', 0, String.Escape),
    ('description "Find', "Find flights between two airports", 0, String.Double),
    ("returns { flights", "flights", 0, Name.Attribute),
    ("returns { flights", "912", 0, Number.Integer),
    ("returns { flights", "0.25", 0, Number.Float),
    ("returns { flights", "true", 0, Keyword.Constant),
    ("returns { flights", "null", 0, Keyword.Constant),
    ("approval always", "always", 0, Keyword),
    ("coordinator front_desk", "coordinator", 0, Keyword.Declaration),
    ("coordinator front_desk", "front_desk", 0, Name.Class),
    ('prompt """', '"""', 0, String.Double),
    ("routes [booker]", "booker", 0, Name.Class),
    ("  runs 3", "runs", 0, Keyword),
    ("  min_pass_rate 0.6", "min_pass_rate", 0, Keyword),
    ("given book_flight handler", "book_flight", 0, Name.Function),
    ("given book_flight handler", "handler", 0, Keyword),
    ('service ledger "travel_app.services:make_busy', "service", 0, Keyword.Declaration),
    ('service ledger "travel_app.services:make_busy', "ledger", 0, Name.Constant),
    ('dispatcher "inventory_app.dispatch:summary_only"', "dispatcher", 0, Keyword.Declaration),
    ("tools [search_flights", "book_flight", 0, Name.Function),
    ("script book_cheapest", "book_cheapest", 0, Name.Function),
    ('  search_flights(origin: "SFO", destination: "NRT")', "search_flights", 0, Name.Function),
    ('  search_flights(origin: "SFO", destination: "NRT")', "destination", 0, Name.Variable),
    ("plan InventoryPlan {", "InventoryPlan", 0, Name.Class),
    ("rationale: str", "rationale", 0, Name.Attribute),
    ("action reorder", "reorder", 0, Name.Class),
    ("action reorder", "int", 0, Keyword.Type),
    ("planner planner {", "planner", 0, Keyword.Declaration),
    ("planner planner {", "planner", 1, Name.Class),
    ("routes [planner, executor]", "executor", 0, Name.Class),
    ("timeout 30s", "30s", 0, Number.Duration),
    ("call booker book_cheapest", "call", 0, Keyword),
    ("call booker book_cheapest", "booker", 0, Name.Class),
    ("call booker book_cheapest", "book_cheapest", 0, Name.Function),
    ("on approval book_flight", "book_flight", 0, Name.Function),
    ("on approval book_flight", "approve", 0, Keyword),
    ("tool_call search_flights(origin", "search_flights", 0, Name.Function),
    ("tool_call search_flights(origin", "book_flight", 0, Name.Function),
    ("state booking_status ==", "booking_status", 0, Name.Attribute),
    ("state booking_status ==", "==", 0, Operator),
    ('output contains "NH7"', "contains", 0, Keyword),
    ("output matches /NH", "/NH\\d+/", 0, String.Regex),
    ("storePlan(specName", "storePlan", 0, Name.Function),
    ("storePlan(specName", "specName", 0, Name.Variable),
    ('plan "p1" status executed', "executed", 0, Name.Constant),
    ("tool lookup(ids: list[str]", "list", 0, Keyword.Type),
    ("tool lookup(ids: list[str]", "false", 0, Keyword.Constant),
    ("reference Customer", "Customer", 0, Name.Class),
    ("on_tool_failure lookup expect retry", "retry", 0, Name),
]


@pytest.mark.parametrize(("line_text", "value", "nth", "ttype"), REPRESENTATIVE)
def test_representative_token_type(line_text, value, nth, ttype):
    text = read_spec(SAMPLE)
    found = [t for v, t in _tokens_on(text, line_text) if v == value]
    assert len(found) > nth, f"{value!r} not a token of its own on {line_text!r}: {_tokens_on(text, line_text)}"
    assert found[nth] is ttype


def test_durations_are_numbers_of_their_own_kind():
    assert Number.Duration in Number
    assert Number.Duration is not Number.Integer


@pytest.mark.parametrize("path", DOCUMENTS)
def test_no_error_tokens(path):
    text = DOCUMENTS[path]
    if parser_tokens(text) is None:
        pytest.skip(f"{path} is not a valid spec (syntax error)")
    errors = [(i, v) for i, t, v in AgentspecLexer().get_tokens_unprocessed(text) if t in Error]
    assert not errors, f"{path}: Error tokens at {errors}"


# what each kind of parser token must be lexed as
EXPECTED = {
    "keyword": lambda t: t in Keyword and t not in (Keyword.Type, Keyword.Constant),
    "constant": lambda t: t is Keyword.Constant,
    "name": lambda t: t in Name or t is Keyword.Type,
    "string": lambda t: t in String.Double or t is String.Escape,
    "triple": lambda t: t in String.Double or t is String.Escape,
    "integer": lambda t: t is Number.Integer,
    "float": lambda t: t is Number.Float,
    "duration": lambda t: t is Number.Duration,
    "regex": lambda t: t is String.Regex,
    "operator": lambda t: t is Operator,
    "punctuation": lambda t: t is Punctuation,
    "comment": lambda t: t is Comment.Single,
}


@pytest.mark.parametrize("path", DOCUMENTS)
def test_every_parser_token_gets_the_type_of_its_kind(path):
    text = DOCUMENTS[path]
    expected = parser_tokens(text)
    if expected is None:
        pytest.skip(f"{path} is not a valid spec (syntax error)")
    lexed = [(i, i + len(v), t, v) for i, t, v in AgentspecLexer().get_tokens_unprocessed(text)]
    problems = []
    for ptok in expected:
        covering = [(t, v) for s, e, t, v in lexed if s < ptok.end and e > ptok.start and t is not Whitespace]
        if not covering or not all(EXPECTED[ptok.kind](t) for t, _ in covering):
            problems.append(f"{ptok.kind} {ptok.value!r} (line {ptok.line}) -> {covering}")
    assert not problems, f"{path}:\n" + "\n".join(problems)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list('abtool{}[]()":,#/\\=?0123456789sm\n \t"')), max_size=200))
def test_any_input_lexes_without_raising_and_round_trips(text):
    # half-typed specs are the normal case in an editor: never raise, lose nothing
    values = "".join(v for _, _, v in AgentspecLexer().get_tokens_unprocessed(text))
    assert values == text


def test_doc_pages_can_use_it():
    # MkDocs / Sphinx find lexers by alias; the alias must not clash with another lexer
    from pygments.lexers import find_lexer_class_by_name

    assert find_lexer_class_by_name("agentspec") is AgentspecLexer
