"""The fuzz targets: what each one feeds, and what counts as a failure.

A target's ``check(input)`` returns a short outcome label (counted, e.g.
``"syntax error"``, ``"compiled"``) and raises on a failure: any exception
escaping the component under test is an internal error (bad input must give
diagnostics, error events or error results, never a traceback), and a broken
property (formatting not idempotent, output not deterministic, a stream with
no end) raises ``Violation``. Inputs are plain JSON values, so a failing one
can be saved as a regression file and replayed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Violation(AssertionError):
    """A property of the component does not hold for this input."""


@dataclass(frozen=True)
class Target:
    name: str
    about: str
    strategy: Callable[[], Any]  # -> a hypothesis strategy of JSON values (built lazily: imports are slow)
    check: Callable[[Any], str]
    warm_up: Callable[[], Any] | None = None  # one untimed run: imports, parser tables


def _checker() -> Target:
    from fuzz.targets import checker

    return checker.TARGET


def _formatter() -> Target:
    from fuzz.targets import formatter

    return formatter.TARGET


def _codegen() -> Target:
    from fuzz.targets import codegen

    return codegen.TARGET


def _lsp() -> Target:
    from fuzz.targets import lsp

    return lsp.TARGET


def _runtime() -> Target:
    from fuzz.targets import runtime

    return runtime.TARGET


LOADERS: dict[str, Callable[[], Target]] = {
    "checker": _checker,
    "formatter": _formatter,
    "codegen": _codegen,
    "lsp": _lsp,
    "runtime": _runtime,
}
NAMES = list(LOADERS)


def load(name: str) -> Target:
    return LOADERS[name]()
