"""The VS Code TextMate grammar, tokenised by the engine VS Code itself uses.

editors/vscode/test/tokenize.js runs vscode-textmate + vscode-oniguruma; these
tests check (1) the scopes of representative tokens of the sample spec, (2) for
every valid spec in specs/ (globbed, so new specs are covered) and the sample,
that each token the parser sees gets the scope of its kind — keywords as
keywords, names as names, strings as strings — and (3) that no non-blank text
is left with only the base scope.
"""

from __future__ import annotations

import json
import re

import pytest

from highlight_support import (
    SAMPLE,
    TM_GRAMMAR,
    TextMate,
    ensure_node_driver,
    find,
    line_of,
    parser_tokens,
    documents,
    read_spec,
    with_offsets,
)

DOCUMENTS = documents()
SAMPLE_NAME = "tests/data/highlight_sample.agentspec"


@pytest.fixture(scope="module")
def textmate() -> TextMate:
    return TextMate(ensure_node_driver())


@pytest.fixture(scope="module")
def tokenized(textmate):
    """All documents tokenised in one Node process: {name: (text, tokens)}."""
    tokens = textmate.tokenize_many(DOCUMENTS)
    return {name: (text, tokens[name]) for name, text in DOCUMENTS.items()}


@pytest.fixture(scope="module")
def sample(tokenized):
    return tokenized[SAMPLE_NAME]


def test_sample_is_a_valid_spec():
    # the sample must stay valid under the grammar, or checks (2) below go silent
    assert parser_tokens(read_spec(SAMPLE)) is not None


