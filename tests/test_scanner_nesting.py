"""scanner.nesting_too_deep: its quick pass (literals removed in C, brackets counted) answers as
the walk over every lexeme does, for text nested just under, at and over the limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agentspec.syntax.scanner import MAX_NESTING, lexemes, nesting_too_deep


def walked(text: str) -> int | None:
    """The first bracket deeper than the limit, found lexeme by lexeme."""
    depth = 0
    for lexeme in lexemes(text):
        if lexeme.kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                return lexeme.start
        elif lexeme.kind == "close":
            depth = max(0, depth - 1)
    return None


PIECES = [
    "{",
    "[",
    "(",
    "}",
    "]",
    ")",
    '"{"',
    '"',
    '"""[\n(',
    '"""',
    "/[/",
    "/",
    "# {[(",
    "\n",
    "x",
    "a: ",
    ",",
    "\\",
    "'",
]


@st.composite
def nested(draw):
    depth = draw(st.integers(MAX_NESTING - 2, MAX_NESTING + 2))
    filler = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)
    opens = [draw(st.sampled_from("{[(")) + draw(filler) for _ in range(depth)]
    closes = [draw(st.sampled_from("}])")) + draw(filler) for _ in range(depth)]
    return draw(filler) + "".join(opens) + draw(filler) + "".join(closes) + draw(filler)


@settings(max_examples=150)
@given(nested() | st.lists(st.sampled_from(PIECES), max_size=200).map("".join))
def test_quick_pass_agrees_with_the_walk(text):
    assert nesting_too_deep(text) == walked(text)


def test_brackets_in_strings_comments_and_regexes_do_not_nest():
    inside = '"{" """[\n""" /(/ # {\n'
    assert nesting_too_deep("{" * MAX_NESTING + inside * 70 + "}" * MAX_NESTING) is None
    assert nesting_too_deep(inside + "[" * (MAX_NESTING + 1)) == len(inside) + MAX_NESTING
