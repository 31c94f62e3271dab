"""Lowered IR with equal expressions made one object, for storing (the pytest plugin's spec units).

The lowering builds a fresh node for every use: each scenario has its own
``Name("scenario.expect_output")``, its own ``Lit("gold")``, its own
``run_scenario(scenario, adapter)`` call, though a spec file's scenarios share
most of them. Expression nodes are immutable (frozen dataclasses, and a
``Lit``'s data is copied each time it is evaluated), so equal ones can be one
object; pickle then writes each once and a stored unit loads as about half as
many objects — fewer to build, and fewer for the cycle collector to walk while
pytest collects (docs/performance.md).

Two nodes are made one only when they would render and evaluate the same:
``Lit(1)``, ``Lit(True)``, ``Lit(1.0)`` and ``Lit(-0.0)`` stay apart (Python
calls some of them equal), and a ``Lit`` holding a list or a dict is left as it is.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from agentspec.codegen.pyexpr import Call, DictOf, Lambda, ListOf, Lit, Name

#: Literal data shared by type and written form (``repr`` tells ``0.0`` from ``-0.0``)
_ATOMS = (str, int, float, bool, type(None))


def shared(value: Any) -> Any:
    """``value`` (IR: dataclasses, lists, tuples, expressions) with equal expressions made one object."""
    return _Sharer().share(value)


class _Sharer:
    def __init__(self) -> None:
        # keys name a node's kind and its parts; parts that are nodes are already shared, so by id
        # (a node in the table holds its parts, so no id in a key is reused while sharing)
        self.nodes: dict[tuple[Any, ...], Any] = {}

    def one(self, key: tuple[Any, ...], node: Any) -> Any:
        return self.nodes.setdefault(key, node)

    def share(self, value: Any) -> Any:
        kind = type(value)
        if kind is Lit:
            data = value.value
            if type(data) in _ATOMS:
                return self.one((Lit, type(data), data if type(data) is str else repr(data)), value)
            return value
        if kind is Name:
            return self.one((Name, value.id), value)
        if kind is Call:
            func = self.share(value.func)
            args = tuple(self.share(a) for a in value.args)
            kwargs = tuple((key, self.share(v)) for key, v in value.kwargs)
            key = (Call, id(func), tuple(map(id, args)), tuple((k, id(v)) for k, v in kwargs))
            return self.one(key, Call(func, args, kwargs))
        if kind is ListOf:
            items = tuple(self.share(i) for i in value.items)
            return self.one((ListOf, tuple(map(id, items))), ListOf(items))
        if kind is DictOf:
            return DictOf(tuple((key, self.share(v)) for key, v in value.items))
        if kind is Lambda:
            body = self.share(value.body)
            return self.one((Lambda, id(body)), Lambda(body))
        if kind is list:
            return [self.share(v) for v in value]
        if kind is tuple:
            return tuple(self.share(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):  # the IR's containers
            parts = {f.name: self.share(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
            return dataclasses.replace(value, **parts)
        return value
