"""The pytest plugin generated tests run under (entry point ``pytest11: agentspec``).

``--agentspec-interpreter {scripted,anthropic,openai}`` selects the interpreter
for generated tests (default: ``AGENTSPEC_INTERPRETER``, else ``scripted``);
``--agentspec-concurrency N`` bounds how many runs of one scenario wait on the
network at once in live mode. See ``agentspec_runtime.live.selection``.
"""

from __future__ import annotations

from typing import Any

from .live import selection

# pytest is imported where it is needed, not here: importing it loads pygments, and the runtime's
# modules import no compiler dependency (tests/test_runtime_imports.py)


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("agentspec", "agentspec generated tests")
    group.addoption(
        "--agentspec-interpreter",
        choices=selection.CHOICES,
        default=None,
        help=f"interpreter for generated tests (default: ${selection.INTERPRETER_ENV}, else scripted); "
        "anthropic/openai run every scenario against the real model",
    )
    group.addoption(
        "--agentspec-concurrency",
        type=int,
        default=None,
        help=f"live mode: runs of one scenario that wait on the network at once "
        f"(default: ${selection.CONCURRENCY_ENV}, else {selection.DEFAULT_CONCURRENCY})",
    )


def pytest_configure(config: Any) -> None:
    try:
        selection.choose(
            interpreter=config.getoption("agentspec_interpreter"),
            concurrency=config.getoption("agentspec_concurrency"),
        )
        selection.selected_interpreter()  # a bad environment value is a usage error now, not in every test
        selection.concurrency()
    except ValueError as exc:
        import pytest

        raise pytest.UsageError(str(exc)) from None


def pytest_unconfigure(config: Any) -> None:
    selection.choose()


def pytest_report_header(config: Any) -> str | None:
    try:
        name = selection.selected_interpreter()
    except ValueError:
        return None
    if name == "scripted":
        return None
    return f"agentspec: live interpreter {name}, concurrency {selection.concurrency()}"
