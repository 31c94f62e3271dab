"""Syntax errors in words a user knows.

Lark reports what went wrong in terms of terminal names (``LBRACE``,
``__ANON_3``); ``syntax_error`` turns that into ``unexpected `=`; expected `:` ``
with a caret at the offending token and, for the usual slips (a `;`, `=` for
`:`, a missing comma, an unclosed brace), a hint.
"""

from __future__ import annotations

import re
from typing import Any

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from agentspec.syntax import nodes
from agentspec.syntax.scanner import unclosed_bracket
from agentspec.diagnostics import Diagnostic, Fix, error, replace_fix, span_at

TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": "a string",
    "TRIPLE_STRING": 'a """triple-quoted""" string',
    "INT": "a whole number",
    "FLOAT": "a number",
    "DURATION": "a duration such as `30s` or `500ms`",
    "REGEX": "a regular expression such as `/NH\\d+/`",
    "BOOL": "`true` or `false`",
    "OPTIONAL": "`?`",
    "$END": "the end of the file",
}


def span_of(item: Any) -> nodes.Span:
    """The span of a Lark token or tree ``meta``: both carry the same position attributes."""
    return nodes.Span(
        line=item.line,
        column=item.column,
        end_line=item.end_line,
        end_column=item.end_column,
        start=item.start_pos,
        end=item.end_pos,
    )



def _describe_expected(names: set[str], parser: Lark) -> list[str]:
    words = set()
    for name in names:
        if name in TERMINAL_WORDS:
            words.add(TERMINAL_WORDS[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            continue
        if isinstance(pattern, PatternStr):
            words.add(f"`{pattern.value}`")
    # keywords and punctuation first (alphabetically), then the descriptive words
    return sorted(words, key=lambda w: (not w.startswith("`"), w))


def _join_alternatives(words: list[str], limit: int = 20) -> str:
    if len(words) > limit:
        words = words[:limit] + ["…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _describe_token(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    if token.type == "NAME":
        return f"name `{token}`"
    if token.type in ("STRING", "TRIPLE_STRING"):
        shown = str(token) if len(token) <= 30 else str(token)[:27] + '..."'
        return f"string {shown}"
    if token.type in ("INT", "FLOAT"):
        return f"number `{token}`"
    if token.type in TERMINAL_WORDS:
        return f"`{token}`"
    if re.fullmatch(r"[A-Za-z_]+", str(token)):
        return f"keyword `{token}`"
    return f"`{token}`"


def _acceptable(exc: UnexpectedToken) -> set[str]:
    """Terminals the parser would really accept here. LALR's own ``expected``
    set includes lookaheads merged from other contexts, so ask the parser."""
    try:
        return set(exc.interactive_parser.accepts()) - {"$END"} or set(exc.expected)
    except Exception:  # the interactive parser is a best-effort refinement
        return set(exc.expected)


def syntax_error(exc: UnexpectedInput, text: str, path: str, parser: Lark) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream
        char = text[offset]
        span = span_at(text, offset)
        if char == '"':
            line_end = text.find("\n", offset)
            span = span_at(text, offset, (line_end if line_end != -1 else len(text)) - offset)
            close = span_at(text, span.end, 0)
            return error(
                "E002",
                "unterminated string",
                path,
                span,
                'close it with `"` on the same line; use """triple quotes""" for text over several lines',
                [replace_fix('Close the string with `"`', path, close, '"')],
            )
        hint = None
        fixes: list[Fix] = []
        if char == ";":
            hint = "statements need no separator: put the next one on a new line"
            fixes = _new_line_for(text, offset, path)
        elif char == "=" and text[offset : offset + 2] != "==":
            hint = "use `:` between a name and its value, as in `origin: \"SFO\"`"
            start = len(text[:offset].rstrip(" \t"))  # `origin = "SFO"` becomes `origin: "SFO"`
            fixes = [replace_fix("Write `:` instead of `=`", path, span_at(text, start, offset + 1 - start), ":")]
        elif char == "'":
            hint = 'strings use double quotes: "..."'
            fixes = _double_quoted(text, offset, path)
        expected = _describe_expected(set(exc.allowed or ()), parser)
        message = f"unexpected character `{char}`"
        if expected:
            message += f"; expected {_join_alternatives(expected)}"
        return error("E001", message, path, span, hint, fixes)

    if isinstance(exc, UnexpectedToken):
        token = exc.token
        expected = _describe_expected(_acceptable(exc), parser)
        if token.type == "$END":
            span = span_at(text, len(text.rstrip()) - 1 if text.strip() else 0)
            message = "unexpected end of file"
            if expected:
                message += f"; expected {_join_alternatives(expected)}"
            hint = None
            opener = unclosed_bracket(text, len(text))
            if opener is not None:
                where = span_at(text, opener)
                hint = f"the `{text[opener]}` on line {where.line} is never closed"
            return error("E001", message, path, span, hint)
        span = span_of(token)
        message = f"unexpected {_describe_token(token)}"
        if expected:
            message += f"; expected {_join_alternatives(expected)}"
        hint = None
        fixes = []
        if token.type == "STRING" and "a name" in expected:
            hint = "names are written without quotes"
            if _NAME.fullmatch(token.value[1:-1]):
                fixes = [replace_fix("Remove the quotes", path, span, token.value[1:-1])]
        elif token.type == "NAME" and "`:`" in expected:
            hint = "arguments and fields are written `name: value`"
        elif token.type == "NAME" and "`,`" in expected:
            hint = "separate items with commas"
            after = len(text[: token.start_pos].rstrip())  # right after the previous item
            fixes = [replace_fix("Insert `,`", path, span_at(text, after, 0), ",")]
        return error("E001", message, path, span, hint, fixes)

    assert isinstance(exc, UnexpectedEOF)  # pragma: no cover - LALR reports EOF as UnexpectedToken
    return error("E001", "unexpected end of file", path, span_at(text, len(text)))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _new_line_for(text: str, offset: int, path: str) -> list[Fix]:
    """Replace the `;` at ``offset`` (and the blanks after it) with a line break at the line's indentation."""
    line_start = text.rfind("\n", 0, offset) + 1
    indent = text[line_start:offset][: len(text[line_start:offset]) - len(text[line_start:offset].lstrip(" \t"))]
    end = offset + 1
    while end < len(text) and text[end] in " \t":
        end += 1
    return [replace_fix("Put the next statement on a new line", path, span_at(text, offset, end - offset), "\n" + indent)]


def _double_quoted(text: str, offset: int, path: str) -> list[Fix]:
    """``'SFO'`` at ``offset`` written ``"SFO"``, when it closes on the same line and holds no `"` or `\\`."""
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end == -1 else line_end
    close = text.find("'", offset + 1, line_end)
    body = text[offset + 1 : close]
    if close == -1 or '"' in body or "\\" in body:
        return []
    return [replace_fix("Use double quotes", path, span_at(text, offset, close + 1 - offset), f'"{body}"')]
