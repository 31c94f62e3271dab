"""The parser: every construct of the language becomes the AST node a reader expects."""

import pytest

from agentspec.syntax import nodes
from agentspec.syntax.parser import parse


def only(text: str):
    result = parse(text, "t.agentspec")
    assert result.diagnostics == [], [d.message for d in result.diagnostics]
    (decl,) = result.spec.declarations
    return decl


def test_tool_with_typed_params_defaults_and_fixture():
    tool = only(
        'tool search(origin: str, date: str? = null, limit: int = 10, tags: list[str]) {\n'
        '  description "Find flights"\n'
        "  approval always\n"
        '  returns { flights: [{ id: "NH7", price: 912 }] }\n'
        "}"
    )
    assert tool.name.name == "search"
    assert [(p.name.name, p.type.name, p.type.optional, p.has_default, p.default) for p in tool.params] == [
        ("origin", "str", False, False, None),
        ("date", "str", True, True, None),
        ("limit", "int", False, True, 10),
        ("tags", "list", False, False, None),
    ]
    assert tool.params[3].type.item.name == "str"
    assert tool.description == "Find flights"
    assert tool.approval.mode == "always"
    assert tool.has_returns and tool.returns == {"flights": [{"id": "NH7", "price": 912}]}


def test_tool_approval_predicate_and_handler():
    tool = only('tool t() { approval when "app.policy:expensive" handler "app.tools:t" }')
    assert tool.approval.mode == "when"
    assert tool.approval.predicate.path == "app.policy:expensive"
    assert tool.handler.path == "app.tools:t"


def test_triple_quoted_prompt_is_dedented():
    agent = only('specialist a {\n  prompt """\n    Line one.\n      Indented.\n  """\n}')
    assert agent.prompt == "Line one.\n  Indented."


def test_string_escapes_are_decoded():
    tool = only(r'tool t() { description "q\" b\\ n\n u\u00e9 U\u{1F600}" }')
    assert tool.description == 'q" b\\ n\n u\u00e9 U\U0001F600'


def test_one_line_blocks_need_no_separators():
    agent = only('coordinator ops { model "claude-sonnet-4-6"  prompt "Plan."  routes [planner, executor] }')
    assert agent.role == "coordinator"
    assert agent.model == "claude-sonnet-4-6"
    assert [r.name for r in agent.routes] == ["planner", "executor"]


def test_keywords_are_fine_as_names_where_a_name_is_expected():
    tool = only("tool plan(input: str, state: int) {}")
    assert tool.name.name == "plan"
    assert [p.name.name for p in tool.params] == ["input", "state"]


def test_scenario_with_every_setting():
    scenario = only(
        """
        scenario "Book" {
          input "Book SFO"
          via front_desk
          timeout 30s
          max_steps 10
          max_llm_calls 5
          given search returns { flights: [] }
          given book fails "down"
          run {
            call booker cheapest
            call planner { storePlan(specName: "P", planId: "p1", body: { rationale: "x" }) }
            search(origin: "SFO",)
          }
          on approval book: approve "ok"
          on approval plan "p1": revise "fewer" partial { quantity: 2 }
          on approval plan: reject
          expect { no_error }
          expect { output contains "NH7" }
        }
        """
    )
    assert scenario.name == "Book"
    assert scenario.via.name == "front_desk"
    assert scenario.timeout_ms == 30000
    assert (scenario.max_steps, scenario.max_llm_calls) == (10, 5)
    assert [(g.tool.name, g.returns, g.fails) for g in scenario.givens] == [("search", {"flights": []}, None), ("book", None, "down")]
    first, second, third = scenario.run.steps
    assert isinstance(first, nodes.AgentStep) and first.script.name == "cheapest"
    assert second.steps[0].tool.name == "storePlan"
    assert second.steps[0].args[2].value == {"rationale": "x"}
    assert isinstance(third, nodes.ToolStep) and third.args[0].value == "SFO"
    decisions = [
        (a.target.kind, a.target.plan_id, d.outcome, d.feedback, d.partial) for a in scenario.approvals for d in a.decisions
    ]
    assert decisions == [
        ("tool", None, "approve", "ok", None),
        ("plan", "p1", "revise", "fewer", {"quantity": 2}),
        ("plan", None, "reject", None, None),
    ]
    assert [e.kind for e in scenario.expectations] == ["no_error", "output"]


