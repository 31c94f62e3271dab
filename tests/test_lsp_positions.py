"""Spec spans to LSP positions and back: 0-based lines, characters in UTF-16
code units (or the negotiated encoding), every LSP line break."""

from __future__ import annotations

import pytest
from lsprotocol.types import Position, PositionEncodingKind

from agentspec.lsp.positions import LineIndex
from agentspec.syntax.parser import parse


def pos(line: int, character: int) -> Position:
    return Position(line=line, character=character)


def test_ascii_offsets_and_positions_round_trip():
    text = "tenant a\ntool t() {}\n"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        assert index.offset(index.position(offset)) == offset
    assert index.position(text.index("t()")) == pos(1, 5)


def test_astral_characters_count_two_utf16_units():
    text = 'x "🚀é" y'
    index = LineIndex(text)
    assert index.position(text.index("y")) == pos(0, 8)  # x␠"🚀(2)é"␠ = 8 units
    assert index.offset(pos(0, 8)) == text.index("y")
    assert index.offset(pos(0, 4)) == text.index("🚀") + 1  # right after the emoji


def test_other_encodings():
    text = "é🚀y"
    assert LineIndex(text, PositionEncodingKind.Utf32).position(2) == pos(0, 2)
    assert LineIndex(text, PositionEncodingKind.Utf8).position(2) == pos(0, 6)
    assert LineIndex(text, PositionEncodingKind.Utf8).offset(pos(0, 6)) == 2


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_lsp_line_break(newline: str):
    text = f"a{newline}bc{newline}d"
    index = LineIndex(text)
    assert index.position(text.index("c")) == pos(1, 1)
    assert index.position(text.index("d")) == pos(2, 0)
    assert index.offset(pos(2, 0)) == text.index("d")


def test_positions_past_the_end_are_clamped():
    text = "ab\ncd"
    index = LineIndex(text)
    assert index.offset(pos(0, 99)) == 2  # end of line 0, not into line 1
    assert index.offset(pos(99, 0)) == len(text)
    assert index.whole().end == pos(1, 2)


def test_span_ranges_follow_the_parser():
    text = 'tenant a\ntool t() { description "🚀" approval nope }\n'
    (diagnostic,) = parse(text, "t").diagnostics
    rng = LineIndex(text).span_range(diagnostic.span)
    line = text.splitlines()[1]
    start = len(line[: line.index("nope")].encode("utf-16-le")) // 2
    assert (rng.start, rng.end) == (pos(1, start), pos(1, start + 4))
