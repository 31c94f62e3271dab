"""Converting between spec spans and LSP positions.

A ``Span`` is 1-based line/column counted in Python characters, with 0-based
character offsets; an LSP ``Position`` is 0-based line/character counted in
the *negotiated encoding's* code units (UTF-16 unless the client offers
otherwise). A character outside the Basic Multilingual Plane (an emoji) is one
Python character but two UTF-16 code units, so columns drift on such lines
unless every conversion goes through here. Conversions go through the
character offsets, which the parser gives for every node, so the line
breaks LSP recognises (``\\n``, ``\\r\\n``, ``\\r``) are handled in one place.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

from agentspec.syntax.nodes import Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def encoding_name(encoding: object) -> str:
    """``"utf-16"``, ``"utf-8"`` or ``"utf-32"`` from what pygls negotiated (an
    enum member or a plain string; ``str()`` of the enum is its Python name)."""
    value = getattr(encoding, "value", encoding)
    return value if isinstance(value, str) and value else types.PositionEncodingKind.Utf16.value


def _units(text: str, encoding: str) -> int:
    """Length of ``text`` in the code units of ``encoding``."""
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", errors="surrogatepass"))
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class LineIndex:
    """Line starts of one text, for offset <-> position conversion in O(log n)."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16):
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        # where each line's content ends (before its line break)
        self.ends = [m.start() for m in _LINE_BREAK.finditer(text)] + [len(text)]

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        offset = min(offset, self.ends[line])  # inside a \r\n pair: the end of the line
        return types.Position(line=line, character=_units(self.text[start:offset], self.encoding))

    def offset(self, position: types.Position) -> int:
        """The character offset of an LSP position, clamped to the text (as the
        protocol asks: a character past the line's end means the line's end)."""
        if position.line < 0:
            return 0
        if position.line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[position.line], self.ends[position.line]
        if self.encoding == types.PositionEncodingKind.Utf32:
            return min(start + position.character, end)
        units = 0
        offset = start
        while offset < end and units < position.character:
            units += _units(self.text[offset], self.encoding)
            offset += 1
        return offset

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def span_range(self, span: Span) -> types.Range:
        return self.range(span.start, span.end)

    def whole(self) -> types.Range:
        """The range of the whole document (for a full-document edit)."""
        return self.range(0, len(self.text))
