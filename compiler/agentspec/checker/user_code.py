"""E110: every import path a spec names (handlers, predicates, services,
dispatchers, judges) must resolve on the project's Python path.

The lookup itself, which never imports or runs user code, is
``agentspec.import_targets``; this module finds the paths in a spec and turns
what does not resolve into diagnostics (with a quick fix when a part is
misspelt).
"""

from __future__ import annotations

import keyword
from pathlib import Path

from agentspec.checker.declarations import IMPORT_PATH  # the E209 form: malformed paths are E209's
from agentspec.diagnostics import Diagnostic, error, replace_fix
from agentspec.import_targets import check_import_target
from agentspec.loader import Program
from agentspec.pythonpath import search_path
from agentspec.syntax import nodes


def _import_paths(spec: nodes.SpecFile):
    """(what, ImportPath) for every import path written in ``spec``."""
    for decl in spec.declarations:
        if decl.kind == "tool":
            if decl.handler is not None:
                yield "handler", decl.handler
            if decl.approval is not None and decl.approval.predicate is not None:
                yield "approval predicate", decl.approval.predicate
        elif decl.kind == "service":
            yield "service factory", decl.factory
        elif decl.kind == "dispatcher":
            yield "dispatcher", decl.target
        elif decl.kind == "scenario":
            for given in decl.givens:
                if given.handler is not None:
                    yield "handler", given.handler
            for service in decl.services:
                yield "service factory", service.factory
            if decl.dispatcher is not None:
                yield "dispatcher", decl.dispatcher
            for expectation in decl.expectations:
                if expectation.kind == "judge" and expectation.judge is not None:
                    yield "judge", expectation.judge


def check_user_code(program: Program, extra_path: list[str] = (), only: str | None = None) -> list[Diagnostic]:
    """E110 for every well-formed import path of ``program`` (of the file ``only``, if given) that does not resolve."""
    diagnostics: list[Diagnostic] = []
    searches: dict[str, list[Path]] = {}
    for path, what, target in _checked_paths(program, only):
        if path not in searches:
            searches[path] = [entry for entry in search_path(path, list(extra_path)) if entry.is_dir()]
        problem = check_import_target(target.path, searches[path])
        if problem is not None:
            message, hint, corrected = problem
            fixes = [replace_fix(f'Change to "{corrected}"', path, target.span, f'"{corrected}"')] if corrected else []
            diagnostics.append(error("E110", f'{what} "{target.path}": {message}', path, target.span, hint, fixes))
    return diagnostics


def user_code_paths(program: Program) -> list[tuple[str, str]]:
    """(spec file, ``"module:attribute"``) of every import path ``check_user_code`` looks up
    (the pytest plugin's cache looks them up again before it trusts an earlier check)."""
    return [(path, target.path) for path, _, target in _checked_paths(program)]


def _checked_paths(program: Program, only: str | None = None):
    """(spec file, what, ImportPath) for every well-formed import path (malformed ones are E209's)."""
    for path in sorted(program.files) if only is None else [only]:
        for what, target in _import_paths(program.files[path]):
            text = target.path
            if not IMPORT_PATH.fullmatch(text) or any(keyword.iskeyword(p) for p in text.replace(":", ".").split(".")):
                continue
            yield path, what, target
