"""Code generation: a checked program → Python runtime definitions and pytest modules.

``lower(program, harness=...)`` builds the IR of every root file (``ir``, built by
``runtime_module`` and ``pytest_module``: one model of a spec's runtime and scenarios), which two
back ends read: ``generate`` renders it to Python source, and ``execute``
runs it directly (the pytest plugin, ``agentspec.pytest_plugin``).

``generate(program, harness=...)`` returns one ``GeneratedFile`` per output,
for every root file of the program: ``<name>_runtime.py`` (when the file can
see an agent) and ``test_<name>.py`` (when it has scenarios). Stages:
the IR (resolve everything), ``layout`` + ``render`` (templates over
expressions laid out as black would: the output is black-stable without
running black); writing is ``agentspec.writer``'s job.

This module imports nothing heavy: the builders and ``render`` (which loads jinja2)
are imported when ``generate`` runs, so that a no-op recompile
(``agentspec.cache``) never pays for them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from collections.abc import Collection
from typing import TYPE_CHECKING

from agentspec.codegen.pyexpr import is_dotted_name

if TYPE_CHECKING:
    from agentspec.codegen.ir import RuntimeModule, TestModule
    from agentspec.loader import Program

DEFAULT_HARNESS = "agentspec_runtime"

__all__ = [
    "CodegenError",
    "DEFAULT_HARNESS",
    "GeneratedFile",
    "Lowered",
    "generate",
    "is_dotted_name",
    "lower",
    "reserved_stems",
]


class CodegenError(Exception):
    """The program cannot be compiled (something the checker should have reported)."""


@dataclass(frozen=True)
class GeneratedFile:
    name: str  # file name inside OUTDIR
    content: str
    spec_path: str  # the spec it was generated from


def reserved_stems(harness: str) -> tuple[str, ...]:
    """Stems whose module would shadow a package the output imports (they are renamed)."""
    return tuple(
        module[: -len("_runtime")]
        for module in (harness.split(".")[0], DEFAULT_HARNESS)
        if module.endswith("_runtime")
    )


@dataclass(frozen=True)
class Lowered:
    """One root spec file lowered: its runtime definitions and its tests, as IR
    (``ir.RuntimeModule``, ``ir.TestModule``). Two back ends read it: the
    templates (``render``, via ``generate``) and direct execution (``execute``,
    for the pytest plugin)."""

    spec_path: str
    runtime: RuntimeModule | None  # None when the file can see no agent
    tests: TestModule | None  # None when the file has no scenarios


def lower(program: Program, harness: str = DEFAULT_HARNESS, only: Collection[str] | None = None) -> list[Lowered]:
    """The IR of every root file of ``program`` (or of those in ``only``), in root order.

    Module names are chosen among all of ``program.roots`` either way. Raises ``CodegenError``.
    """
    from agentspec.codegen.runtime_module import build_runtime_module
    from agentspec.codegen.names import module_names
    from agentspec.codegen.pytest_module import build_test_module

    if not is_dotted_name(harness):
        raise CodegenError(f"--harness must be a module name such as agentspec_runtime, not {harness!r}")
    names = module_names(program.roots, reserved_stems(harness))
    lowered: list[Lowered] = []
    for path in program.roots:
        if path not in program.files or (only is not None and path not in only):
            continue
        stem = names[path]
        runtime = build_runtime_module(program, path, f"{stem}_runtime", harness)
        tests = build_test_module(program, path, f"test_{stem}", f"{stem}_runtime", harness)
        if tests is not None and runtime is None:
            raise CodegenError(f"{path}: scenarios need an agent to run")
        lowered.append(Lowered(path, runtime, tests))
    return lowered


def generate(
    program: Program,
    harness: str = DEFAULT_HARNESS,
    only: Collection[str] | None = None,
    root: str | os.PathLike | None = None,
) -> list[GeneratedFile]:
    """Every output file for ``program.roots`` (or for those in ``only``), sorted by name. Raises ``CodegenError``.

    With ``root`` (the project root), every spec path the output records — the
    header, docstrings, the spec locations of definitions and expectations — is
    relative to it, so the same tree compiles to the same bytes from any working
    directory, with relative or absolute paths. (``GeneratedFile.spec_path``
    stays the path as the program has it.)
    """
    from agentspec.codegen.render import runtime_source, test_source

    original: dict[str, str] = {}
    if root is not None:
        program, original = relocated(program, root)
        moved = {path: relative for relative, path in original.items()}
        only = None if only is None else {moved.get(path, path) for path in only}
    sources: list[tuple[str, str, str]] = []  # (file name, source, spec path)
    for unit in lower(program, harness, only):
        if unit.runtime is not None:
            sources.append((f"{unit.runtime.module}.py", runtime_source(unit.runtime), unit.spec_path))
        if unit.tests is not None:
            sources.append((f"{unit.tests.module}.py", test_source(unit.tests), unit.spec_path))
    _refuse_shared_outputs(sources)
    files = [GeneratedFile(name, text, original.get(path, path)) for name, text, path in sources]
    return sorted(files, key=lambda f: f.name)


def relocated(program: Program, root: str | os.PathLike) -> tuple[Program, dict[str, str]]:
    """``program`` with every path relative to ``root`` (paths outside it are kept),
    and the map from the new paths back to the old."""
    from agentspec.loader import Program
    from agentspec.project import relative_to_root

    paths = {*program.roots, *program.sources, *program.files, *program.imports}
    paths |= {target for targets in program.imports.values() for target in targets}
    new = {path: relative_to_root(path, root) for path in paths}
    moved = Program(
        roots=[new[p] for p in program.roots],
        files={new[p]: replace(spec, path=new[p]) for p, spec in program.files.items()},
        sources={new[p]: text for p, text in program.sources.items()},
        imports={new[p]: [new[t] for t in targets] for p, targets in program.imports.items()},
        diagnostics=list(program.diagnostics),
    )
    return moved, {relative: path for path, relative in new.items()}


def _refuse_shared_outputs(sources: list[tuple[str, str, str]]) -> None:
    """Two specs must not write the same file: ``a_runtime.agentspec``'s tests and
    ``test_a.agentspec``'s runtime are both ``test_a_runtime.py``."""
    owner: dict[str, str] = {}
    clashes: list[str] = []
    for name, _, path in sources:
        if name in owner and owner[name] != path:
            clashes.append(f"{owner[name]} and {path} would both be compiled to {name}")
        owner.setdefault(name, path)
    if clashes:
        raise CodegenError("; ".join(clashes) + "; rename one of the spec files")
