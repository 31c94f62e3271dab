"""Which interpreter the generated tests will run under, as far as the compiler cares.

``AGENTSPEC_INTERPRETER`` selects it for generated tests (``scripted``, the
default, or a live one: ``anthropic``, ``openai``; docs/live.md). The compiler
reads it for one rule: ``judge "..."`` without ``using`` needs a model, so it is
an error (E321) unless a live interpreter is selected. Because that changes the
diagnostics, the mode is part of the compile cache's fingerprint. A pytest
session that runs spec files directly selects it with
``--agentspec-interpreter`` too (``choose``, from ``agentspec.pytest_plugin``).
"""

from __future__ import annotations

import os

ENV_VAR = "AGENTSPEC_INTERPRETER"
LIVE_INTERPRETERS = ("anthropic", "openai")


_chosen: str | None = None


def choose(name: str | None) -> None:
    """Select the interpreter over the environment (None: the environment decides again)."""
    global _chosen
    _chosen = name


def live_interpreter() -> str | None:
    """The live interpreter selected (``choose``, else the environment), or None for scripted runs."""
    value = (_chosen if _chosen is not None else os.environ.get(ENV_VAR, "")).strip().lower()
    return value if value in LIVE_INTERPRETERS else None
