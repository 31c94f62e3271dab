"""Canonical spellings of string literals, for ``agentspec fmt``.

A normal string is re-emitted with the fewest escapes that keep it on one
line and visible: only ``\\"``, ``\\\\``, the named control escapes and
``\\uXXXX`` for other invisible characters; ``\\u00e9`` becomes ``é``.

A triple-quoted string written over several lines is re-indented: the opening
quotes stay on the statement's line, the text goes one level deeper than the
statement, and the closing quotes line up with the statement. Because the
parser strips a blank first and last line and the text's common indentation,
this never changes the string's value. Either rewrite is checked against the
parser's own reading of the literal, and a literal it cannot prove equal (an
invalid escape, a carriage return) is kept exactly as written.
"""

from __future__ import annotations

import textwrap

from agentspec.syntax import strings


def decode(body: str) -> str | None:
    """The value of a string body as the parser reads it; None if an escape is invalid."""
    value, invalid = strings.decode(body)
    return None if invalid else value


def canonical_string(raw: str) -> str:
    """``"..."`` re-spelled canonically (``raw`` includes the quotes)."""
    value = decode(raw[1:-1])
    if value is None:
        return raw
    spelled = strings.literal(value)
    return spelled if decode(spelled[1:-1]) == value else raw


def triple_text(body: str) -> str:
    """The text of a triple-quoted string's body before escapes are decoded:
    a blank first and last line dropped, common indentation removed (as the parser does)."""
    lines = body.split("\n")
    if lines and not lines[0].strip():
        lines = lines[1:]
    if lines and not lines[-1].strip():
        lines = lines[:-1]
    return textwrap.dedent("\n".join(lines))


def triple_lines(raw: str) -> list[str] | None:
    """For a triple-quoted string written over several lines, the lines of its
    text to print one level deeper than the statement, between a line with the
    opening and a line with the closing quotes. None when the literal must be
    kept as written (one line, a carriage return, or a rewrite the parser
    would read differently)."""
    body = raw[3:-3]
    if "\n" not in body or "\r" in body:
        return None
    text = triple_text(body)
    lines = text.split("\n")
    rebuilt = "\n" + "\n".join("  " + line if line else "" for line in lines) + "\n"
    return lines if triple_text(rebuilt) == text else None