def test_every_expectation_spelling():
    scenario = only(
        r"""
        scenario "all" { expect {
          tool_call search(origin: "SFO") before book after start times 1 min_times 1 max_times 2 order 1
          no_tool_call cancel
          tool_order [search, book]
          state booking_status == "confirmed" within 4
          state "plan:p1"
          no_error
          output contains "NH7"
          output not_contains "error"
          output matches /NH\d+\/x/i
          max_steps 10
          max_duration 1.5s
          max_tokens 2000
          no_side_effects allowed [search, book] mutating [book, cancel]
          no_repetition max_rate 0.5
          milestone "searched" tool search weight 0.4
          milestone "stored" state plan
          milestone "said" output_contains "done"
          judge "polite" using "app.judges:strict"
          policy "never cancel" forbidden_tools [cancel] forbidden_outputs ["refund"] required_tools [search]
          on_tool_failure search expect retry
          dispatched [{ kind: "reorder", payload: { product_id: "SKU-1" } }]
          dispatched none
          plan "p1" status executed
          approval book approved
          approval plan "p1" rejected
        } }
        """
    )
    e = {i: x for i, x in enumerate(scenario.expectations)}
    assert (e[0].tool.name, e[0].args[0].value, e[0].before.name, e[0].after.name) == ("search", "SFO", "book", "start")
    assert (e[0].times, e[0].min_times, e[0].max_times, e[0].order) == (1, 1, 2, 1)
    assert (e[3].key, e[3].value, e[3].within_steps) == ("booking_status", "confirmed", 4)
    assert (e[4].key, e[4].has_value) == ("plan:p1", False)
    assert (e[8].test, e[8].text) == ("matches", r"(?i)NH\d+/x")
    assert e[10].limit_ms == 1500
    assert e[12].mutating[1].name == "cancel"
    assert e[13].max_rate == 0.5
    assert (e[14].tool.name, e[14].weight) == ("search", 0.4)
    assert e[15].state_key == "plan"
    assert e[16].output_contains == "done"
    assert e[17].judge.path == "app.judges:strict"
    assert ([t.name for t in e[18].forbidden_tools], e[18].forbidden_outputs) == (["cancel"], ["refund"])
    assert e[19].expect == "retry"
    assert e[20].actions == [{"kind": "reorder", "payload": {"product_id": "SKU-1"}}]
    assert e[21].actions == []
    assert (e[22].plan_id, e[22].status.name) == ("p1", "executed")
    assert (e[23].target.tool.name, e[23].outcome) == ("book", "approve")
    assert (e[24].target.plan_id, e[24].outcome) == ("p1", "reject")


def test_plan_reference_dispatcher_approval_suite():
    result = parse(
        """
        plan InventoryPlan {
          rationale: str
          action reorder { product_id: str, quantity: int }
          action hold { product_id: str reason: str? }
        }
        reference Supplier { name: str ttl 5m }
        dispatcher "inventory_app.dispatch:apply_actions"
        approval { plans always tools never }
        suite { runs 3 min_pass_rate 0.66 timeout 300s scenario_timeout 60s }
        """,
        "t.agentspec",
    )
    assert result.diagnostics == []
    plan, ref, dispatcher, approval, suite = result.spec.declarations
    assert [f.name.name for f in plan.fields] == ["rationale"]
    assert [(a.name.name, [f.name.name for f in a.fields]) for a in plan.actions] == [
        ("reorder", ["product_id", "quantity"]),
        ("hold", ["product_id", "reason"]),
    ]
    assert ref.ttl_ms == 300000
    assert dispatcher.target.path == "inventory_app.dispatch:apply_actions"
    assert [(r.subject, r.mode) for r in approval.rules] == [("plans", "always"), ("tools", "never")]
    assert (suite.runs, suite.min_pass_rate, suite.timeout_ms, suite.scenario_timeout_ms) == (3, 0.66, 300000, 60000)


def test_spans_point_at_the_name():
    text = 'specialist booker {\n  tools [search, book_flight]\n}'
    agent = only(text)
    span = agent.tools[1].span
    assert (span.line, span.column, span.end_column) == (2, 18, 29)
    assert text[span.start : span.end] == "book_flight"


def test_comments_are_kept_with_their_positions():
    result = parse("# head\ntenant acme  # trailing\n", "t.agentspec")
    assert [(c.text, c.span.line) for c in result.spec.comments] == [("# head", 1), ("# trailing", 2)]


@pytest.mark.parametrize(
    "text, message",
    [
        ("tool x(a: str { }", "unexpected `{`; expected `)`, `,`, `=`, `?` or `[`"),
        ('scenario "s" { run { foo(a = 1) } }', "unexpected `=`; expected `:`"),
        ('scenario "s" { run { foo(a: 1 b: 2) } }', "unexpected name `b`; expected `)` or `,`"),
    ],
)
def test_syntax_errors_speak_the_users_words(text, message):
    (diagnostic,) = parse(text, "t.agentspec").diagnostics
    assert diagnostic.code == "E001"
    assert diagnostic.message == message


