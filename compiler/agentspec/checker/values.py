"""Spans inside a literal value, so a caret can sit under ``quantity: "5"``, not the whole body.

The parser keeps, for a literal value, where each of its parts was written
(``nodes.LiteralParts``). When the checker finds a problem deep inside (a plan
body's third action), ``locate`` follows a path such as ``["actions", 2,
"quantity"]`` through those parts. A path the parts do not have falls back to
the whole value: a less precise caret is better than no diagnostic.
"""

from __future__ import annotations

from typing import Any

from agentspec.syntax import nodes


def locate(parts: nodes.LiteralParts, path: list[Any], key: bool = False) -> nodes.Span:
    """The span of the part reached by ``path``; ``key=True``: the last step's key instead of its value."""
    whole, key_span = parts.span, None
    for step in path:
        if isinstance(step, int) and 0 <= step < len(parts.items):
            parts, key_span = parts.items[step], None
        elif isinstance(step, str) and step in parts.entries:
            entry = parts.entries[step]
            parts, key_span = entry.value, entry.key
        else:
            return whole
    return key_span if key and key_span is not None else parts.span
