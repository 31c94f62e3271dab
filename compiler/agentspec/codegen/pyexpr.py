"""Python expressions as data, and the one place that turns them into source.

Generated code never contains text pasted from a spec. Every spec string,
number and object reaches the output through :func:`literal`, which emits a
Python literal that evaluates to exactly that value (``repr`` for strings, so
quotes, backslashes, newlines, ``{{`` and any unicode are safe), and every
name through :class:`Name`, whose identifiers come from
:mod:`agentspec.codegen.names` and are checked here once more. So whatever a
spec contains, the generated module means what the spec says and nothing else.

The IR builds expressions from these few node types; ``layout`` splits them
over lines as black would, and templates place the result.
"""

from __future__ import annotations

import keyword
import math
from dataclasses import dataclass
from typing import Any, Union

def is_dotted_name(text: str) -> bool:
    """``a`` or ``a.b.c``: identifiers (unicode allowed, as Python allows), no keywords."""
    parts = text.split(".")
    return all(p.isidentifier() and not keyword.iskeyword(p) for p in parts)


@dataclass(frozen=True)
class Name:
    """A reference to a name bound in the generated module (or ``a.b`` attribute access)."""

    id: str

    def __post_init__(self) -> None:
        if not is_dotted_name(self.id):
            raise ValueError(f"not a Python name: {self.id!r}")


@dataclass(frozen=True)
class Lit:
    """Plain data (str, int, float, bool, None, list, dict) emitted as a literal."""

    value: Any


@dataclass(frozen=True)
class Call:
    """``func(*args, **kwargs)``; ``kwargs`` is an ordered list of (keyword, value).

    The keyword ``"**"`` unpacks its value (``func(**value)``).
    """

    func: Expr
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()


@dataclass(frozen=True)
class ListOf:
    """A list display whose items are expressions (not just data)."""

    items: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class DictOf:
    """A dict display with literal keys and expression values."""

    items: tuple[tuple[Any, Expr], ...] = ()


@dataclass(frozen=True)
class Lambda:
    """``lambda: body`` (no parameters: a factory)."""

    body: Expr


Expr = Union[Name, Lit, Call, ListOf, DictOf, Lambda]


def call(func: str | Expr, *args: Any, **kwargs: Any) -> Call:
    """Build a call; plain Python values among the arguments become literals.

    Keyword arguments whose value is ``None`` are left out, so optional
    settings a spec does not use do not appear in the output.
    """
    target = Name(func) if isinstance(func, str) else func
    return Call(
        target,
        tuple(_expr(a) for a in args),
        tuple((k, _expr(v)) for k, v in kwargs.items() if v is not None),
    )


def _expr(value: Any) -> Expr:
    if isinstance(value, (Name, Lit, Call, ListOf, DictOf, Lambda)):
        return value
    return Lit(value)


def source(expr: Expr) -> str:
    """Python source for ``expr`` on one line (``layout`` splits it where needed)."""
    if isinstance(expr, Lit):
        return literal(expr.value)
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Call):
        parts = [source(a) for a in expr.args]
        for key, value in expr.kwargs:
            if key == "**":
                parts.append(f"**{source(value)}")
                continue
            if not key.isidentifier() or keyword.iskeyword(key):
                raise ValueError(f"not a keyword argument name: {key!r}")
            parts.append(f"{key}={source(value)}")
        return f"{source(expr.func)}({', '.join(parts)})"
    if isinstance(expr, ListOf):
        if len(expr.items) == 1 and isinstance(expr.items[0], Lit):
            return literal([expr.items[0].value])  # a lone string: black's bare concatenation
        return "[" + ", ".join(source(i) for i in expr.items) + "]"
    if isinstance(expr, DictOf):
        return "{" + ", ".join(f"{literal(k)}: {source(v)}" for k, v in expr.items) + "}"
    if isinstance(expr, Lambda):
        return f"lambda: {source(expr.body)}"
    raise TypeError(f"not an expression: {expr!r}")


def literal(value: Any) -> str:
    """A Python literal that evaluates to ``value`` (JSON-like data only).

    Strings use ``repr``; a string with several lines becomes an implicit
    concatenation of one literal per line, which reads like the prompt it is.
    Non-finite floats (a spec may write ``1e999``) become ``float("inf")``.
    """
    if value is None or value is True or value is False:
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return 'float("nan")'
        if math.isinf(value):
            return 'float("inf")' if value > 0 else '-float("inf")'
        return repr(float(value)).replace("e+", "e")  # 1e+16 → 1e16, as black writes it
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        if len(value) == 1 and isinstance(value[0], str):
            # black drops the parentheses of a lone implicit concatenation in a list
            return "[" + " ".join(string_pieces(value[0])) + "]"
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot emit {type(value).__name__} as a literal: {value!r}")


def _string(text: str) -> str:
    pieces = string_pieces(text)
    return pieces[0] if len(pieces) == 1 else "(" + " ".join(pieces) + ")"


def string_pieces(text: str) -> list[str]:
    """The literals a string is written as: one, or one per line when it has several lines."""
    lines = text.split("\n")
    if len(lines) <= 2 and not (len(lines) == 2 and lines[1]):
        return [quoted(text)]  # one line, or one line and a final newline
    pieces = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        pieces.append(lines[-1])
    return [quoted(p) for p in pieces]


def quoted(text: str) -> str:
    """``repr(text)``, in double quotes unless that needs more escapes (black's preference)."""
    written = repr(text)
    if written.startswith('"'):
        return written
    body = written[1:-1]
    if body.count('"') > body.count("\\'"):
        return written
    return '"' + body.replace("\\'", "'").replace('"', '\\"') + '"'
