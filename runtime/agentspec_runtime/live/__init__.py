"""Live interpreters: the agents' steps are answered by a real model.

``create_runtime(spec, interpreter="anthropic")`` (official ``anthropic`` SDK,
Messages API) or ``interpreter="openai"`` (official ``openai`` SDK, Chat
Completions). The SDKs are optional extras; without them the runtime imports
and works, and choosing a live interpreter raises :class:`MissingExtra`
naming the extra to install. Modules: ``settings`` (provider key, base URL,
timeout, retries), ``anthropic`` / ``openai`` (the adapters), ``retry``,
``failures``, ``loop`` (the interpreter), ``selection`` (choosing live mode
for generated tests without editing specs).
"""

from __future__ import annotations

import importlib
from typing import Any

#: Live interpreter name → (the SDK module it needs, the extra that installs it).
LIVE_INTERPRETERS = {
    "anthropic": ("anthropic", "agentspec-runtime[anthropic]"),
    "openai": ("openai", "agentspec-runtime[openai]"),
}


class MissingExtra(ImportError):
    """A live interpreter was chosen but its SDK is not installed."""


def require_sdk(name: str) -> None:
    module, extra = LIVE_INTERPRETERS[name]
    try:
        importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"interpreter {name!r} needs the official {module!r} SDK, which is not installed; "
            f"install it with: pip install '{extra}'"
        ) from None


def live_interpreter(name: str, declared: Any = None, **options: Any) -> Any:
    """The live interpreter ``name`` (``anthropic`` or ``openai``); see ``loop.LiveInterpreter``."""
    require_sdk(name)
    from .loop import LiveInterpreter

    return LiveInterpreter(name, declared, **options)


__all__ = ["LIVE_INTERPRETERS", "MissingExtra", "live_interpreter", "require_sdk"]
