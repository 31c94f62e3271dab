"""The ``ctx`` a tool handler (or approval predicate) receives.

It is a read-only mapping with at least ``tool_use_id`` and ``services`` (the
``services=`` mapping given to ``create_runtime``), plus ``agent``,
``thread_id``, ``resource_id`` and ``references`` (the published reference
client: ``await ctx.references.create(spec, value)`` / ``resolve(ref)`` /
``glimpse(ref)``, see ``references.py``); predicates also get ``target`` (the
tool name or plan id) and ``kind`` (``"tool"`` or ``"plan"``). Each service is
reachable as ``ctx.NAME`` and ``ctx["NAME"]`` as well, which is how handlers
written against the harness use them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

#: Keys every context has; a service may not use one of these names.
RESERVED_KEYS = frozenset(
    {"tool_use_id", "services", "references", "agent", "thread_id", "resource_id", "target", "kind"}
)


class ToolContext(Mapping[str, Any]):
    """Mapping + attribute access over the context values and the services."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any], services: Mapping[str, Any]) -> None:
        merged = dict(services)
        merged.update(values)
        merged["services"] = services
        object.__setattr__(self, "_values", merged)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"tool context has no {name!r} (keys: {', '.join(sorted(self._values))})") from None

    def as_dict(self) -> dict[str, Any]:
        """The context as a plain dict (services included), as the published context gives it."""
        return dict(self._values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a tool context is read-only")

    def __repr__(self) -> str:
        shown = {k: v for k, v in self._values.items() if k != "services"}
        return f"ToolContext({shown!r})"


#: Names ``ctx.NAME`` resolves to a mapping method (``get``, ``keys``, …) rather
#: than a value, so a service with one of them would be unreachable as ``ctx.NAME``.
MAPPING_ATTRIBUTES = frozenset(name for name in dir(ToolContext) if not name.startswith("_"))
