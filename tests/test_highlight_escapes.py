"""String escapes are highlighted exactly as the language reads them (``syntax.strings.decode``):
a valid escape is one escape token, an invalid one is marked invalid, in the Pygments lexer
and in the VS Code TextMate grammar alike."""

from __future__ import annotations

import itertools

import pytest
from pygments.token import Error, String

from agentspec.pygments_lexer import AgentspecLexer
from agentspec.syntax.strings import ESCAPE_RE, decode
from highlight_support import TextMate, ensure_node_driver

VALID_SCOPE = "constant.character.escape.agentspec"
INVALID_SCOPE = "invalid.illegal.escape.agentspec"


def candidates() -> list[str]:
    """Escapes (each followed by text that an over-eager pattern would swallow)."""
    found = [f"\\{ch}" for ch in map(chr, range(0x21, 0x7F)) if ch != "\\"] + ["\\\\", "\\é", "\\😀"]
    values = ["0", "41", "7f", "D7FF", "d800", "DBFF", "DC00", "dfff", "E000", "FFFF", "1F600", "10000",
              "10FFFF", "10ffff", "110000", "FFFFFF", "0D800", "00DFFF", "000041", "0000041", "", "G1", "1F60"]
    for value in values:
        found += [f"\\u{{{value}}}", f"\\u{value}", f"\\u{{{value}"]
    for high, low in itertools.product(["D83D", "d800", "DBFF", "DC00", "0041"], ["DE00", "dc00", "DFFF", "D83D", "0041"]):
        found.append(f"\\u{high}\\u{low}")
    return [escape + tail for escape in found for tail in ("x", "0", "}")]


CASES = candidates()


def language_reads(body: str) -> tuple[str, bool]:
    """The first escape of ``body`` as ``decode`` delimits it, and whether it is valid."""
    match = ESCAPE_RE.match(body)
    assert match is not None
    _, invalid = decode(body)
    return match.group(), not any(m.start() == 0 for m in invalid)


def test_the_cases_cover_both_verdicts() -> None:
    verdicts = [language_reads(body)[1] for body in CASES]
    assert verdicts.count(True) > 100 and verdicts.count(False) > 100


@pytest.mark.parametrize("quote", ['"', '"""'])
def test_pygments_reads_every_escape_as_the_language_does(quote: str) -> None:
    wrong = []
    for body in CASES:
        escape, valid = language_reads(body)
        tokens = list(AgentspecLexer().get_tokens_unprocessed(f"{quote}{body}{quote}"))
        _, kind, text = tokens[1]  # the one after the opening quote
        if text != escape or (kind is String.Escape) != valid or (kind in Error) == valid:
            wrong.append((body, escape, valid, kind, text))
    assert wrong == []


def test_examples_in_pygments() -> None:
    tokens = [(kind, text) for _, kind, text in AgentspecLexer().get_tokens_unprocessed('"\\u{1F600} \\q \\u{110000} \\uD83D\\uDE00 \\uD83D"')]
    assert (String.Escape, "\\u{1F600}") in tokens and (String.Escape, "\\uD83D\\uDE00") in tokens
    assert (Error, "\\q") in tokens and (Error, "\\u{110000}") in tokens and (Error, "\\uD83D") in tokens


@pytest.fixture(scope="module")
def textmate() -> TextMate:
    return TextMate(ensure_node_driver())


@pytest.mark.parametrize("quote", ['"', '"""'])
def test_textmate_reads_every_escape_as_the_language_does(textmate: TextMate, quote: str) -> None:
    lines = [f"{quote}{body}{quote}" for body in CASES]
    tokens = textmate.tokenize("\n".join(lines))
    wrong = []
    for number, body in enumerate(CASES, start=1):
        escape, valid = language_reads(body)
        on_line = [t for t in tokens if t.line == number and t.text]
        first = on_line[1]  # the one after the opening quote
        scope = VALID_SCOPE if valid else INVALID_SCOPE
        if first.text != escape or scope not in first.scopes:
            wrong.append((body, escape, valid, str(first)))
    assert wrong == []


def test_examples_in_textmate(textmate: TextMate) -> None:
    tokens = textmate.tokenize('tool t { description "smile \\u{1F600} \\q" }\n')
    by_text = {t.text: t for t in tokens}
    assert VALID_SCOPE in by_text["\\u{1F600}"].scopes
    assert INVALID_SCOPE in by_text["\\q"].scopes
    assert "string.quoted.double.agentspec" in by_text["\\q"].scopes