# (text of a line, token text, which occurrence on that line, expected scope)
REPRESENTATIVE = [
    ("# highlight_sample", "#", 0, "punctuation.definition.comment.agentspec"),
    ("# highlight_sample", "#", 0, "comment.line.number-sign.agentspec"),
    ('import "common', "import", 0, "keyword.control.import.agentspec"),
    ('import "common', "common.agentspec", 0, "string.quoted.double.agentspec"),
    ("tenant acme", "tenant", 0, "storage.type.tenant.agentspec"),
    ("tenant acme", "acme", 0, "entity.name.namespace.tenant.agentspec"),
    ("tenant acme", "version", 0, "keyword.other.agentspec"),
    ("provider anthropic", "anthropic", 0, "variable.other.constant.provider.agentspec"),
    ("provider anthropic", "{", 0, "punctuation.section.block.begin.agentspec"),
    ("provider anthropic", "api_key_env", 0, "keyword.other.agentspec"),
    ("tool search_flights(", "tool", 0, "storage.type.tool.agentspec"),
    ("tool search_flights(", "search_flights", 0, "entity.name.function.tool.agentspec"),
    ("tool search_flights(", "(", 0, "punctuation.definition.parameters.begin.agentspec"),
    ("tool search_flights(", "origin", 0, "variable.parameter.agentspec"),
    ("tool search_flights(", "str", 0, "support.type.agentspec"),
    ("tool search_flights(", "?", 0, "keyword.operator.optional.agentspec"),
    ("tool search_flights(", ",", 0, "punctuation.separator.comma.agentspec"),
    ('description "Find', "description", 0, "keyword.other.agentspec"),
    ('description "Find', "Find flights between two airports", 0, "string.quoted.double.agentspec"),
    ('description "Book one', '\\"', 0, "constant.character.escape.agentspec"),
    ("returns { flights", "flights", 0, "variable.other.property.agentspec"),
    ("returns { flights", "912", 0, "constant.numeric.integer.agentspec"),
    ("returns { flights", "0.25", 0, "constant.numeric.float.agentspec"),
    ("returns { flights", "true", 0, "constant.language.boolean.agentspec"),
    ("returns { flights", "null", 0, "constant.language.null.agentspec"),
    ("approval always", "always", 0, "keyword.other.agentspec"),
    ("coordinator front_desk", "coordinator", 0, "storage.type.agent.agentspec"),
    ("coordinator front_desk", "front_desk", 0, "entity.name.class.agent.agentspec"),
    ('prompt """', '"""', 0, "string.quoted.triple.agentspec"),
    ("Route every travel", "    Route every travel request to the booker.", 0, "string.quoted.triple.agentspec"),
    ('Say "hello"', '    Say "hello" first.', 0, "string.quoted.triple.agentspec"),
    ("routes [booker]", "booker", 0, "entity.name.class.agent.agentspec"),
    ("tools [search_flights", "book_flight", 0, "entity.name.function.tool.agentspec"),
    ("script book_cheapest", "script", 0, "storage.type.script.agentspec"),
    ("script book_cheapest", "book_cheapest", 0, "entity.name.function.script.agentspec"),
    ('  search_flights(origin: "SFO", destination: "NRT")', "search_flights", 0,
     "entity.name.function.tool.agentspec"),
    ('  search_flights(origin: "SFO", destination: "NRT")', "destination", 0, "variable.parameter.agentspec"),
    ("plan InventoryPlan {", "plan", 0, "storage.type.plan.agentspec"),
    ("plan InventoryPlan {", "InventoryPlan", 0, "entity.name.type.plan.agentspec"),
    ("rationale: str", "rationale", 0, "variable.other.property.field.agentspec"),
    ("action reorder", "action", 0, "storage.type.action.agentspec"),
    ("action reorder", "reorder", 0, "entity.name.type.action.agentspec"),
    ("action reorder", "int", 0, "support.type.agentspec"),
    ("dispatcher", "dispatcher", 0, "storage.type.dispatcher.agentspec"),
    ("routes [planner, executor]", "planner", 0, "entity.name.class.agent.agentspec"),
    ("routes [planner, executor]", "executor", 0, "entity.name.class.agent.agentspec"),
    ("planner planner {", "planner", 0, "storage.type.agent.agentspec"),
    ("planner planner {", "planner", 1, "entity.name.class.agent.agentspec"),
    ("planner planner {", "InventoryPlan", 0, "entity.name.type.plan.agentspec"),
    ('scenario "Book SFO', "scenario", 0, "storage.type.scenario.agentspec"),
    ('scenario "Book SFO', "Book SFO to NRT", 0, "string.quoted.double.agentspec"),
    ("via front_desk", "via", 0, "keyword.other.agentspec"),
    ("via front_desk", "front_desk", 0, "entity.name.class.agent.agentspec"),
    ("timeout 30s", "30s", 0, "constant.numeric.duration.agentspec"),
    ("timeout 500ms", "500ms", 0, "constant.numeric.duration.agentspec"),
    ("max_steps 10", "10", 0, "constant.numeric.integer.agentspec"),
    ("given search_flights", "search_flights", 0, "entity.name.function.tool.agentspec"),
    ("  runs 3", "runs", 0, "keyword.other.agentspec"),
    ("  min_pass_rate 0.6", "min_pass_rate", 0, "keyword.other.agentspec"),
    ("given book_flight handler", "book_flight", 0, "entity.name.function.tool.agentspec"),
    ("given book_flight handler", "handler", 0, "keyword.other.agentspec"),
    ('service ledger "travel_app.services:make_busy', "service", 0, "storage.type.service.agentspec"),
    ('dispatcher "inventory_app.dispatch:summary_only"', "dispatcher", 0, "storage.type.dispatcher.agentspec"),
    ("run {", "run", 0, "keyword.control.agentspec"),
    ("call booker book_cheapest", "call", 0, "keyword.control.call.agentspec"),
    ("call booker book_cheapest", "booker", 0, "entity.name.class.agent.agentspec"),
    ("call booker book_cheapest", "book_cheapest", 0, "entity.name.function.script.agentspec"),
    ("on approval book_flight", "on", 0, "keyword.control.agentspec"),
    ("on approval book_flight", "book_flight", 0, "entity.name.function.tool.agentspec"),
    ("on approval book_flight", "approve", 0, "keyword.other.decision.agentspec"),
    ("expect {", "expect", 0, "keyword.control.agentspec"),
    ("tool_call search_flights(origin", "tool_call", 0, "keyword.other.agentspec"),
    ("tool_call search_flights(origin", "search_flights", 0, "entity.name.function.tool.agentspec"),
    ("tool_call search_flights(origin", "origin", 0, "variable.parameter.agentspec"),
    ("tool_call search_flights(origin", "book_flight", 0, "entity.name.function.tool.agentspec"),
    ("no_tool_call cancel_booking", "cancel_booking", 0, "entity.name.function.tool.agentspec"),
    ("state booking_status ==", "booking_status", 0, "variable.other.property.state.agentspec"),
    ("state booking_status ==", "==", 0, "keyword.operator.comparison.agentspec"),
    ('output contains "NH7"', "contains", 0, "keyword.operator.word.agentspec"),
    ("output matches /NH", "matches", 0, "keyword.operator.word.agentspec"),
    ("output matches /NH", "/", 0, "punctuation.definition.string.begin.regexp.agentspec"),
    ("output matches /NH", "NH", 0, "string.regexp.agentspec"),
    ("output matches /NH", "\\d", 0, "constant.character.escape.regexp.agentspec"),
    ("no_side_effects allowed", "cancel_booking", 0, "entity.name.function.tool.agentspec"),
    ("max_rate 0.0", "0.0", 0, "constant.numeric.float.agentspec"),
    ('milestone "searched"', "search_flights", 0, "entity.name.function.tool.agentspec"),
    ("forbidden_tools [cancel_booking]", "cancel_booking", 0, "entity.name.function.tool.agentspec"),
    ("agent booker", "booker", 0, "entity.name.class.agent.agentspec"),
    ("storePlan(specName", "storePlan", 0, "entity.name.function.tool.agentspec"),
    ("storePlan(specName", "specName", 0, "variable.parameter.agentspec"),
    ("body: { rationale", "rationale", 0, "variable.other.property.agentspec"),
    ('plan "p1" status executed', "executed", 0, "constant.other.status.agentspec"),
    ("scenario_timeout 2m", "2m", 0, "constant.numeric.duration.agentspec"),
    ("tool lookup(ids: list[str]", "list", 0, "support.type.agentspec"),
    ("tool lookup(ids: list[str]", "=", 0, "keyword.operator.assignment.agentspec"),
    ("tool lookup(ids: list[str]", "false", 0, "constant.language.boolean.agentspec"),
    ("reference Customer", "Customer", 0, "entity.name.type.reference.agentspec"),
    ("timeout 1.5h", "1.5h", 0, "constant.numeric.duration.agentspec"),
    ("run book_cheapest", "book_cheapest", 0, "entity.name.function.script.agentspec"),
    ("on_tool_failure lookup expect retry", "retry", 0, "variable.other.agentspec"),
    ("approval book_flight approved", "book_flight", 0, "entity.name.function.tool.agentspec"),
]


