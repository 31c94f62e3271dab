"""Lay expressions out exactly as black would, so that the output is black's by construction.

The compiler does not run black (it does not depend on it): the generated
files are written as black's stable style would write them, and a test
formats every kind of generated file — the example specs and hypothesis-made
hostile names, strings and numbers — with black and requires no change.

The rules are black's (stable style, line length ``render.LINE_LENGTH``),
for the constructs the output contains (calls, list and dict displays,
literals, ``lambda:``, one call applied to another's result):

* an expression that fits on its line stays on one line;
* otherwise the last bracket is split: if everything inside fits on one
  line, it goes there ("hugging" the brackets); if not, one item per line,
  each followed by a comma (with a single item, no comma);
* implicit string concatenations split one string per line, without commas;
* ``f(...)(g)``: split the last brackets if what comes before them fits on the
  line, else the first call's (keeping ``)(g)`` on its closing line);
* an assignment whose first line would still be too long (a long name) has its
  value wrapped in parentheses, if every line then fits (``assigned``).

Widths are counted as black counts them (``textwidth``).
"""

from __future__ import annotations

from typing import Any

from agentspec.codegen.pyexpr import Call, DictOf, Expr, Lambda, ListOf, Lit, literal, source, string_pieces
from agentspec.codegen.textwidth import str_width

INDENT = 4


def layout(expr: Expr, line_length: int, indent: int = 0, column: int | None = None, tail: int = 0) -> str:
    """Source for ``expr`` starting at ``column`` on a line indented by ``indent``,
    followed by ``tail`` more characters on its last line."""
    column = indent if column is None else column
    flat = source(expr)
    if column + str_width(flat) + tail <= line_length:
        return flat
    return _Layout(line_length).split(expr, indent, column, tail, flat)


def assigned(expr: Expr, line_length: int, indent: int, column: int) -> str:
    """``expr`` as the value of an assignment: laid out to start at ``column`` on a
    line indented by ``indent`` (just after ``name = ``).

    black's "second opinion": when the usual split leaves a first line that is
    still too long (a long name before the ``=``), the value is wrapped in
    parentheses instead — provided every line then fits.
    """
    flat = source(expr)
    if column + str_width(flat) <= line_length:
        return flat
    if _ends_in_empty_brackets(expr):
        # nothing to split inside the last brackets (``f()``, ``[]``): black wraps
        # the value in parentheses, whether or not it then fits
        return f"(\n{' ' * (indent + INDENT)}{flat}\n{' ' * indent})"
    text = layout(expr, line_length, indent, column)
    if column + str_width(text.split("\n", 1)[0]) <= line_length:
        return text
    inner = layout(expr, line_length, indent + INDENT)
    lines = inner.split("\n")
    fits = column + 1 <= line_length and indent + INDENT + str_width(lines[0]) <= line_length
    if fits and all(str_width(line) <= line_length for line in lines[1:]):
        return f"(\n{' ' * (indent + INDENT)}{inner}\n{' ' * indent})"
    return text


def _ends_in_empty_brackets(expr: Expr) -> bool:
    if isinstance(expr, Call):
        return not expr.args and not expr.kwargs
    if isinstance(expr, (ListOf, DictOf)):
        return not expr.items
    return isinstance(expr, Lit) and expr.value in ([], {})


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
            items = [_Item(v, literal(k) + ": ", k) for k, v in expr.items]
            return self.bracket("{", items, "}", indent, display=True)
        if isinstance(expr, Lit):
            return self.data(expr.value, indent, flat)
        return flat  # a name: nothing to split

    def call(self, expr: Call, indent: int, column: int, tail: int) -> str:
        items = [_Item(a) for a in expr.args] + [_Item(v, "**" if k == "**" else f"{k}=") for k, v in expr.kwargs]
        if isinstance(expr.func, Call):
            # define_tool(...)(handler): black first splits the last brackets, if what
            # comes before them fits on the line; else it splits the first call and
            # keeps the second on its closing line
            callee = source(expr.func)
            if self.fits(column, callee + "("):
                return self.bracket(callee + "(", items, ")", indent)
            arguments = "(" + ", ".join(item.flat() for item in items) + ")"
            # (black measures this in characters, not display width), and the
            # first call's own opening line fits
            inner_head = source(expr.func.func) + "("
            if indent + 1 + len(arguments) + tail <= self.width and self.fits(column, inner_head):
                return self.call(expr.func, indent, column, len(arguments) + tail) + arguments
            head = self.call(expr.func, indent, column, 1)
        else:
            head = source(expr.func)
        return self.bracket(head + "(", items, ")", indent)

    def data(self, value: Any, indent: int, flat: str) -> str:
        if isinstance(value, list):
            return self.bracket("[", [_Item(Lit(v)) for v in value], "]", indent, display=True)
        if isinstance(value, dict):
            items = [_Item(Lit(v), literal(k) + ": ", k) for k, v in value.items()]
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
        lone = items[0].value if len(items) == 1 and opener == "[" else None
        if isinstance(lone, Lit) and isinstance(lone.value, str):
            body = " ".join(string_pieces(lone.value))  # black drops a lone concatenation's parentheses
        if (len(items) == 1 or not display) and self.fits(inner, body):
            return opener + "\n" + pad + body + end
        if len(items) == 1:
            return opener + "\n" + pad + items[0].render(self, inner, 0) + end
        lines = [pad + item.render(self, inner, 1) + "," for item in items]
        return opener + "\n" + "\n".join(lines) + end


class _Item:
    """One element between brackets: ``value``, ``key=value`` or ``"key": value``."""

    def __init__(self, value: Expr, prefix: str = "", key: Any = None) -> None:
        self.value = value
        self.prefix = prefix
        self.key = key  # a dict item's key

    def flat(self) -> str:
        return self.prefix + source(self.value)

    def render(self, layout: _Layout, indent: int, tail: int) -> str:
        column = indent + str_width(self.prefix)
        if not self.prefix.startswith("("):
            return self.prefix + layout.expr(self.value, indent, column, tail)
        # The key is an implicit concatenation in parentheses (a key with several
        # lines): black splits the key's parentheses too when the line needs it.
        value = source(self.value)
        if layout.fits(indent, self.prefix + value, tail):
            return self.prefix + value
        key = layout.data(self.key, indent, self.prefix[: -len(": ")]) + ": "
        if value[-1:] not in (")", "]", "}"):  # nothing else to split: split the key
            return key + value
        split = layout.split(self.value, indent, column, tail, value)
        if layout.fits(column, split.split("\n", 1)[0]):
            return self.prefix + split
        # black keeps the value whole after the key's closing parenthesis when that
        # line fits (measured in characters), else splits both
        if indent + len("): " + value) + tail <= layout.width:
            return key + value
        return key + layout.split(self.value, indent, indent + len("): "), tail, value)
