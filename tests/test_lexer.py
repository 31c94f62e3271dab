"""syntax/lexer.py gives the parser exactly the tokens Lark's own contextual lexer gives it.

The compiler's parser lexes with ``agentspec.syntax.lexer.ContextualLexer``
(one match per token); a reference parser built from the same grammar with
Lark's ``lexer="contextual"`` is the oracle. Both parse the same text: every
token of the tree (keep_all_tokens) with all its positions, every comment the
COMMENT callback saw, or else the same exception with the same fields, and
the same E001/E002 diagnostic, must come out. Inputs: the repository's specs,
and text made of the grammar's own pieces (keywords, strings, triple-quoted
strings, numbers, durations, regexes, comments, brackets, stray characters),
alone or spliced into a real spec.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Lark, Token
from lark.exceptions import UnexpectedInput

from agentspec.syntax.errors import syntax_error
from agentspec.syntax.grammar import grammar_text, lark_parser, parse_tree
from agentspec.syntax.lexer import ContextualLexer

ROOT = Path(__file__).resolve().parent.parent


class _Comments(list):
    def __call__(self, token: Token) -> Token:
        self.append(token)
        return token


@lru_cache(maxsize=1)
def reference() -> tuple[Lark, _Comments]:
    """The same grammar and options, lexed by Lark's own contextual lexer."""
    comments = _Comments()
    parser = Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        keep_all_tokens=True,
        maybe_placeholders=False,
        lexer_callbacks={"COMMENT": comments},
    )
    return parser, comments


def _token(token: Token | None) -> tuple | None:
    if token is None:  # Lark's history of a failure at the very start
        return None
    return (
        token.type,
        token.value,
        token.start_pos,
        token.line,
        token.column,
        token.end_line,
        token.end_column,
        token.end_pos,
    )


def _failure(exc: UnexpectedInput, text: str) -> tuple:
    fields = {
        name: sorted(value) if isinstance(value, (set, frozenset)) else value
        for name, value in vars(exc).items()
        if name not in ("interactive_parser", "state", "_terminals_by_name", "_accepts")
    }
    fields["token"] = _token(getattr(exc, "token", None))
    fields["token_history"] = [_token(t) for t in getattr(exc, "token_history", None) or ()]
    diagnostic = syntax_error(exc, text, "t.agentspec", lark_parser())
    return type(exc).__name__, sorted(fields.items(), key=lambda item: item[0]), diagnostic


def ours(text: str) -> tuple:
    try:
        tree, comments = parse_tree(text)
    except UnexpectedInput as exc:
        return "error", _failure(exc, text)
    return "tree", [_token(t) for t in tree.scan_values(lambda _: True)], [_token(c) for c in comments]


def lark_own(text: str) -> tuple:
    parser, comments = reference()
    comments.clear()
    try:
        tree = parser.parse(text)
    except UnexpectedInput as exc:
        return "error", _failure(exc, text)
    return "tree", [_token(t) for t in tree.scan_values(lambda _: True)], [_token(c) for c in comments]


def test_the_compiler_parser_uses_this_lexer_and_its_fast_path():
    assert lark_parser().options.lexer is ContextualLexer
    parse_tree((ROOT / "specs" / "common.agentspec").read_text(encoding="utf-8"))
    scans = lark_parser().parser.lexer._scans
    # every parser state the spec went through had its one-pattern lexer (none left to Lark's)
    assert scans and all(scan is not None for scan in scans.values())


SPECS = subprocess.run(
    ["git", "ls-files", "*.agentspec"], cwd=ROOT, capture_output=True, text=True, check=True
).stdout.split()


@pytest.mark.parametrize("path", SPECS)
def test_every_spec_in_the_repository_lexes_as_lark_lexes_it(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    assert ours(text) == lark_own(text)


PIECES = [
    *(f"{word} " for word in ("tool", "plan", "scenario", "run", "expect", "input", "agent", "given", "output")),
    *("import", "true", "false", "null", "call", "say", "contains", "matches", "within", "times", "when"),
    *("x", "lookup", "customer_id", "_a1", "plan_b", "true_ish", "é"),
    *('"a"', '"C-1"', '"esc \\" q"', '"', '"open', '"""', '"""multi\nline"""', '""'),
    *("1", "-2", "3.5", "1e9", "-0.5e-3", "30s", "500ms", "1.5h", "2m", "10sx"),
    *("/NH\\d+/", "/a/i", "/", "//", "# a comment", "#", "\n# c\n"),
    *("{", "}", "(", ")", "[", "]", ":", ",", "=", "==", "?", ";", "'", "\\", "-", "."),
    *(" ", "  ", "\n", "\t", "\r\n", "\f"),
]

pieces = st.lists(st.sampled_from(PIECES) | st.text(max_size=2), max_size=30).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(pieces)
def test_text_made_of_the_grammars_pieces(text):
    assert ours(text) == lark_own(text)


VALID = [(ROOT / path).read_text(encoding="utf-8") for path in SPECS[:12]]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VALID), st.floats(0, 1), st.integers(0, 8), pieces)
def test_a_real_spec_with_a_splice(spec, where, cut, inserted):
    at = int(where * len(spec))
    text = spec[:at] + inserted + spec[at + cut :]
    assert ours(text) == lark_own(text)
