"""The judge's model call through the live provider adapters (``agentspec_runtime.live``).

Kept apart from ``judge`` so the judge logic never imports an SDK.
"""

from __future__ import annotations

import os
from typing import Callable

from .judge import Complete

ENV_VAR = "AGENTSPEC_INTERPRETER"
LIVE_INTERPRETERS = ("anthropic", "openai")


def completion_for(runtime_factory: Callable[[], object], agent: str | None) -> tuple[Complete | None, str]:
    """A ``complete(system, user)`` for the entry agent's model, or (None, why not)."""
    try:
        from .live.selection import selected_interpreter  # honours --agentspec-interpreter too
    except ImportError:
        interpreter = os.environ.get(ENV_VAR, "").strip().lower() or "scripted"
    else:
        interpreter = selected_interpreter()
    if interpreter not in LIVE_INTERPRETERS:
        return None, (
            f"judge without `using` needs a model, and this run uses the {interpreter} interpreter: "
            f"set {ENV_VAR}=anthropic or openai, or give the judge a function with `using`"
        )
    return None, (
        "judge without `using`: this build of agentspec_runtime has no live provider adapters "
        "to ask the model (agentspec_runtime.live)"
    )
