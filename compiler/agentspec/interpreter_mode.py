"""Which interpreter the generated tests will run under, as far as the compiler cares.

``AGENTSPEC_INTERPRETER`` selects it for generated tests (``scripted``, the
default, or a live one: ``anthropic``, ``openai``; docs/live.md). The compiler
reads it for one rule: ``judge "..."`` without ``using`` needs a model, so it is
an error (E321) unless a live interpreter is selected. Because that changes the
diagnostics, the mode is part of the compile cache's fingerprint. A pytest
session that runs spec files directly selects it with
``--agentspec-interpreter`` too (``choose``, from ``agentspec.pytest_plugin``).
``interpreter`` in ``[tool.agentspec]`` is the default when neither says
(``set_default``, from the command line).
"""

from __future__ import annotations

import os

ENV_VAR = "AGENTSPEC_INTERPRETER"
LIVE_INTERPRETERS = ("anthropic", "openai")


_chosen: str | None = None
_default: str | None = None


def choose(name: str | None) -> None:
    """Select the interpreter over the environment (None: the environment decides again)."""
    global _chosen
    _chosen = name


def set_default(name: str | None) -> str | None:
    """The interpreter assumed when neither ``choose`` nor the environment selects one;
    returns the previous default (to restore it)."""
    global _default
    previous, _default = _default, name
    return previous


def live_interpreter() -> str | None:
    """The live interpreter selected (``choose``, else the environment, else the
    configured default), or None for scripted runs."""
    value = _chosen if _chosen is not None else os.environ.get(ENV_VAR, "").strip() or (_default or "")
    value = value.strip().lower()
    return value if value in LIVE_INTERPRETERS else None
