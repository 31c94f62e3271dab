"""Spans inside a literal value, so a caret can sit under ``quantity: "5"``, not the whole body.

The AST keeps literal values as plain JSON data with one span for the whole
value. When the checker finds a problem deep inside (a plan body's third
action), ``locate`` re-reads the value's source text — already known to be
valid syntax — and returns the span of the part at a path such as
``["actions", 2, "quantity"]``. Anything unexpected falls back to the span of
the whole value: a less precise caret is better than no diagnostic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agentspec.syntax import nodes
from agentspec.diagnostics import span_at

_SKIP = re.compile(r"(?:\s|#[^\n]*)*")
_TOKEN = re.compile(
    r'(?P<triple>"""(?:[^"\\]|\\.|"(?!""))*""")'
    r'|(?P<string>"(?:[^"\\\n]|\\.)*")'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<punct>[{}\[\]:,])",
    re.S,
)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f"}


class _Malformed(Exception):
    pass


@dataclass
class _Node:
    start: int
    end: int
    items: list[_Node] = field(default_factory=list)  # a list's items
    keys: dict[str, tuple[int, int, _Node]] = field(default_factory=dict)  # an object's entries


def _unquote(raw: str) -> str:
    body = raw[1:-1]
    return re.sub(r"\\(.)", lambda m: _SIMPLE_ESCAPES.get(m.group(1), m.group(0)), body)


class _Reader:
    def __init__(self, text: str, offset: int):
        self.text = text
        self.pos = offset

    def token(self) -> re.Match:
        self.pos = _SKIP.match(self.text, self.pos).end()
        match = _TOKEN.match(self.text, self.pos)
        if match is None:
            raise _Malformed
        self.pos = match.end()
        return match

    def peek(self) -> str:
        saved = self.pos
        try:
            return self.token().group()
        except _Malformed:
            return ""
        finally:
            self.pos = saved

    def value(self) -> _Node:
        tok = self.token()
        if tok.group() == "{":
            node = _Node(tok.start(), tok.start())
            while self.peek() != "}":
                key = self.token()
                if key.lastgroup not in ("name", "string"):
                    raise _Malformed
                name = key.group() if key.lastgroup == "name" else _unquote(key.group())
                if self.token().group() != ":":
                    raise _Malformed
                node.keys.setdefault(name, (key.start(), key.end(), self.value()))
                if self.peek() == ",":
                    self.token()
            node.end = self.token().end()
            return node
        if tok.group() == "[":
            node = _Node(tok.start(), tok.start())
            while self.peek() != "]":
                node.items.append(self.value())
                if self.peek() == ",":
                    self.token()
            node.end = self.token().end()
            return node
        if tok.lastgroup == "punct":
            raise _Malformed
        return _Node(tok.start(), tok.end())


def locate(source: str, span: nodes.Span, path: list[Any], key: bool = False) -> nodes.Span:
    """The span of the part of the value at ``span`` reached by ``path``.

    ``key=True`` gives the span of the last path element's key instead of its value.
    """
    try:
        node = _Reader(source, span.start).value()
        key_range: tuple[int, int] | None = None
        for step in path:
            if isinstance(step, int):
                node = node.items[step]
                key_range = None
            else:
                start, end, node = node.keys[step]
                key_range = (start, end)
        if key and key_range is not None:
            return span_at(source, key_range[0], key_range[1] - key_range[0])
        return span_at(source, node.start, node.end - node.start)
    except (_Malformed, IndexError, KeyError, RecursionError):
        return span
