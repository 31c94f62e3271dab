"""The layout engine on its own: groups, indentation, trailing comments, blank lines."""

from __future__ import annotations

from agentspec.formatter_layout import (
    BREAK_PARENT,
    HARDLINE,
    LINE,
    SOFTLINE,
    Group,
    IfBreak,
    LineSuffix,
    LiteralLine,
    Nest,
    render,
)


def bracket(*items: str) -> Group:
    body: list = [SOFTLINE]
    for k, item in enumerate(items):
        body += [",", LINE, item] if k else [item]
    return Group(["[", Nest(2, [*body, IfBreak(",")]), SOFTLINE, "]"])


def test_a_group_is_flat_when_it_fits_and_broken_otherwise():
    assert render(["x ", bracket("a", "b")], width=10) == "x [a, b]"
    assert render(["x ", bracket("aaaa", "bbbb")], width=10) == "x [\n  aaaa,\n  bbbb,\n]"


def test_the_text_after_a_group_counts_towards_its_line():
    assert render([bracket("a", "b"), " tail"], width=11) == "[a, b] tail"
    assert render([bracket("a", "b"), " tail!"], width=11) == "[\n  a,\n  b,\n] tail!"


def test_an_outer_group_breaks_before_an_inner_one():
    doc = ["x ", bracket("aaaa", bracket("b", "c"))]
    assert render(doc, width=12) == "x [\n  aaaa,\n  [b, c],\n]"


def test_hard_lines_and_break_parent_break_every_enclosing_group():
    assert render(bracket("a", ["b", BREAK_PARENT]), width=80) == "[\n  a,\n  b,\n]"
    assert render(Group(["a", LINE, bracket("b"), HARDLINE, "c"]), width=80) == "a\n[b]\nc"


def test_trailing_comments_go_to_the_end_of_the_line_and_take_no_width():
    doc = ["a", LineSuffix("  # note"), ",", HARDLINE, "b"]
    assert render(doc) == "a,  # note\nb"
    assert render(["x ", bracket("a", "b"), LineSuffix("  # a long comment")], width=9) == "x [a, b]  # a long comment"


def test_literal_lines_keep_pending_comments_out_of_strings():
    doc = ["k", LineSuffix("  # c"), ' """', Nest(2, [LiteralLine(), "text"]), LiteralLine(), '"""', HARDLINE, "next"]
    assert render(doc) == 'k """\n  text\n"""  # c\nnext'


def test_no_trailing_spaces_and_blank_lines_have_no_indentation():
    doc = ["{", Nest(2, [HARDLINE, "a ", HARDLINE, HARDLINE, "b"]), HARDLINE, "}"]
    assert render(doc) == "{\n  a\n\n  b\n}"
