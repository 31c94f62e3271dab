"""The canonical layout, rule by rule (docs/formatting.md): each test feeds a
badly laid out spec and compares with the one layout the formatter allows."""

from __future__ import annotations

import textwrap

import pytest

from agentspec.formatter import format_source
from agentspec.syntax.parser import parse


def fmt(source: str) -> str:
    result = format_source(textwrap.dedent(source), "t.agentspec")
    assert result.text is not None, [d.message for d in result.diagnostics]
    return result.text


def canonical(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_blocks_are_indented_two_spaces_one_statement_per_line():
    assert fmt('specialist booker { model "m"  prompt "p"  tools [a, b] }') == canonical(
        """
        specialist booker {
          model "m"
          prompt "p"
          tools [a, b]
        }
        """
    )


def test_nested_blocks_indent_further_and_empty_blocks_stay_empty():
    source = 'scenario "s" { run { call a { f() call b {} } } expect {} }'
    assert fmt(source) == canonical(
        """
        scenario "s" {
          run {
            call a {
              f()
              call b {}
            }
          }
          expect {}
        }
        """
    )


def test_one_blank_line_between_top_level_declarations():
    source = 'tenant acme\ntool a()\n\n\n\ntool b() { approval always }\ndispatcher "m:f"'
    assert fmt(source) == canonical(
        """
        tenant acme

        tool a()

        tool b() {
          approval always
        }

        dispatcher "m:f"
        """
    )


def test_consecutive_imports_and_services_may_stay_together():
    source = 'import "a.agentspec"\nimport "b.agentspec"\n\n\nimport "c.agentspec"\nservice s "m:f"\nservice t "m:g"\ntenant x'
    assert fmt(source) == canonical(
        """
        import "a.agentspec"
        import "b.agentspec"

        import "c.agentspec"

        service s "m:f"
        service t "m:g"

        tenant x
        """
    )


def test_blank_lines_inside_blocks_are_kept_but_collapsed_to_one():
    source = 'scenario "s" {\n\n\n  input "x"\n  via a\n\n\n\n  timeout 3s\n\n}\n'
    assert fmt(source) == canonical(
        """
        scenario "s" {
          input "x"
          via a

          timeout 3s
        }
        """
    )


def test_spacing_inside_statements():
    source = """
    tool   search ( origin :str , date:str ?=null , tags : list [ str ] ? )
    scenario "s" { on approval  book :approve "ok"  on approval plan "p1" : revise partial {quantity:2}
      expect { tool_call search ( origin : "SFO" )  before book
               state  status=="ok"within 3 } }
    """
    assert fmt(source) == canonical(
        """
        tool search(origin: str, date: str? = null, tags: list[str]?)

        scenario "s" {
          on approval book: approve "ok"
          on approval plan "p1": revise partial { quantity: 2 }
          expect {
            tool_call search(origin: "SFO") before book
            state status == "ok" within 3
          }
        }
        """
    )


def test_short_lists_objects_and_arguments_stay_inline_without_trailing_commas():
    source = 'tool t() { returns {a:[1,2,],"b c":{d:null},} }\nscript s { f(x: [ ], y: { },) }'
    assert fmt(source) == canonical(
        """
        tool t() {
          returns { a: [1, 2], "b c": { d: null } }
        }

        script s {
          f(x: [], y: {})
        }
        """
    )


def test_long_lists_wrap_one_item_per_line_with_trailing_commas():
    items = ", ".join(f'"item number {n}"' for n in range(8))
    out = fmt(f'scenario "s" {{ expect {{ policy "p" forbidden_outputs [{items}] }} }}')
    assert out == canonical(
        """
        scenario "s" {
          expect {
            policy "p" forbidden_outputs [
              "item number 0",
              "item number 1",
              "item number 2",
              "item number 3",
              "item number 4",
              "item number 5",
              "item number 6",
              "item number 7",
            ]
          }
        }
        """
    )


def test_wrapping_breaks_the_outermost_group_first():
    source = (
        'script s { storePlan(specName: "InventoryPlan", planId: "p1", body: { rationale: "low stock", '
        'actions: [{ kind: "reorder", product_id: "SKU-1", quantity: 5 }] }) }'
    )
    assert fmt(source) == canonical(
        """
        script s {
          storePlan(
            specName: "InventoryPlan",
            planId: "p1",
            body: {
              rationale: "low stock",
              actions: [{ kind: "reorder", product_id: "SKU-1", quantity: 5 }],
            },
          )
        }
        """
    )


def test_a_line_of_exactly_100_columns_stays_inline_and_101_wraps():
    def line(width_of_name: int) -> str:
        return fmt(f'tool t() {{ returns {{ {"k" * width_of_name}: [1, 2, 3] }} }}').split("\n")[1]

    # '  returns { ' (12) + name + ': [1, 2, 3] }' (13)
    assert len(line(75)) == 100 and line(75).endswith("}")
    assert line(76) == "  returns {"


def test_long_parameter_lists_wrap():
    params = ", ".join(f"parameter_{n}: str" for n in range(7))
    assert fmt(f"tool t({params}) {{}}") == canonical(
        """
        tool t(
          parameter_0: str,
          parameter_1: str,
          parameter_2: str,
          parameter_3: str,
          parameter_4: str,
          parameter_5: str,
          parameter_6: str,
        ) {}
        """
    )


def test_plan_fields_lose_optional_commas_and_actions_are_inline_records():
    source = "plan P { rationale: str, action reorder { product_id: str quantity: int, }, action hold {} }"
    assert fmt(source) == canonical(
        """
        plan P {
          rationale: str
          action reorder { product_id: str, quantity: int }
          action hold {}
        }
        """
    )


@pytest.mark.parametrize(
    "written, canonical_form",
    [
        (r'"plain"', r'"plain"'),
        (r'"caf\u00e9 \u{1F600}"', '"café \U0001F600"'),
        (r'"a\/b"', r'"a/b"'),
        (r'"q\" b\\ n\n t\t"', r'"q\" b\\ n\n t\t"'),
        ('"raw\ttab"', r'"raw\ttab"'),
        (r'"bell\u0007 zero-width\u200b"', r'"bell\u0007 zero-width\u200b"'),
    ],
)
def test_strings_are_spelled_with_minimal_escapes(written, canonical_form):
    assert fmt(f"tool t() {{ description {written} }}") == f"tool t() {{\n  description {canonical_form}\n}}\n"


def test_a_string_with_an_invalid_escape_is_kept_as_written():
    result = format_source('tool t() { description "bad \\q" }', "t.agentspec")
    assert result.text == 'tool t() {\n  description "bad \\q"\n}\n'


def test_numbers_durations_regexes_and_names_are_kept_as_written():
    source = 'suite { runs 007 min_pass_rate 1.50e0 timeout 1.5h }\nscenario "s" { expect { output matches /a\\/b\\d+/ix } }'
    out = fmt(source)
    assert "runs 007\n" in out and "min_pass_rate 1.50e0\n" in out and "timeout 1.5h\n" in out
    assert "output matches /a\\/b\\d+/ix\n" in out


def test_multi_line_prompts_are_reindented_one_level_deeper_than_their_statement():
    source = 'coordinator c {\nprompt """\n        Route requests.\n          - indented item\n\n        Done.\n     """\n}'
    assert fmt(source) == canonical(
        '''
        coordinator c {
          prompt """
            Route requests.
              - indented item

            Done.
          """
        }
        '''
    )


def test_triple_quoted_text_starting_on_the_quote_line_keeps_its_value():
    out = fmt('scenario "s" { input """first\n  second""" mock_response """one line""" }')
    assert out == canonical(
        '''
        scenario "s" {
          input """
            first
              second
          """
          mock_response """one line"""
        }
        '''
    )
    (scenario,) = parse(out, "t.agentspec").spec.declarations
    assert (scenario.input, scenario.mock_response) == ("first\n  second", "one line")


def test_tabs_and_crlf_line_endings_are_normalised():
    assert fmt('tenant acme\r\n\r\ntool t() {\r\n\tapproval always\r\n}\r\n') == canonical(
        """
        tenant acme

        tool t() {
          approval always
        }
        """
    )


def test_empty_and_whitespace_only_files():
    assert fmt("") == ""
    assert fmt("  \n\n\t\n") == ""


def test_output_ends_with_exactly_one_newline():
    assert fmt("tenant acme") == "tenant acme\n"
    assert fmt("tenant acme\n\n\n") == "tenant acme\n"


def test_keywords_used_as_names_are_fine():
    source = 'tool plan(input: str, state: int) { returns { plan: "p", state: { input: 1 } } }'
    assert fmt(source) == canonical(
        """
        tool plan(input: str, state: int) {
          returns { plan: "p", state: { input: 1 } }
        }
        """
    )
