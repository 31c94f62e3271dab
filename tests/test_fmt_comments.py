"""Every comment is kept where it belongs (docs/formatting.md, "Comments")."""

from __future__ import annotations

import textwrap

from agentspec.formatter import format_source


def fmt(source: str) -> str:
    result = format_source(textwrap.dedent(source).lstrip("\n"), "t.agentspec")
    assert result.text is not None, [d.message for d in result.diagnostics]
    assert format_source(result.text, "t.agentspec").text == result.text, "not idempotent"
    return result.text


def canonical(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_own_line_comments_stay_before_their_statement_at_its_indentation():
    source = """
    # the tenant
    tenant acme
        # about the tool
    tool t() {
    # why it needs approval
            approval always
    }
    """
    assert fmt(source) == canonical(
        """
        # the tenant
        tenant acme

        # about the tool
        tool t() {
          # why it needs approval
          approval always
        }
        """
    )


def test_trailing_comments_stay_at_the_end_of_their_line_two_spaces_after_the_code():
    source = """
    service ledger "app:ledger"        # passed as ctx.ledger
    tool t() {   # opening
      approval always # never | always
    }   # closing
    """
    assert fmt(source) == canonical(
        """
        service ledger "app:ledger"  # passed as ctx.ledger

        tool t() {  # opening
          approval always  # never | always
        }  # closing
        """
    )


def test_comments_at_the_end_of_a_block_stay_inside_it():
    source = """
    scenario "s" {
      input "x"

      # still to do: more expectations
    # (badly indented)
    }
    suite {
      # nothing yet
    }
    """
    assert fmt(source) == canonical(
        """
        scenario "s" {
          input "x"

          # still to do: more expectations
          # (badly indented)
        }

        suite {
          # nothing yet
        }
        """
    )


def test_comments_at_the_end_of_the_file_stay_at_the_end():
    source = "tenant acme\n# one\n\n\n# two\n"
    assert fmt(source) == "tenant acme\n# one\n\n# two\n"


def test_a_file_of_only_comments():
    assert fmt("  # a\n\n\n# b") == "# a\n\n# b\n"


def test_header_comment_separated_by_a_blank_line_stays_separated():
    source = "# file header\n\n# about the tenant\ntenant acme\n"
    assert fmt(source) == source


def test_a_comment_inside_a_list_breaks_it_one_item_per_line():
    source = """
    specialist a {
      tools [search, # read only
        book]
    }
    """
    assert fmt(source) == canonical(
        """
        specialist a {
          tools [
            search,  # read only
            book,
          ]
        }
        """
    )


def test_comments_inside_objects_and_arguments_stay_with_their_items():
    source = """
    script s {
      f(a: 1,
        # b is optional
        b: { x: 1 } # trailing b
      , c: [] # trailing c
        # dangling before the parenthesis
      )
    }
    """
    assert fmt(source) == canonical(
        """
        script s {
          f(
            a: 1,
            # b is optional
            b: { x: 1 },  # trailing b
            c: [],  # trailing c
            # dangling before the parenthesis
          )
        }
        """
    )


def test_a_comment_inside_a_nested_value_breaks_only_the_groups_around_it():
    source = 'tool t() { returns { flights: [{ id: "NH7" }], meta: { # why\n page: 1 } } }'
    assert fmt(source) == canonical(
        """
        tool t() {
          returns {
            flights: [{ id: "NH7" }],
            meta: {  # why
              page: 1,
            },
          }
        }
        """
    )


def test_a_comment_in_the_middle_of_a_statement_continues_it_on_an_indented_line():
    source = """
    scenario "s" {
      expect {
        tool_call search # the first call
          before book
        tool_call book
          # ...and it comes last
          after search
      }
    }
    """
    assert fmt(source) == canonical(
        """
        scenario "s" {
          expect {
            tool_call search  # the first call
              before book
            tool_call book
              # ...and it comes last
              after search
          }
        }
        """
    )


def test_a_comment_never_lands_inside_a_triple_quoted_string():
    source = 'specialist a {\n  prompt # the prompt\n  """\n    Hello.\n  """  # end\n}\n'
    out = fmt(source)
    assert out == canonical(
        '''
        specialist a {
          prompt  # the prompt
            """
              Hello.
            """  # end
        }
        '''
    )


def test_comments_on_dropped_commas_are_kept_in_order():
    source = "plan P {\n  a: str # after a\n  # before the comma\n  , # on the comma\n  b: int\n}\n"
    assert fmt(source) == canonical(
        """
        plan P {
          a: str  # after a
          # before the comma
          # on the comma
          b: int
        }
        """
    )


def test_hash_inside_strings_is_not_a_comment():
    source = 'tool t() { description "use # freely" }'
    assert fmt(source) == 'tool t() {\n  description "use # freely"\n}\n'


def test_comment_text_is_kept_verbatim_except_trailing_spaces():
    assert fmt("#no space   \n#  two  spaces\ntenant a") == "#no space\n#  two  spaces\ntenant a\n"
