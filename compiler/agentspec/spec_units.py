"""One spec file as the pytest plugin runs it: loaded, checked and lowered, cached by content.

``unit_for(path)`` does for one file what ``agentspec check`` then
``agentspec compile`` do for it — the same loader, checker (imports of user
code included, read and never run) and lowering (``codegen.lower``) — and
keeps the result in process, keyed by the text of the file and of every file
it imports. Parses are cached by (path, text), so a file imported by several
specs (``common.agentspec``) is parsed once per session, and an unchanged
file costs a read and a hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from agentspec.codegen import Lowered


@dataclass(frozen=True)
class SpecUnit:
    """What the plugin needs of one spec file."""

    path: str
    errors: str | None  # the diagnostics as `agentspec check` prints them, when any is an error
    warnings: str | None  # the same, when there are only warnings
    lowered: Lowered | None  # None when there are errors


def unit_for(path: str) -> SpecUnit:
    """``path`` checked and lowered (``path`` as diagnostics and spec lines should show it)."""
    from agentspec.loader import load

    program = load([path], parse_file=_parse)
    key = (path, hashlib.sha256(repr(sorted(program.sources.items())).encode("utf-8", "surrogatepass")).hexdigest())
    return _unit(key, program)


_units: dict[tuple[str, str], SpecUnit] = {}


def _unit(key: tuple[str, str], program) -> SpecUnit:
    if key not in _units:
        _units[key] = _check_and_lower(key[0], program)
    return _units[key]


def _check_and_lower(path: str, program) -> SpecUnit:
    from agentspec.checker import check
    from agentspec.checker.user_code import check_user_code
    from agentspec.codegen import CodegenError, lower
    from agentspec.commands.reporting import make_report
    from agentspec.diagnostics import has_errors, sort_diagnostics

    diagnostics = sort_diagnostics(
        list(program.diagnostics) + list(check(program)) + check_user_code(program)
    )
    report = make_report(program, diagnostics)
    shown = f"{report.text}\n\n{report.summary}" if report.text else None
    if has_errors(diagnostics):
        return SpecUnit(path, shown, None, None)
    try:
        (lowered,) = lower(program)
    except CodegenError as exc:  # the checker should have said: a compiler bug, shown as one
        return SpecUnit(path, f"agentspec: cannot generate code: {exc}", None, None)
    return SpecUnit(path, None, shown, lowered)


@lru_cache(maxsize=None)
def _parse(text: str, path: str):
    from agentspec.syntax.parser import parse

    return parse(text, path)
