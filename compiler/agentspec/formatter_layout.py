"""A small Wadler/Prettier-style layout engine for ``agentspec fmt``.

The formatter describes *what may break where* as a document tree; this module
decides, for each group, whether it fits on the rest of the line (flat) or is
laid out one item per line (broken), and prints the result. Keeping the
decision here, apart from the grammar knowledge in ``formatter_build``, is what
makes the layout predictable: the same document always prints the same way.

Documents are built from:

- ``str`` — text without newlines; a ``list`` — concatenation;
- ``Nest(n, doc)`` — lines inside ``doc`` are indented ``n`` more columns;
- ``LINE`` (a space when flat), ``SOFTLINE`` (nothing when flat) — newlines in a broken group;
- ``HARDLINE`` — always a newline; it breaks every enclosing group;
- ``LiteralLine(indent)`` — a newline inside a multi-line string: it never
  flushes pending trailing comments (they must not land inside the string),
  and with ``indent=False`` it starts the next line at column 0;
- ``Group(doc)`` — flat if it fits in the width, else broken;
- ``IfBreak(broken, flat)`` — e.g. a trailing comma only in the broken layout;
- ``LineSuffix(text)`` — a trailing comment: printed at the end of the current
  line, taking no width when deciding whether a group fits;
- ``BREAK_PARENT`` — forces every enclosing group to break.

Trailing spaces are never printed, and indentation is only printed before text,
so blank lines are empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

WIDTH = 100


@dataclass(eq=False)
class Nest:
    indent: int
    doc: "Doc"


@dataclass(eq=False)
class Line:
    soft: bool = False  # flat form: "" when soft, " " otherwise
    hard: bool = False  # always a newline


@dataclass(eq=False)
class LiteralLine:
    indent: bool = True


@dataclass(eq=False)
class Group:
    doc: "Doc"
    broken: bool = field(default=False)


@dataclass(eq=False)
class IfBreak:
    broken: "Doc"
    flat: "Doc" = ""


@dataclass(eq=False)
class LineSuffix:
    text: str


@dataclass(eq=False)
class BreakParent:
    pass


Doc = Union[str, list, Nest, Line, LiteralLine, Group, IfBreak, LineSuffix, BreakParent]

LINE = Line()
SOFTLINE = Line(soft=True)
HARDLINE = Line(hard=True)
BREAK_PARENT = BreakParent()

_FLAT, _BREAK = 0, 1


def propagate_breaks(doc: Doc) -> bool:
    """Mark every group that contains a hard line or BREAK_PARENT as broken.
    Returns whether ``doc`` itself contains one."""
    if isinstance(doc, str):
        return False
    if isinstance(doc, list):
        found = False
        for part in doc:
            found = propagate_breaks(part) or found
        return found
    if isinstance(doc, Group):
        if propagate_breaks(doc.doc):
            doc.broken = True
        return doc.broken
    if isinstance(doc, Nest):
        return propagate_breaks(doc.doc)
    if isinstance(doc, IfBreak):
        a = propagate_breaks(doc.broken)
        b = propagate_breaks(doc.flat)
        return a or b
    if isinstance(doc, Line):
        return doc.hard
    return isinstance(doc, (LiteralLine, BreakParent))


def _fits(item: tuple, rest: list, width: int) -> bool:
    """Whether ``item`` printed flat, followed by ``rest`` up to its first
    possible line break, fits in ``width`` columns."""
    stack = [item]
    rest_index = len(rest)
    while width >= 0:
        if not stack:
            if rest_index == 0:
                return True
            rest_index -= 1
            stack.append(rest[rest_index])
            continue
        indent, mode, doc = stack.pop()
        if isinstance(doc, str):
            width -= len(doc)
        elif isinstance(doc, list):
            stack.extend((indent, mode, d) for d in reversed(doc))
        elif isinstance(doc, Nest):
            stack.append((indent + doc.indent, mode, doc.doc))
        elif isinstance(doc, Group):
            stack.append((indent, _BREAK if doc.broken else mode, doc.doc))
        elif isinstance(doc, IfBreak):
            stack.append((indent, mode, doc.broken if mode == _BREAK else doc.flat))
        elif isinstance(doc, Line):
            if mode == _BREAK or doc.hard:
                return True
            if not doc.soft:
                width -= 1
        elif isinstance(doc, LiteralLine):
            return True
        # LineSuffix and BreakParent take no width
    return False


def render(doc: Doc, width: int = WIDTH) -> str:
    """Print ``doc``; groups are flat when they fit in ``width`` columns."""
    propagate_breaks(doc)
    out: list[str] = []
    column = 0
    pending_indent: int | None = None  # indentation owed before the next text
    suffixes: list[tuple] = []
    stack: list[tuple] = [(0, _BREAK, doc)]

    def trim() -> None:
        while out:
            kept = out[-1].rstrip(" ")
            if kept:
                out[-1] = kept
                return
            out.pop()

    while stack:
        indent, mode, d = stack.pop()
        if isinstance(d, str):
            if not d:
                continue
            if pending_indent is not None:
                out.append(" " * pending_indent)
                column = pending_indent
                pending_indent = None
            out.append(d)
            column += len(d)
        elif isinstance(d, list):
            stack.extend((indent, mode, part) for part in reversed(d))
        elif isinstance(d, Nest):
            stack.append((indent + d.indent, mode, d.doc))
        elif isinstance(d, Group):
            if d.broken:
                stack.append((indent, _BREAK, d.doc))
            elif mode == _FLAT:
                stack.append((indent, _FLAT, d.doc))
            else:
                flat = (indent, _FLAT, d.doc)
                stack.append(flat if _fits(flat, stack, width - column) else (indent, _BREAK, d.doc))
        elif isinstance(d, IfBreak):
            stack.append((indent, mode, d.broken if mode == _BREAK else d.flat))
        elif isinstance(d, LineSuffix):
            suffixes.append((indent, mode, d.text))
        elif isinstance(d, Line):
            if mode == _FLAT and not d.hard:
                if not d.soft:
                    out.append(" ")
                    column += 1
                continue
            if suffixes:  # print the trailing comments first, then come back to this line
                stack.append((indent, mode, d))
                stack.extend(reversed(suffixes))
                suffixes = []
                continue
            trim()
            out.append("\n")
            column = 0
            pending_indent = indent
        elif isinstance(d, LiteralLine):
            out.append("\n")
            column = 0
            pending_indent = indent if d.indent else None
        # BreakParent prints nothing
    out.extend(text for _, _, text in suffixes)
    return "".join(out)
