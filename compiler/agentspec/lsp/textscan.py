"""Cheap lexical scans that work on any text, however broken.

While someone types, the buffer rarely parses. The language server still has
to know where the declaration around the cursor starts (completion parses
only that declaration), whether the cursor sits in a string or comment
(nothing to complete there), and which word it is on. These scans use the syntax
core's scanner (``agentspec.syntax.scanner``: strings, regexes, comments,
brackets and words, as the grammar's terminals define them); all syntax
decisions are left to the grammar (see ``cursor.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from agentspec.syntax import scanner
from agentspec.syntax.scanner import Lexeme

WORD_CHARS = re.compile(r"[A-Za-z0-9_]")


@lru_cache(maxsize=1)
def top_level_keywords() -> frozenset[str]:
    """The keywords that start a declaration, straight from the grammar:
    what the parser accepts at the start of a file."""
    from agentspec.lsp.cursor import keywords_accepted_at_start

    return frozenset(keywords_accepted_at_start())


@lru_cache(maxsize=1)
def name_pattern() -> re.Pattern[str]:
    """The grammar's NAME terminal."""
    from agentspec.syntax.grammar import lark_parser

    return re.compile(lark_parser().get_terminal("NAME").pattern.to_regexp())


@lru_cache(maxsize=1)
def grammar_keywords() -> frozenset[str]:
    """Every word the grammar spells as a literal (``tool``, ``agent``, ``null``...), and
    the words of its BOOL terminal (``true``, ``false``)."""
    from lark.lexer import PatternStr

    from agentspec.syntax.grammar import lark_parser

    words = set()
    for terminal in lark_parser().terminals:
        pattern = terminal.pattern
        if isinstance(pattern, PatternStr) and name_pattern().fullmatch(pattern.value):
            words.add(pattern.value)
        elif terminal.name == "BOOL":
            words.update(w for w in re.findall(r"[a-z]+", pattern.value) if re.fullmatch(pattern.to_regexp(), w))
    return frozenset(words)


def lexemes(text: str) -> list[Lexeme]:
    """The syntax core's lexemes, reading strings still being typed as running to the end of their line."""
    return scanner.lexemes(text, tolerant=True)


@lru_cache(maxsize=1)
def _declaration_line() -> re.Pattern[str]:
    words = "|".join(sorted(top_level_keywords(), key=len, reverse=True))
    return re.compile(rf"^(?:{words})(?![A-Za-z0-9_])", re.M)


def declaration_starts(text: str) -> list[int]:
    """Offsets where a top-level declaration (probably) starts: a line that
    begins, in column 1, with a keyword that starts declarations.

    That is how every formatted spec is laid out, and it needs no
    bracket-matching, so an unclosed block above does not hide the
    declarations after it. A line inside a triple-quoted string can look like
    one; callers that need certainty (the incremental parser) verify by parsing.
    """
    return [m.start() for m in _declaration_line().finditer(text)]


def in_string_or_comment(text: str, offset: int) -> bool:
    """Whether ``offset`` is inside a string or comment (strictly after its
    first character, so the cursor right before a `"` is outside)."""
    for lex in lexemes(text[: offset + 1]):
        if lex.kind not in ("triple", "string", "comment") or lex.start >= offset:
            continue
        if lex.kind == "comment":  # a comment runs to the end of its line
            if offset <= lex.end:
                return True
            continue
        quote = '"""' if lex.kind == "triple" else '"'
        closed = len(lex.text) >= 2 * len(quote) and lex.text.endswith(quote)
        if offset < lex.end or (offset == lex.end and not closed):
            return True
    return False


def word_start(text: str, offset: int) -> int:
    """Start of the identifier-like word that ends at ``offset`` (or ``offset``)."""
    start = offset
    while start > 0 and WORD_CHARS.match(text[start - 1]):
        start -= 1
    return start
