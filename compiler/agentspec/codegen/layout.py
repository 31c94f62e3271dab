"""Lay expressions out the way black would, so that black has little left to do.

black is the authority on the output's format and always runs (``render``);
this module only saves it work. black's cost grows with how far its input is
from the result: a statement written on one 400-character line makes it try
split after split, while a statement already split where black would split it
costs little more than parsing. On a large spec tree this halves compile time.

The rules are black's (stable style, as configured in ``render``):

* an expression that fits on its line stays on one line;
* otherwise the outermost bracket is split: if everything inside fits on one
  line, it goes there ("hugging" the brackets); if not, one item per line,
  each followed by a comma (with a single item, no comma);
* implicit string concatenations split one string per line, without commas.

Where this guesses differently from black, black's own answer is used: the
output is always ``black.format_str`` of the input. A test checks that every
generated file is already black's fixed point.
"""

from __future__ import annotations

from typing import Any

from black.strings import str_width

from agentspec.codegen.pyexpr import Call, DictOf, Expr, Lambda, ListOf, Lit, literal, source, string_pieces

INDENT = 4


def layout(expr: Expr, line_length: int, indent: int = 0, column: int | None = None, tail: int = 0) -> str:
    """Source for ``expr`` starting at ``column`` on a line indented by ``indent``,
    followed by ``tail`` more characters on its last line."""
    column = indent if column is None else column
    flat = source(expr)
    if column + str_width(flat) + tail <= line_length:
        return flat
    return _Layout(line_length).split(expr, indent, column, tail, flat)


class _Layout:
    def __init__(self, line_length: int) -> None:
        self.width = line_length

    def fits(self, column: int, text: str, tail: int = 0) -> bool:
        return "\n" not in text and column + str_width(text) + tail <= self.width

    def expr(self, expr: Expr, indent: int, column: int, tail: int) -> str:
        flat = source(expr)
        if self.fits(column, flat, tail):
            return flat
        return self.split(expr, indent, column, tail, flat)

    def split(self, expr: Expr, indent: int, column: int, tail: int, flat: str) -> str:
        if isinstance(expr, Lambda):
            return "lambda: " + self.expr(expr.body, indent, column + len("lambda: "), tail)
        if isinstance(expr, Call):
            return self.call(expr, indent, column, tail)
        if isinstance(expr, ListOf):
            return self.bracket("[", [_Item(i) for i in expr.items], "]", indent, display=True)
        if isinstance(expr, DictOf):
            items = [_Item(v, literal(k) + ": ") for k, v in expr.items]
            return self.bracket("{", items, "}", indent, display=True)
        if isinstance(expr, Lit):
            return self.data(expr.value, indent, flat)
        return flat  # a name: nothing to split

    def call(self, expr: Call, indent: int, column: int, tail: int) -> str:
        items = [_Item(a) for a in expr.args] + [_Item(v, f"{k}=") for k, v in expr.kwargs]
        if isinstance(expr.func, Call):
            # define_tool(...)(handler): split the first call, keep the second on its closing line
            arguments = "(" + ", ".join(item.flat() for item in items) + ")"
            if self.fits(indent + 1, arguments, tail):
                return self.call(expr.func, indent, column, len(arguments) + tail) + arguments
            head = self.call(expr.func, indent, column, 1)
        else:
            head = source(expr.func)
        return self.bracket(head + "(", items, ")", indent)

    def data(self, value: Any, indent: int, flat: str) -> str:
        if isinstance(value, list):
            return self.bracket("[", [_Item(Lit(v)) for v in value], "]", indent, display=True)
        if isinstance(value, dict):
            items = [_Item(Lit(v), literal(k) + ": ") for k, v in value.items()]
            return self.bracket("{", items, "}", indent, display=True)
        if isinstance(value, str) and flat.startswith("("):
            # an implicit concatenation, one literal per line of text; black hugs it when it fits
            pieces = string_pieces(value)
            inner = " " * (indent + INDENT)
            joined = " ".join(pieces)
            if self.fits(indent + INDENT, joined):
                return "(\n" + inner + joined + "\n" + " " * indent + ")"
            return "(\n" + "\n".join(inner + p for p in pieces) + "\n" + " " * indent + ")"
        return flat

    def bracket(self, opener: str, items: list[_Item], closer: str, indent: int, display: bool = False) -> str:
        """Split a bracket pair. A list or dict display (``display``) with several
        items is always one item per line; call arguments may hug."""
        inner = indent + INDENT
        pad = " " * inner
        end = "\n" + " " * indent + closer
        if not items:
            return opener + closer
        body = ", ".join(item.flat() for item in items)
        if (len(items) == 1 or not display) and self.fits(inner, body):
            return opener + "\n" + pad + body + end
        if len(items) == 1:
            return opener + "\n" + pad + items[0].render(self, inner, 0) + end
        lines = [pad + item.render(self, inner, 1) + "," for item in items]
        return opener + "\n" + "\n".join(lines) + end


class _Item:
    """One element between brackets: ``value``, ``key=value`` or ``"key": value``."""

    def __init__(self, value: Expr, prefix: str = "") -> None:
        self.value = value
        self.prefix = prefix

    def flat(self) -> str:
        return self.prefix + source(self.value)

    def render(self, layout: _Layout, indent: int, tail: int) -> str:
        return self.prefix + layout.expr(self.value, indent, indent + str_width(self.prefix), tail)