@pytest.mark.parametrize(("line_text", "token", "nth", "scope"), REPRESENTATIVE)
def test_representative_scope(sample, line_text, token, nth, scope):
    text, tokens = sample
    tok = find(tokens, token, line=line_of(text, line_text), nth=nth)
    assert scope in tok.scopes, str(tok)


def test_duration_is_one_token_with_its_own_sub_scope(sample):
    text, tokens = sample
    tok = find(tokens, "30s", line=line_of(text, "timeout 30s"))
    assert tok.has("constant.numeric")
    assert not tok.has("constant.numeric.integer"), str(tok)


def test_state_carries_across_lines(textmate):
    # a call's arguments and a tool's parameters may span lines
    tokens = textmate.tokenize(
        "script s {\n  f(a: 1,\n    b: [x],\n  )\n}\n"
        "tool t(\n  a: str,   # the first\n  b: int?,\n)\n"
    )
    assert "variable.parameter.agentspec" in find(tokens, "b", line=3).scopes
    assert "punctuation.definition.arguments.end.agentspec" in find(tokens, ")", line=4).scopes
    assert "support.type.agentspec" in find(tokens, "int", line=8).scopes
    assert "comment.line.number-sign.agentspec" in find(tokens, " the first", line=7).scopes
    assert "storage.type.tool.agentspec" in find(tokens, "tool", line=6).scopes


