"""Re-parse only the declarations that changed.

Parsing a 2,000-line spec takes the better part of the time between a
keystroke and fresh diagnostics (Lark's lexer and LALR parser plus the AST
build), yet a keystroke changes one declaration. So the language server
parses a file declaration by declaration: the text is cut where a line
starts, in column 1, with a declaration keyword (``textscan.declaration_starts``);
each piece is parsed on its own with the real parser, and pieces whose text is
unchanged since the last parse of that file are reused, their spans moved to
where the piece now starts.

The result is exactly what ``agentspec.syntax.parser.parse`` gives for the whole
text: when every piece parses, their concatenation is the file's declaration
list (a declaration that parses on its own cannot be continued by a piece that
starts with a declaration keyword). When a piece does not parse, the first
such piece holds the file's first syntax error: unless that error is
"unexpected end of file" (a cut inside a block or a block left open, where
the rest of the file would follow) or the whole text nests brackets too deep
(E009, which the parser reports before any syntax error), the piece is
parsed where it stands to report it; otherwise the whole text is parsed
normally. Either way syntax errors read exactly as the compiler reports them.
``tests/test_lsp_incremental.py`` checks the equality on every spec.

A piece with diagnostics (a bad escape, a setting given twice) is parsed
where it stands instead, since messages may quote line numbers.

Reused pieces are shifted *in place*, so an AST handed out earlier for the
same path sees its spans follow the newest text. That is safe because the AST
is never mutated by anyone else and whoever keeps an older result does not
need its positions: ``DocumentStore`` re-analyses a document whose version
changed (and every open file importing it), and the one older analysis it
still hands out, ``latest`` for completion, is read for names only.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, is_dataclass


from agentspec.syntax import nodes
from agentspec.lsp import textscan
from agentspec.syntax.parser import ParseResult, nesting_too_deep, parse

MAX_FILES = 256
_END_OF_FILE = "unexpected end of file"  # agentspec.syntax.parser's message for a file that stops too early


def _blank(text: str) -> str:
    """``text`` with every character but \\n made a space: what precedes a piece
    parsed where it stands (the parser counts lines by \\n, columns by characters)."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _spans(result: ParseResult) -> list[dict]:
    """The field dicts of every distinct span in ``result`` (AST and diagnostics)."""
    found: dict[int, dict] = {}
    stack: list = [result.spec, *result.diagnostics]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is nodes.Span:
            found.setdefault(id(item), item.__dict__)
        elif kind is list:
            stack.extend(item)
        elif kind is dict:
            stack.extend(item.values())
        elif is_dataclass(item):  # syntax-tree nodes, diagnostics and their parts
            stack.extend(item.__dict__.values())
    return list(found.values())


@dataclass
class _Piece:
    text: str
    result: ParseResult
    spans: list[dict]  # every span's fields, to shift without walking the tree again
    line: int = 0  # line delta (0-based) its spans currently carry
    offset: int = 0  # offset delta its spans currently carry
    pinned: bool = False  # parsed in place: usable only where it was parsed

    @classmethod
    def parsed(cls, text: str, path: str, before: str, line: int) -> _Piece:
        """Parse one declaration's text (``before`` is the file's text up to it).

        A declaration with diagnostics is parsed where it stands (the text before
        it blanked out), because messages can quote line numbers ("first set on
        line 12") that moving spans would not update.
        """
        result = parse(text, path)
        if not result.diagnostics or result.spec is None:  # (a piece that fails sends the file to `parse`)
            return cls(text, result, _spans(result))
        result = parse(_blank(before) + text, path)
        return cls(text, result, [], line, len(before), pinned=True)

    def fits(self, line: int, offset: int) -> bool:
        return not self.pinned or (self.line, self.offset) == (line, offset)

    def move_to(self, line: int, offset: int) -> None:
        """Shift every span in place so the piece starts at ``line`` (0-based) / ``offset``."""
        lines, chars = line - self.line, offset - self.offset
        if lines:
            for fields in self.spans:
                fields["line"] += lines
                fields["end_line"] += lines
        if chars:
            for fields in self.spans:
                fields["start"] += chars
                fields["end"] += chars
        self.line, self.offset = line, offset


class IncrementalParser:
    """``parse(text, path)`` with a per-file cache of parsed declarations."""

    def __init__(self) -> None:
        self._files: OrderedDict[str, list[_Piece]] = OrderedDict()

    def _pieces(self, text: str, path: str) -> list[_Piece]:
        bounds = textscan.declaration_starts(text)
        if not bounds or bounds[0] != 0:
            bounds = [0] + bounds
        bounds.append(len(text))
        previous: defaultdict[str, list[_Piece]] = defaultdict(list)
        for piece in self._files.pop(path, []):
            previous[piece.text].append(piece)
        pieces: list[_Piece] = []
        line = 0
        for start, end in zip(bounds, bounds[1:]):
            chunk = text[start:end]
            reusable = [p for p in previous.get(chunk, ()) if p.fits(line, start)]
            if reusable:
                piece = reusable[0]
                previous[chunk].remove(piece)
            else:
                piece = _Piece.parsed(chunk, path, text[:start], line)
            piece.move_to(line, start)
            pieces.append(piece)
            line += chunk.count("\n")
        self._files[path] = pieces
        while len(self._files) > MAX_FILES:
            self._files.popitem(last=False)
        return pieces

    @staticmethod
    def _assemble(path: str, pieces: list[_Piece]) -> ParseResult:
        spec = nodes.SpecFile(
            path=path,
            declarations=[d for p in pieces for d in p.result.spec.declarations],
            comments=[c for p in pieces for c in p.result.spec.comments],
        )
        return ParseResult(spec, [d for p in pieces for d in p.result.diagnostics])

    def parse(self, text: str, path: str) -> ParseResult:
        """The same result as ``agentspec.syntax.parser.parse(text, path)``."""
        pieces = self._pieces(text, path)
        failed = next((p for p in pieces if p.result.spec is None), None)
        if failed is None:
            return self._assemble(path, pieces)
        # The whole-file parser stops at the first error, which is in the first
        # piece that fails (the ones before it are complete declarations). If
        # that error is inside the piece, it is the whole file's error; report it
        # with the piece parsed where it stands. "Unexpected end of file" is not
        # (in the whole file, the text after the piece follows), nor is an
        # unterminated string (E002: a """ may close in a later piece).
        # Nesting too deep (E009) is checked on the whole text before parsing,
        # so it comes first even when a syntax error precedes the deep bracket
        # or the depth adds up across pieces.
        first = failed.result.diagnostics[0]
        if first.code == "E001" and not first.message.startswith(_END_OF_FILE) and nesting_too_deep(text) is None:
            in_place = parse(_blank(text[: failed.offset]) + failed.text, path)
            if in_place.spec is None:
                return in_place
        return parse(text, path)

    def parse_partial(self, text: str, path: str) -> ParseResult:
        """The declarations that parse, without the ones that do not (and no
        diagnostics): what navigation and completion use in a broken buffer."""
        pieces = [p for p in self._pieces(text, path) if p.result.spec is not None]
        return ParseResult(self._assemble(path, pieces).spec, [])
