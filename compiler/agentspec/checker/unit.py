"""One compiled unit — a file and everything it imports — must define each thing once.

Names (tools, agents, plans, scripts, references, services, providers) are
unique across the unit; scenario names within their file. A unit has at most
one tenant, dispatcher, suite, approval floor and coordinator (the runtime's
one entry agent), and a file with agents or scenarios needs a tenant.

Where a conflict is reported: a repeat inside one file at the later one; a
clash between this file and an import at this file's declaration; a clash
between two imports that do not see each other at the ``import`` that brings
in the later one. Each conflict is reported once, by the file whose unit it
first appears in.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agentspec.syntax import nodes
from agentspec.checker.file_context import FileContext
from agentspec.diagnostics import Related
from agentspec.symbols import NAMED_DECLARATIONS

SINGLETONS = {
    "tenant": ("tenant", "a file and its imports describe one tenant"),
    "dispatcher": ("dispatcher", "the runtime has one dispatcher for every plan's actions"),
    "suite": ("suite", "one `suite` sets how the scenarios run"),
    "approval": ("approval floor", "merge the rules into one `approval { plans ... tools ... }`"),
    "coordinator": (
        "coordinator",
        "the runtime has one coordinator, its entry agent; make the other a specialist or move it to another file",
    ),
}


@dataclass(frozen=True)
class _Entry:
    path: str
    decl: Any
    span: nodes.Span  # what a diagnostic about this entry points at


def _entries(ctx: FileContext, spec: nodes.SpecFile) -> list[tuple[tuple[str, str], _Entry]]:
    found = []
    for decl in spec.declarations:
        kind = NAMED_DECLARATIONS.get(decl.kind)
        if kind is not None:
            found.append(((kind, decl.name.name), _Entry(spec.path, decl, decl.name.span)))
        if decl.kind in SINGLETONS:
            span = ctx.at(spec.path).keyword_span(decl.span, decl.kind)
            found.append(((decl.kind, ""), _Entry(spec.path, decl, span)))
        if decl.kind == "agent" and decl.role == "coordinator":
            found.append((("coordinator", ""), _Entry(spec.path, decl, decl.name.span)))
        if decl.kind == "scenario" and spec.path == ctx.path:
            found.append((("scenario", decl.name), _Entry(spec.path, decl, decl.name_span)))
    return found


def _describe(key: tuple[str, str], entry: _Entry) -> str:
    kind, name = key
    if kind == "scenario":
        return f'scenario "{name}"'
    if kind == "coordinator":
        return f"coordinator `{entry.decl.name.name}`"
    return f"{kind} `{name}`"


def check_unit(ctx: FileContext) -> None:
    program = ctx.program
    visible = program.visible(ctx.path)
    seen: dict[str, set[str]] = {}

    def seen_by(path: str) -> set[str]:
        """The files ``path`` sees; computed only for files with a clash (most have none)."""
        if path not in seen:
            seen[path] = {s.path for s in program.visible(path)}
        return seen[path]

    groups: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
    for spec in visible:
        for key, entry in _entries(ctx, spec):
            groups[key].append(entry)
    for key, entries in groups.items():
        if key[0] == "coordinator":  # two coordinators of one name are already a duplicate (E301)
            first_of_name = {}
            for entry in entries:
                first_of_name.setdefault(entry.decl.name.name, entry)
            entries = list(first_of_name.values())
        if len(entries) > 1:
            _report(ctx, key, entries, seen_by)
    _check_tenant(ctx, visible)


def _report(
    ctx: FileContext, key: tuple[str, str], entries: list[_Entry], seen_by: Callable[[str], set[str]]
) -> None:
    own = [e for e in entries if e.path == ctx.path]
    others = [e for e in entries if e.path != ctx.path]
    for entry in own[1:]:
        _conflict(ctx, key, entry, own[0])
    if own and others:
        _conflict(ctx, key, own[0], others[0])
    imports = [d for d in ctx.program.files[ctx.path].of_kind("import")]
    for i, first in enumerate(others):
        for second in others[i + 1 :]:
            if first.path == second.path or first.path in seen_by(second.path) or second.path in seen_by(first.path):
                continue
            if any({first.path, second.path} <= _seen_through(ctx, decl) for decl in imports):
                continue  # the import that brings in both reports it
            via = next((decl for decl in imports if second.path in _seen_through(ctx, decl)), None)
            if via is None:  # pragma: no cover - every visible file comes through an import
                continue
            if key[0] in SINGLETONS:
                message = f"more than one {SINGLETONS[key[0]][0]} among the imports: {first.path}:{first.span.line} and {second.path}:{second.span.line}"
                hint = SINGLETONS[key[0]][1]
            else:
                message = f"{_describe(key, second)} is defined both in {first.path}:{first.span.line} and in {second.path}:{second.span.line}, which this file imports"
                hint = "rename or remove one of them"
            related = [_here(first, "the first is here"), _here(second, "the second is here")]
            ctx.error("E315" if key[0] in SINGLETONS else "E301", message, via.path_span, hint, related=related)


def _seen_through(ctx: FileContext, decl: nodes.ImportDecl) -> set[str]:
    target = os.path.normpath(os.path.join(os.path.dirname(ctx.path), decl.path))
    return {s.path for s in ctx.program.visible(target)}


def _conflict(ctx: FileContext, key: tuple[str, str], entry: _Entry, first: _Entry) -> None:
    where = ctx.where(first.path, first.span)
    if key[0] in SINGLETONS:
        hint = SINGLETONS[key[0]][1]
        first_text = f"`{first.decl.name.name}` " if key[0] == "coordinator" else ""
        message = (
            f"more than one {SINGLETONS[key[0]][0]}: {first_text}{'is' if first_text else 'the first is'} at {where}"
        )
        ctx.error("E315", message, entry.span, hint, related=[_here(first, "the first is here")])
        return
    ctx.error(
        "E301",
        f"{_describe(key, entry)} is already defined at {where}",
        entry.span,
        "rename or remove one of them",
        related=[_here(first, "first defined here")],
    )


def _here(entry: _Entry, message: str) -> Related:
    return Related(message=message, path=entry.path, span=entry.span)


def _check_tenant(ctx: FileContext, visible: list[nodes.SpecFile]) -> None:
    if any(spec.of_kind("tenant") for spec in visible):
        return
    own = ctx.program.files[ctx.path]
    first = next((d for d in own.declarations if d.kind in ("agent", "scenario")), None)
    if first is None:
        return
    what = "agents" if own.of_kind("agent") else "scenarios"
    span = first.name.span if first.kind == "agent" else first.name_span
    ctx.error(
        "E316",
        f"this file has {what} but no tenant",
        span,
        'declare one, e.g. `tenant acme version "v1"`, or import a file that does',
    )
