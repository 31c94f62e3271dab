"""String literals: the escapes the language accepts, decoded and written in one place.

The parser decodes the body of every string, plain or triple-quoted, with
``decode``; the formatter uses the same function to prove that a re-spelled
literal keeps its value. ``encode`` and ``literal`` write a value back as spec
text (the formatter, ``agentspec record``, and hints and quick fixes that
suggest a string), so a quote or backslash in it is escaped as the parser reads it.
"""

from __future__ import annotations

import re

ESCAPES = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f"}
# A UTF-16 surrogate pair (``\uD83D\uDE00``, as JSON writes it) is one escape.
ESCAPE_RE = re.compile(
    r"\\(u[dD][89abAB][0-9A-Fa-f]{2}\\u[dD][c-fC-F][0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|.)", re.S
)
# from ESCAPES, so the hint names every escape the language accepts and no other
VALID_ESCAPES_HINT = (
    "valid escapes: " + " ".join("\\" + e for e in ESCAPES) + " \\uXXXX \\u{X...}; write \\\\ for a backslash"
)
SURROGATE_HINT = "\\uD800-\\uDFFF is half of a surrogate pair such as \\uD83D\\uDE00; write the character or \\u{1F600}"


# A lone surrogate is not text: it cannot be printed in a diagnostic or
# written to a UTF-8 file, so it is an invalid escape.
_SURROGATES = range(0xD800, 0xE000)


def decode(body: str) -> tuple[str, list[re.Match]]:
    """The value of a string body, and the invalid escapes in it (kept as written)."""
    invalid: list[re.Match] = []

    def replace(match: re.Match) -> str:
        escape = match.group(1)
        if len(escape) == 11:  # a surrogate pair
            high, low = int(escape[1:5], 16), int(escape[7:], 16)
            return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        if escape in ESCAPES:
            return ESCAPES[escape]
        if escape.startswith("u") and len(escape) > 1:  # \uXXXX or \u{X...}
            code = int(escape.strip("u{}"), 16)
            if code <= 0x10FFFF and code not in _SURROGATES:
                return chr(code)
        invalid.append(match)
        return match.group()

    return ESCAPE_RE.sub(replace, body), invalid


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0", "\b": "\\b", "\f": "\\f", '"': '\\"', "\\": "\\\\"}


def encode(value: str) -> str:
    """A string body for ``value`` with minimal escapes: only ``\\"``, ``\\\\``, the
    named control escapes and ``\\u`` for other invisible characters."""
    parts = []
    for ch in value:
        if ch in _NAMED:
            parts.append(_NAMED[ch])
        elif ch == " " or ch.isprintable():
            parts.append(ch)
        elif ord(ch) <= 0xFFFF:
            parts.append(f"\\u{ord(ch):04x}")
        else:
            parts.append(f"\\u{{{ord(ch):x}}}")
    return "".join(parts)


def literal(value: str) -> str:
    """``value`` as a one-line string literal, quotes included."""
    return '"' + encode(value) + '"'


def hint_for(invalid_escape: str) -> str:
    """What to write instead of ``invalid_escape`` (as ``decode`` reported it)."""
    if re.fullmatch(r"\\u(\{0*)?[dD][89a-fA-F][0-9A-Fa-f]{2}\}?", invalid_escape):
        return SURROGATE_HINT
    return VALID_ESCAPES_HINT