def _scenario_expecting(expectation: str) -> str:
    return f'scenario "s" {{\n  expect {{ {expectation} }}\n}}\n'


@pytest.mark.parametrize(
    "regex",
    ["/a{4294967296}/", "/#" + "(" * 3000 + "a" + ")" * 3000 + "/"],
    ids=["repeat-count-beyond-re", "groups-nested-3000-deep"],
)
def test_a_regex_python_cannot_compile_is_E004_not_a_crash(regex):
    (diagnostic,) = parse(_scenario_expecting(f"output matches {regex}"), "t.agentspec").diagnostics
    assert diagnostic.code == "E004"
    assert diagnostic.message == "invalid regular expression: it is too large or nested too deeply"
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 27)


@pytest.mark.parametrize("regex", ["/NH[[0-9]/", "/[+--]/", "/[a&&b]/"])
def test_a_regex_python_reserves_a_set_operator_in_parses_without_a_warning(regex, recwarn):
    # `re` warns (FutureWarning) about these when it compiles them; checking the pattern must not
    result = parse(_scenario_expecting(f"output matches {regex}"), "t.agentspec")
    assert result.spec is not None and result.diagnostics == []
    assert [str(w.message) for w in recwarn.list if issubclass(w.category, FutureWarning)] == []


def test_quote_inside_a_regex_does_not_hide_deep_nesting_after_it():
    deep = "[" * 3000 + '"x"' + "]" * 3000
    (diagnostic,) = parse(_scenario_expecting(f"output matches /\"/ dispatched {deep}"), "t.agentspec").diagnostics
    assert diagnostic.code == "E009"
    # The list starts at column 42 inside two braces, so its 63rd `[` is level 65.
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 42 + 62)


def test_a_utf16_surrogate_pair_escape_is_one_character():
    result = parse('tool t() { description "\\uD83D\\uDE00 \\ud83d\\ude00" }', "t.agentspec")
    assert result.diagnostics == []
    assert result.spec.declarations[0].description == "\U0001F600 \U0001F600"


@pytest.mark.parametrize("escape", ["\\uD800", "\\uDE00", "\\u{DFFF}"])
def test_a_lone_surrogate_escape_is_E003(escape):
    # A lone surrogate cannot be printed or written as UTF-8, so it must never become a value.
    (diagnostic,) = parse(f'tool t() {{ description "a{escape}" }}', "t.agentspec").diagnostics
    assert diagnostic.code == "E003"
    assert diagnostic.message == f"invalid escape sequence `{escape}`"
    assert (diagnostic.span.column, diagnostic.span.end_column) == (26, 26 + len(escape))
    assert diagnostic.hint.startswith("\\uD800-\\uDFFF is half of a surrogate pair")


def test_no_rule_of_the_grammar_lists_an_alternative_twice():
    # Lark drops a repeated alternative silently, so a copy-paste slip (provider_setting once
    # listed base_url, timeout and retries twice) would never show in a parse; read the rules
    # as written, before Lark compiles them.
    from collections import Counter

    from lark.load_grammar import load_grammar

    from agentspec.syntax.grammar import grammar_text

    grammar, _ = load_grammar(grammar_text(), "agentspec.lark", [], False)
    repeated = {}
    for name, _params, tree, _options in grammar.rule_defs:
        alternatives = tree.children if tree.data == "expansions" else [tree]
        twice = [str(a) for a, n in Counter(alternatives).items() if n > 1]
        if twice:
            repeated[str(name)] = twice
    assert repeated == {}
    assert any(str(name) == "provider_setting" for name, *_ in grammar.rule_defs)


def test_every_provider_setting_parses():
    result = parse(
        'provider local {\n  api_key "k"\n  api_key_env "K"\n  base_url "http://h"\n  timeout 5s\n  retries 2\n}\n',
        "p.agentspec",
    )
    assert result.diagnostics == []
    [provider] = result.spec.declarations
    assert (provider.base_url, provider.retries) == ("http://h", 2)


def test_every_escape_is_named_by_the_docs_and_the_e003_hint():
    from pathlib import Path

    from agentspec.syntax.strings import ESCAPES, VALID_ESCAPES_HINT

    docs = Path(__file__).parent.parent / "docs"
    e003 = (docs / "diagnostics.md").read_text(encoding="utf-8").split("### E003", 1)[1].split("###", 1)[0]
    strings = (docs / "language.md").read_text(encoding="utf-8").split("**Strings**", 1)[1].split("**", 1)[0]
    for escape in ["\\" + e for e in ESCAPES] + ["\\uXXXX", "\\u{X...}"]:
        assert escape in VALID_ESCAPES_HINT.replace(";", "").split() and escape in e003 and f"`{escape}`" in strings, escape