def test_unterminated_string_stops_at_end_of_line(textmate):
    tokens = textmate.tokenize('tool t() { description "oops\n}\ntool u() {}\n')
    assert "storage.type.tool.agentspec" in find(tokens, "tool", line=3).scopes
    assert "entity.name.function.tool.agentspec" in find(tokens, "u", line=3).scopes


# ---- every spec --------------------------------------------------------------

# what each kind of parser token must be highlighted as (any one of the prefixes)
EXPECTED = {
    "keyword": ("keyword", "storage.type"),
    "constant": ("constant.language",),
    "name": ("entity.name", "variable", "support.type", "constant.other"),
    "string": ("string.quoted.double",),
    "triple": ("string.quoted.triple",),
    "integer": ("constant.numeric.integer",),
    "float": ("constant.numeric.float",),
    "duration": ("constant.numeric.duration",),
    "regex": ("string.regexp",),
    "operator": ("keyword.operator",),
    "punctuation": ("punctuation",),
    "comment": ("comment.line.number-sign",),
}
NOT_FOR_NAMES = ("keyword", "storage", "constant.language", "string", "comment")


def _real_scopes(scopes) -> list[str]:
    return [s for s in scopes if s != "source.agentspec" and not s.startswith("meta.")]


@pytest.mark.parametrize("path", DOCUMENTS)
def test_no_text_left_unscoped(tokenized, path):
    _, tokens = tokenized[path]
    bare = [str(t) for t in tokens if t.text.strip() and not _real_scopes(t.scopes)]
    assert not bare, f"{path}: tokens with no scope beyond source.agentspec:\n" + "\n".join(bare)


@pytest.mark.parametrize("path", DOCUMENTS)
def test_every_parser_token_gets_the_scope_of_its_kind(tokenized, path):
    text, tokens = tokenized[path]
    expected = parser_tokens(text)
    if expected is None:
        pytest.skip(f"{path} is not a valid spec (syntax error); only the unscoped check applies")
    spans = with_offsets(text, tokens)
    problems = []
    for ptok in expected:
        covering = [t for s, e, t in spans if s < ptok.end and e > ptok.start and t.text.strip()]
        if not covering:
            problems.append(f"line {ptok.line}: {ptok.value!r} has no TextMate token")
            continue
        for tok in covering:
            ok = any(tok.has(p) for p in EXPECTED[ptok.kind])
            if ptok.kind == "name":
                ok = ok and not any(tok.has(p) for p in NOT_FOR_NAMES)
            if ptok.kind == "keyword":
                ok = ok and not tok.has("constant.language")
            if not ok:
                problems.append(f"{ptok.kind} {ptok.value!r} (line {ptok.line}) -> {tok}")
    assert not problems, f"{path}:\n" + "\n".join(problems)


# ---- the grammar file itself --------------------------------------------------

SCOPE_ROOTS = {
    "comment", "constant", "entity", "keyword", "meta", "punctuation", "storage", "string",
    "support", "variable", "invalid",
}


def _scope_names(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("name", "contentName") and isinstance(value, str):
                yield value
            else:
                yield from _scope_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _scope_names(item)


def test_scope_names_follow_textmate_conventions():
    grammar = json.loads(TM_GRAMMAR.read_text())
    assert grammar["scopeName"] == "source.agentspec"
    names = [n for n in _scope_names(grammar["repository"]) if n]
    assert names
    for name in names:
        assert re.fullmatch(r"[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.agentspec", name), name
        assert name.split(".")[0] in SCOPE_ROOTS, name


def test_every_include_resolves():
    grammar = json.loads(TM_GRAMMAR.read_text())
    repo = grammar["repository"]

    def includes(node):
        if isinstance(node, dict):
            if "include" in node:
                yield node["include"]
            for value in node.values():
                yield from includes(value)
        elif isinstance(node, list):
            for item in node:
                yield from includes(item)

    for ref in includes(grammar):
        assert ref == "$self" or (ref.startswith("#") and ref[1:] in repo), ref
