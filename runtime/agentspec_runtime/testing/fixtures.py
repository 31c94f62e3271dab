"""Handlers for tools that have no real implementation in a spec.

``returns(result)`` answers every call with (a copy of) ``result``;
``fails(message)`` makes every call fail with ``message`` — the runtime turns
the :class:`ToolFailure` into a tool result carrying ``error``, which is how a
spec tests recovery (``on_tool_failure``). ``override_handlers`` swaps handlers
in a finished spec, e.g. for one scenario's ``given`` fixtures.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, Callable

from ..errors import ToolFailure
from ..handlers import register_immediate
from ..jsonable import copy_value
from ..specs import RuntimeSpec, ToolSpec

Handler = Callable[..., Any]


def returns(result: Any) -> Handler:
    """An async handler returning a deep copy of ``result`` on every call."""
    frozen = copy.deepcopy(result)

    def answer(args: Any) -> Any:
        return copy_value(frozen)

    async def fixture_returns(args: Any, ctx: Any) -> Any:
        return answer(args)

    fixture_returns.__doc__ = f"Fixture: returns {result!r}"
    register_immediate(fixture_returns, answer)  # it awaits nothing, reads no ctx: the runtime calls answer
    return fixture_returns


def fails(message: str) -> Handler:
    """An async handler that fails every call with ``message``."""
    if not isinstance(message, str):
        raise TypeError(f"fails(message) needs a str, got {type(message).__name__}")

    def answer(args: Any) -> Any:
        raise ToolFailure(message)

    async def fixture_fails(args: Any, ctx: Any) -> Any:
        answer(args)

    fixture_fails.__doc__ = f"Fixture: fails with {message!r}"
    register_immediate(fixture_fails, answer)  # it awaits nothing, reads no ctx: the runtime calls answer
    return fixture_fails


def _replace(tools: Iterable[ToolSpec], handlers: dict[str, Handler]) -> tuple[ToolSpec, ...]:
    return tuple(tool.bind(handlers[tool.name]) if tool.name in handlers else tool for tool in tools)


def override_handlers(spec: RuntimeSpec, handlers: dict[str, Handler]) -> RuntimeSpec:
    """A copy of ``spec`` whose tools named in ``handlers`` use the given handlers.

    Every tool carrying the name is replaced, wherever it appears (an agent's
    tools or the runtime's tool bindings). An unknown tool name is a
    ``ValueError`` naming it.
    """
    known = {tool.name for agent in spec.agents for tool in agent.tools} | {tool.name for tool in spec.tool_bindings}
    for name, handler in handlers.items():
        if name not in known:
            raise ValueError(
                f"override_handlers: no tool named {name!r} in this runtime (tools: {', '.join(sorted(known)) or 'none'})"
            )
        if not callable(handler):
            raise TypeError(f"override_handlers: handler for {name!r} must be callable, got {handler!r}")
    agents = [agent.model_copy(update={"tools": _replace(agent.tools, handlers)}) for agent in spec.agents]
    return spec.model_copy(update={"agents": agents, "tool_bindings": _replace(spec.tool_bindings, handlers)})
