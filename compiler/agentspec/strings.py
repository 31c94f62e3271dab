"""String literals: the escapes the language accepts, decoded in one place.

The parser decodes the body of every string, plain or triple-quoted, with
``decode``; the formatter uses the same function to prove that a re-spelled
literal keeps its value.
"""

from __future__ import annotations

import re

ESCAPES = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f"}
ESCAPE_RE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|.)", re.S)
VALID_ESCAPES_HINT = 'valid escapes: \\" \\\\ \\n \\t \\r \\0 \\uXXXX \\u{X...}; write \\\\ for a backslash'


def decode(body: str) -> tuple[str, list[re.Match]]:
    """The value of a string body, and the invalid escapes in it (kept as written)."""
    invalid: list[re.Match] = []

    def replace(match: re.Match) -> str:
        escape = match.group(1)
        if escape.startswith("u{"):
            code = int(escape[2:-1], 16)
            if code <= 0x10FFFF:
                return chr(code)
        elif escape.startswith("u") and len(escape) == 5:
            return chr(int(escape[1:], 16))
        elif escape in ESCAPES:
            return ESCAPES[escape]
        invalid.append(match)
        return match.group()

    return ESCAPE_RE.sub(replace, body), invalid
