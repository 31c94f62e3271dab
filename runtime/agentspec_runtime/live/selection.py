"""Choosing live mode for generated tests without editing specs.

The interpreter comes from the pytest option ``--agentspec-interpreter``
(see ``agentspec_runtime.pytest_plugin``), else the environment variable
``AGENTSPEC_INTERPRETER``, else ``scripted``. Generated tests build their
runtime with ``build_runtime(**live_or(interpreter="scripted"))`` (or
``live_or(testing={...})`` for a mocked response): under a live interpreter
that is ``{"interpreter": "anthropic"}``, so ``run`` blocks and
``mock_response`` are not replayed and the model answers the scenario's input
(``RuntimeAdapter`` sends its ``script`` only to the scripted interpreter).

The concurrency bound (``--agentspec-concurrency``, ``AGENTSPEC_CONCURRENCY``,
default :data:`DEFAULT_CONCURRENCY`) is how many runs of one scenario
(``runs`` in the spec's suite) wait on the network at once in live mode.

Nothing here imports an SDK.
"""

from __future__ import annotations

import os
from typing import Any

INTERPRETER_ENV = "AGENTSPEC_INTERPRETER"
CONCURRENCY_ENV = "AGENTSPEC_CONCURRENCY"
CHOICES = ("scripted", "anthropic", "openai")
LIVE = ("anthropic", "openai")
DEFAULT_CONCURRENCY = 4

#: What the pytest plugin chose (it wins over the environment); empty outside pytest.
_chosen: dict[str, Any] = {}


def check_interpreter(name: str, source: str) -> str:
    if name not in CHOICES:
        raise ValueError(f"{source}={name!r} is not an interpreter; choose one of {', '.join(CHOICES)}")
    return name


def check_concurrency(value: Any, source: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ValueError(f"{source}={value!r} must be a whole number of at least 1")
    return number


def choose(*, interpreter: str | None = None, concurrency: int | None = None) -> None:
    """Set (or, with ``None``, clear) the choices that win over the environment."""
    _chosen.clear()
    if interpreter is not None:
        _chosen["interpreter"] = check_interpreter(interpreter, "--agentspec-interpreter")
    if concurrency is not None:
        _chosen["concurrency"] = check_concurrency(concurrency, "--agentspec-concurrency")


def selected_interpreter() -> str:
    """``scripted`` (the default), ``anthropic`` or ``openai``."""
    if "interpreter" in _chosen:
        return _chosen["interpreter"]
    value = os.environ.get(INTERPRETER_ENV, "").strip()
    return check_interpreter(value, INTERPRETER_ENV) if value else "scripted"


def is_live() -> bool:
    return selected_interpreter() in LIVE


def concurrency() -> int:
    if "concurrency" in _chosen:
        return _chosen["concurrency"]
    value = os.environ.get(CONCURRENCY_ENV, "").strip()
    return check_concurrency(value, CONCURRENCY_ENV) if value else DEFAULT_CONCURRENCY


def live_or(**options: Any) -> dict[str, Any]:
    """``{"interpreter": NAME}`` when a live interpreter is selected, else ``options`` (for ``create_runtime``)."""
    name = selected_interpreter()
    return {"interpreter": name} if name in LIVE else options
