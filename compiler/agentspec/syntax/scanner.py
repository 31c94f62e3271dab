"""The one lexical scanner: strings, regexes, comments, brackets and words, as the grammar lexes them.

Some questions about spec text come before (or instead of) a parse: is this
file nested too deep to parse safely, which bracket is still open at the end,
is the cursor inside a string, where does the declaration around the cursor
start. They all need the same answer to "what is a string, a regex, a
comment", and it must be the grammar's answer, so the patterns here are the
grammar's own terminals (``TRIPLE_STRING``, ``STRING``, ``REGEX``,
``COMMENT``, ``NAME``), read from the Lark parser, not copies of them.

``lexemes(text)`` reads text as the compiler's lexer does. With
``tolerant=True`` (text being typed in an editor) a string that is not closed
yet runs to the end of its line, and a triple-quoted one to the end of the
text, as the parser's E002 describes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agentspec.syntax.grammar import lark_parser

#: Deeper nesting than any real spec needs; the limit keeps every later stage
#: (tree transform, checker, code generation, black) far from Python's recursion limit.
MAX_NESTING = 64

# lexeme kind -> grammar terminal; tried in this order (the grammar gives
# TRIPLE_STRING priority over STRING)
_TERMINALS = (("triple", "TRIPLE_STRING"), ("string", "STRING"), ("regex", "REGEX"), ("comment", "COMMENT"))
# what ends a literal that is still being typed: (closing delimiter, where it stops instead)
_OPEN_ENDS = {"triple": ('"""', r"\Z"), "string": ('"', "$")}


@dataclass(frozen=True)
class Lexeme:
    kind: str  # triple | string | regex | comment | open | close | word | newline
    start: int
    end: int
    text: str


def _terminal(name: str) -> str:
    return lark_parser().get_terminal(name).pattern.to_regexp()


@lru_cache(maxsize=2)
def _pattern(tolerant: bool) -> re.Pattern[str]:
    parts = []
    for kind, terminal in _TERMINALS:
        regex = _terminal(terminal)
        if tolerant and kind in _OPEN_ENDS:
            close, stop = _OPEN_ENDS[kind]
            assert regex.endswith(close), (terminal, regex)  # the grammar's literal ends with its delimiter
            regex = f"{regex[: -len(close)]}(?:{close}|{stop})"
        parts.append(f"(?P<{kind}>{regex})")
    parts += [r"(?P<open>[{\[(])", r"(?P<close>[}\])])", f"(?P<word>{_terminal('NAME')})", r"(?P<newline>\n)"]
    return re.compile("|".join(parts), re.M)


def lexemes(text: str, tolerant: bool = False) -> list[Lexeme]:
    """The strings, regexes, comments, brackets, words and newlines of ``text``, in order."""
    return [Lexeme(m.lastgroup, m.start(), m.end(), m.group()) for m in _pattern(tolerant).finditer(text)]


@lru_cache(maxsize=1)
def _literals() -> re.Pattern[str]:
    """Strings, regexes and comments alone, in ``_pattern``'s order. None of them starts with a
    bracket, a word character or a newline, so they are found exactly where ``_pattern`` finds them."""
    return re.compile("|".join(f"(?:{_terminal(terminal)})" for _, terminal in _TERMINALS), re.M)


_BRACKETS = re.compile(r"[{\[()\]}]")


def _deepest(text: str) -> int:
    """How deep the brackets of ``text`` nest, strings, regexes and comments aside."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_literals().sub("", text)):
        if bracket in "{[(":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


def nesting_too_deep(text: str) -> int | None:
    """Offset of the first bracket nested deeper than MAX_NESTING (strings, regexes and comments aside)."""
    if text.count("[") + text.count("{") + text.count("(") <= MAX_NESTING:
        return None
    # every parse asks this of the whole file: a pass in C answers it for every file nested
    # no deeper than allowed, the walk below finds the offset for the rest
    if _deepest(text) <= MAX_NESTING:
        return None
    depth = 0
    # the matches themselves, not Lexeme objects: every parse runs this over the whole file
    for match in _pattern(False).finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                return match.start()
        elif kind == "close":
            depth = max(0, depth - 1)
    return None


_PAIRS = {"}": "{", "]": "[", ")": "("}


def unclosed_bracket(text: str, upto: int) -> int | None:
    """Offset of the innermost `{`, `[` or `(` still open at ``upto`` (strings, regexes and comments aside)."""
    stack: list[int] = []
    for lexeme in lexemes(text[:upto]):
        if lexeme.kind == "open":
            stack.append(lexeme.start)
        elif lexeme.kind == "close" and stack and text[stack[-1]] == _PAIRS[lexeme.text]:
            stack.pop()
    return stack[-1] if stack else None
