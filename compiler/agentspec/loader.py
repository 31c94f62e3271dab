"""Find, read and parse spec files, following ``import`` declarations.

``discover(paths)`` (from ``agentspec.paths``) expands directories; ``load(paths)``
parses every file once, resolves each ``import "x.agentspec"`` relative to
the importing file, and reports unreadable files, missing imports and import
cycles as diagnostics. Paths are kept as the user wrote them (normalised), so
diagnostics read ``specs/travel.agentspec:12:3``.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from agentspec.syntax import nodes
from agentspec.diagnostics import Diagnostic, closest, error, replace_fix
from agentspec.source_files import read_source
from agentspec.syntax.parser import ParseResult, parse
from agentspec.paths import SPEC_SUFFIX


@dataclass
class Program:
    """Every file parsed in one run, and what went wrong reading them."""

    roots: list[str]  # the files the user asked for, sorted
    files: dict[str, nodes.SpecFile] = field(default_factory=dict)  # only files that parsed
    sources: dict[str, str] = field(default_factory=dict)
    imports: dict[str, list[str]] = field(default_factory=dict)  # file -> files it imports directly
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def visible(self, path: str) -> list[nodes.SpecFile]:
        """``path`` first, then every file it imports, transitively, each once."""
        order: dict[str, None] = {}  # insertion-ordered set: the checker calls this per file, per file
        queue = deque([path])
        while queue:
            current = queue.popleft()
            if current in order or current not in self.files:
                continue
            order[current] = None
            queue.extend(self.imports.get(current, []))
        return [self.files[p] for p in order]


def load(
    paths: list[str],
    overrides: dict[str, str] | None = None,
    parse_file: Callable[[str, str], ParseResult] = parse,
) -> Program:
    """Parse ``paths`` (already discovered) and everything they import.

    ``overrides`` maps a path to unsaved text (the language server's open buffers).
    ``parse_file`` replaces ``parse`` (the language server passes a cached,
    incremental parser that gives the same results).
    """
    overrides = overrides or {}
    program = Program(roots=list(paths))
    pending = list(paths)
    while pending:
        path = pending.pop(0)
        if path in program.sources or path in program.files:
            continue
        if path in overrides:
            text: str | None = overrides[path]
        else:
            text, problem = read_source(path)
            if problem:
                program.diagnostics.append(problem)
                program.sources[path] = ""
                continue
        program.sources[path] = text
        result = parse_file(text, path)
        program.diagnostics.extend(result.diagnostics)
        if result.spec is None:
            continue
        program.files[path] = result.spec
        program.imports[path] = []
        for decl in result.spec.of_kind("import"):
            target = os.path.normpath(os.path.join(os.path.dirname(path), decl.path))
            if target not in overrides:
                problem = _missing_import(path, decl, target)
                if problem:
                    program.diagnostics.append(problem)
                    continue
            program.imports[path].append(target)
            pending.append(target)
    _report_cycles(program)
    return program


def _missing_import(path: str, decl: nodes.ImportDecl, target: str) -> Diagnostic | None:
    """E007 if ``target`` is not a readable file; None if it is.

    The path comes from the spec, so the file system may reject it outright
    (a component longer than NAME_MAX, a path longer than PATH_MAX): that is
    the spec's problem, reported where the import is, not a crash.
    """
    try:
        if Path(target).is_file():
            return None
    except OSError as exc:
        return error(
            "E007",
            f'imported file "{_shorten(decl.path)}" cannot be opened: {exc.strerror or exc}',
            path,
            decl.path_span,
            "shorten the path: the file system rejects it",
        )
    folder = Path(target).parent
    try:
        siblings = [p.stem for p in folder.glob(f"*{SPEC_SUFFIX}")] if folder.is_dir() else []
    except OSError:
        siblings = []
    close = closest(Path(decl.path).stem, siblings)
    fixes = []
    if close is not None and not any(c in decl.path for c in '"\\'):
        fixed = (PurePosixPath(decl.path).parent / f"{close}{SPEC_SUFFIX}").as_posix()
        fixes = [replace_fix(f'Import "{fixed}"', path, decl.path_span, f'"{fixed}"')]
    return error(
        "E007",
        f'imported file "{_shorten(decl.path)}" not found',
        path,
        decl.path_span,
        f"did you mean `{close}{SPEC_SUFFIX}`?" if close
        else f"the path is relative to {os.path.dirname(path) or '.'}/",
        fixes,
    )


def _shorten(text: str, limit: int = 80) -> str:
    """A path for a message: the caret already shows it in full."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _report_cycles(program: Program) -> None:
    """One diagnostic per import that closes a cycle, naming the whole cycle.

    A depth-first walk with its own stack: an import chain may be longer than
    Python's recursion limit.
    """
    done: set[str] = set()
    for root in sorted(program.files):
        if root in done:
            continue
        trail = [root]
        pending = [_imports_of(program, root)]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                pending.pop()
                done.add(trail.pop())
                continue
            decl, target = step
            if target in trail:
                cycle = trail[trail.index(target) :] + [target]
                program.diagnostics.append(
                    error(
                        "E008",
                        "import cycle: " + " → ".join(cycle),
                        trail[-1],
                        decl.path_span,
                        "move what both files need into a third file that both import",
                    )
                )
            elif target in program.files and target not in done:
                trail.append(target)
                pending.append(_imports_of(program, target))


def _imports_of(program: Program, path: str) -> Iterator[tuple[nodes.ImportDecl, str]]:
    """Each import declaration of ``path`` with the file it names."""
    spec = program.files.get(path)
    for decl in spec.of_kind("import") if spec else []:
        yield decl, os.path.normpath(os.path.join(os.path.dirname(path), decl.path))
