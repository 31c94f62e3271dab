"""Folding ranges (``textDocument/foldingRange``): blocks, runs of comment lines,
and triple-quoted strings, from the syntax core's scanner (so braces inside
strings and comments do not count, and a half-typed buffer still folds)."""

from __future__ import annotations

from lsprotocol import types

from agentspec.lsp.positions import LineIndex
from agentspec.lsp.textscan import lexemes

_PAIRS = {"}": "{", "]": "[", ")": "("}


def folding_ranges(text: str, index: LineIndex) -> list[types.FoldingRange]:
    ranges: list[types.FoldingRange] = []
    stack: list[int] = []
    comments: list[int] = []  # lines of the current run of whole-line comments

    def line(offset: int) -> int:
        return index.position(offset).line

    def flush_comments() -> None:
        if len(comments) > 1:
            ranges.append(
                types.FoldingRange(start_line=comments[0], end_line=comments[-1], kind=types.FoldingRangeKind.Comment)
            )
        comments.clear()

    for lexeme in lexemes(text):
        if lexeme.kind == "comment":
            own_line = not text[text.rfind("\n", 0, lexeme.start) + 1 : lexeme.start].strip()
            at = line(lexeme.start)
            if own_line and comments and at == comments[-1] + 1:
                comments.append(at)
                continue
            flush_comments()
            if own_line:
                comments.append(at)
            continue
        if lexeme.kind != "newline":
            flush_comments()
        if lexeme.kind == "open":
            stack.append(lexeme.start)
        elif lexeme.kind == "close" and stack and text[stack[-1]] == _PAIRS[lexeme.text]:
            start, end = line(stack.pop()), line(lexeme.start)
            # the closing bracket stays visible when it starts its line (`}` under the block)
            last = end - 1 if not text[index.starts[end] : lexeme.start].strip() else end
            if last > start:
                ranges.append(types.FoldingRange(start_line=start, end_line=last, kind=types.FoldingRangeKind.Region))
        elif lexeme.kind == "triple":
            start, end = line(lexeme.start), line(lexeme.end)
            if end > start:
                ranges.append(types.FoldingRange(start_line=start, end_line=end, kind=types.FoldingRangeKind.Region))
    flush_comments()
    ranges.sort(key=lambda r: (r.start_line, r.end_line))
    return ranges
