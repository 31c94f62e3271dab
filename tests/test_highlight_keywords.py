"""Every keyword of grammar/agentspec.lark is highlighted as a keyword by both
the TextMate grammar (through vscode-textmate) and the Pygments lexer.

A keyword is every quoted literal of letters/underscores in the grammar.  The
value literals ``true``/``false``/``null`` must be constants instead
(``constant.language`` / ``Keyword.Constant``).  Each keyword is checked in
contexts that need no knowledge of what it means — alone at top level, inside
nested blocks, before a string — so a keyword added to the grammar without
updating the editors fails here.  The parser-aligned checks in
test_highlight_textmate.py / test_highlight_pygments.py cover real contexts.
The reverse holds too: the editors highlight no word that is not a keyword.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from pygments.lexer import RegexLexer, words
from pygments.token import Keyword

from agentspec import pygments_lexer
from agentspec.pygments_lexer import AgentspecLexer
from highlight_support import (
    CONSTANT_KEYWORDS,
    GRAMMAR,
    TM_GRAMMAR,
    TextMate,
    ensure_node_driver,
    grammar_keywords,
)

KEYWORDS = sorted(grammar_keywords())

CONTEXTS = {
    "top level": "{kw}\n",
    "nested blocks": 'scenario "s" {{\n  expect {{\n    {kw}\n  }}\n}}\n',
    "before a string": '{kw} "x"\n',
}
CONTEXT_LINE = {"top level": 1, "nested blocks": 3, "before a string": 1}


def test_grammar_has_keywords():
    # guards the extraction itself: a broken reader would make every check vacuous
    assert len(KEYWORDS) > 50
    assert {"tool", "scenario", "expect", "approval", "tenant", "true", "null"} <= set(KEYWORDS)
    assert "NAME" not in KEYWORDS and "ms" not in KEYWORDS  # terminal names / regex parts


# ---- TextMate ------------------------------------------------------------------


def textmate_keyword_failures(textmate: TextMate, keywords) -> list[str]:
    docs = {f"{kw}|{ctx}": tmpl.format(kw=kw) for kw in keywords for ctx, tmpl in CONTEXTS.items()}
    tokenized = textmate.tokenize_many(docs)
    failures = []
    for name, tokens in tokenized.items():
        kw, ctx = name.split("|")
        hits = [t for t in tokens if t.text == kw and t.line == CONTEXT_LINE[ctx]]
        if kw in CONSTANT_KEYWORDS:
            ok = bool(hits) and all(t.has("constant.language") for t in hits)
        else:
            ok = bool(hits) and all(
                (t.has("keyword") or t.has("storage.type")) and not t.has("constant") for t in hits
            )
        if not ok:
            failures.append(f"{kw!r} ({ctx}): " + ("; ".join(map(str, hits)) or "not a token of its own"))
    return failures


@pytest.fixture(scope="module")
def textmate() -> TextMate:
    return TextMate(ensure_node_driver())


def test_textmate_highlights_every_grammar_keyword(textmate):
    failures = textmate_keyword_failures(textmate, KEYWORDS)
    assert not failures, (
        "keywords of grammar/agentspec.lark not highlighted as keywords by "
        "editors/vscode/syntaxes/agentspec.tmLanguage.json:\n" + "\n".join(failures)
    )


def textmate_keyword_words(grammar: dict) -> set[str]:
    """The words the TextMate grammar's #keywords and #constants rules list."""
    found = set()
    for section in ("keywords", "constants"):
        for rule in grammar["repository"][section]["patterns"]:
            body = rule["match"].replace("\\b", "").replace("(?:", "").replace(")", "")
            found.update(w for w in body.split("|") if w)
    assert all(re.fullmatch(r"[A-Za-z_]+", w) for w in found), found
    return found


def test_textmate_highlights_no_stale_keyword():
    stale = textmate_keyword_words(json.loads(TM_GRAMMAR.read_text())) - set(KEYWORDS)
    assert not stale, f"highlighted as keywords but not in the grammar: {sorted(stale)}"


# ---- Pygments --------------------------------------------------------------------


def pygments_keyword_failures(lexer_cls, keywords) -> list[str]:
    lexer = lexer_cls()
    failures = []
    for kw in keywords:
        for ctx, tmpl in CONTEXTS.items():
            text = tmpl.format(kw=kw)
            start = text.index(f"    {kw}") + 4 if ctx == "nested blocks" else 0
            kinds = [t for i, t, v in lexer.get_tokens_unprocessed(text) if i == start and v == kw]
            if kw in CONSTANT_KEYWORDS:
                ok = kinds == [Keyword.Constant]
            else:
                ok = len(kinds) == 1 and kinds[0] in Keyword and kinds[0] not in (
                    Keyword.Type, Keyword.Constant)
            if not ok:
                failures.append(f"{kw!r} ({ctx}): {kinds or 'not a token of its own'}")
    return failures


def test_pygments_highlights_every_grammar_keyword():
    failures = pygments_keyword_failures(AgentspecLexer, KEYWORDS)
    assert not failures, (
        "keywords of grammar/agentspec.lark not highlighted as Keyword by "
        "agentspec.pygments_lexer:\n" + "\n".join(failures)
    )


def test_pygments_highlights_no_stale_keyword():
    listed = set(
        pygments_lexer.DECLARATION_KEYWORDS
        + pygments_lexer.NAMESPACE_KEYWORDS
        + pygments_lexer.CONSTANT_KEYWORDS
        + pygments_lexer.OTHER_KEYWORDS
    )
    stale = listed - set(KEYWORDS)
    assert not stale, f"highlighted as keywords but not in the grammar: {sorted(stale)}"


# ---- the check is honest: a new grammar keyword fails it ---------------------------


def test_a_keyword_added_to_the_grammar_fails_both_checks(tmp_path, textmate):
    grammar = tmp_path / "agentspec.lark"
    grammar.write_text(GRAMMAR.read_text() + '\nextra_setting: "frobnicate_all" STRING\n')
    added = grammar_keywords(grammar) - set(KEYWORDS)
    assert added == {"frobnicate_all"}
    assert textmate_keyword_failures(textmate, added)
    assert pygments_keyword_failures(AgentspecLexer, added)


def test_a_keyword_dropped_from_the_editors_fails_both_checks(tmp_path, textmate):
    tm = json.loads(TM_GRAMMAR.read_text())
    for rule in tm["repository"]["keywords"]["patterns"]:
        rule["match"] = rule["match"].replace("|tool_order|", "|").replace("(?:tool_order|", "(?:")
    assert "tool_order" not in textmate_keyword_words(tm)
    mutated = tmp_path / "agentspec.tmLanguage.json"
    mutated.write_text(json.dumps(tm))
    assert textmate_keyword_failures(TextMate(textmate.node, mutated), ["tool_order"])

    tokens = copy.deepcopy(AgentspecLexer.tokens)
    fewer = tuple(w for w in pygments_lexer.OTHER_KEYWORDS if w != "tool_order")
    assert tokens["keywords"][-1][1] is Keyword  # the OTHER_KEYWORDS rule
    tokens["keywords"][-1] = (words(fewer, prefix=r"\b", suffix=r"\b"), Keyword)
    mutated_lexer = type("MutatedLexer", (RegexLexer,), {"tokens": tokens})
    assert pygments_keyword_failures(mutated_lexer, ["tool_order"])
