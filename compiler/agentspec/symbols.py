"""Name resolution, shared by the checker, code generation and the language server.

A file sees its own declarations and those of every file it imports,
transitively (``Program.visible``). ``scope_for`` builds that view once per
file as a ``Scope``: one dict per kind of named thing, name → ``Symbol``.
When a name is declared twice the first one wins — the file's own declaration
before an imported one — and the checker reports the second (E301).

``references_in`` lists every place a spec *uses* a name, with the kind of
thing it must name; ``symbol_at`` and ``references_to`` build go-to-definition
and find-references on top of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from agentspec.syntax import nodes
from agentspec.loader import Program

SymbolKind = Literal["tool", "agent", "plan", "script", "provider", "reference", "service"]
ReferenceKind = Literal["tool", "agent", "plan", "script", "provider", "service"]

#: Declaration kind (``decl.kind``) → symbol kind, for declarations that have a name.
NAMED_DECLARATIONS: dict[str, SymbolKind] = {
    "tool": "tool",
    "agent": "agent",
    "plan": "plan",
    "script": "script",
    "provider": "provider",
    "reference": "reference",
    "service": "service",
}

#: Tools every runtime provides. Scripts spell ``call_agent`` as ``call AGENT ...``.
BUILTIN_TOOLS: tuple[str, ...] = ("call_agent", "storePlan", "executePlan")

#: Every name the runtime keeps for its own tools (agentspec_runtime.specs.BUILTIN_TOOLS): the ones
#: above plus the plans toolkit's ``getPlan`` and the references toolkit's ``resolveRef`` and
#: ``glimpseRef``. A spec tool cannot take one of them (create_runtime would refuse it). Kept here,
#: not imported, so that a compile does not load the runtime; a test keeps the two lists equal.
RESERVED_TOOL_NAMES: tuple[str, ...] = (*BUILTIN_TOOLS, "getPlan", "resolveRef", "glimpseRef")


@dataclass(frozen=True)
class Symbol:
    """A declared name: what it is, its declaration node, and the file it is in."""

    kind: SymbolKind
    name: str
    decl: Any  # the syntax-tree declaration node (ToolDecl, AgentDecl, ...)
    path: str

    @property
    def span(self) -> nodes.Span:
        """The span of the declared name (where go-to-definition lands)."""
        return self.decl.name.span


@dataclass
class Scope:
    """Everything one file can refer to: its own and its transitive imports' declarations."""

    path: str
    tools: dict[str, Symbol] = field(default_factory=dict)
    agents: dict[str, Symbol] = field(default_factory=dict)
    plans: dict[str, Symbol] = field(default_factory=dict)
    scripts: dict[str, Symbol] = field(default_factory=dict)
    references: dict[str, Symbol] = field(default_factory=dict)
    services: dict[str, Symbol] = field(default_factory=dict)
    providers: dict[str, Symbol] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # visible files, own first

    def of_kind(self, kind: str) -> dict[str, Symbol]:
        return {
            "tool": self.tools,
            "agent": self.agents,
            "plan": self.plans,
            "script": self.scripts,
            "reference": self.references,
            "service": self.services,
            "provider": self.providers,
        }[kind]

    def lookup(self, kind: str, name: str) -> Symbol | None:
        return self.of_kind(kind).get(name)


def declarations(program: Program, path: str) -> Iterator[tuple[str, Any]]:
    """(file, declaration) for every declaration visible from ``path``, own file first."""
    for spec in program.visible(path):
        for decl in spec.declarations:
            yield spec.path, decl


def scope_for(program: Program, path: str) -> Scope:
    """The names visible from ``path``. A file that did not parse has an empty scope."""
    scope = Scope(path=path, files=[spec.path for spec in program.visible(path)])
    for file, decl in declarations(program, path):
        kind = NAMED_DECLARATIONS.get(decl.kind)
        if kind is not None:
            scope.of_kind(kind).setdefault(decl.name.name, Symbol(kind, decl.name.name, decl, file))
    return scope


# ---- references -----------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One use of a name: the identifier as written and the kind it must resolve to."""

    ident: nodes.Ident
    kind: ReferenceKind


def _steps(steps: list[Any]) -> Iterator[Reference]:
    for step in steps:
        if step.kind == "tool":
            yield Reference(step.tool, "tool")
        elif step.kind == "call":
            yield Reference(step.agent, "agent")
            if step.script is not None:
                yield Reference(step.script, "script")
            yield from _steps(step.steps)


def _expectation(exp: Any) -> Iterator[nodes.Ident]:
    """The tool names an expectation mentions, as its entry in the construct table says."""
    # imported here: the table imports the checker, which imports this module
    from agentspec.constructs.expectations import EXPECTATIONS

    yield from EXPECTATIONS[exp.kind].tools(exp)


def references_in(spec: nodes.SpecFile) -> list[Reference]:
    """Every identifier in ``spec`` that names a declared thing, in source order."""
    found: list[Reference] = []
    for decl in spec.declarations:
        if decl.kind == "agent":
            if decl.provider is not None:
                found.append(Reference(decl.provider, "provider"))
            found += [Reference(r, "agent") for r in decl.routes]
            found += [Reference(t, "tool") for t in decl.tools]
            if decl.plan is not None:
                found.append(Reference(decl.plan, "plan"))
        elif decl.kind == "script":
            found += _steps(decl.steps)
        elif decl.kind == "scenario":
            for entry in (decl.via, decl.agent):
                if entry is not None:
                    found.append(Reference(entry, "agent"))
            found += [Reference(g.tool, "tool") for g in decl.givens]
            found += [Reference(s.name, "service") for s in decl.services]
            if decl.run is not None:
                if decl.run.script is not None:
                    found.append(Reference(decl.run.script, "script"))
                found += _steps(decl.run.steps)
            found += [Reference(a.target.tool, "tool") for a in decl.approvals if a.target.tool is not None]
            for exp in decl.expectations:
                found += [Reference(ident, "tool") for ident in _expectation(exp)]
    found.sort(key=lambda r: r.ident.span.start)
    return found


# ---- go-to-definition and find-references -----------------------------------------


@dataclass(frozen=True)
class Location:
    path: str
    span: nodes.Span


def resolve(program: Program, path: str, reference: Reference, scope: Scope | None = None) -> Symbol | None:
    """The declaration a reference in ``path`` names (None: unknown or a built-in tool)."""
    scope = scope or scope_for(program, path)
    return scope.lookup(reference.kind, reference.ident.name)


def declaration_of(program: Program, path: str, kind: str, name: str) -> Symbol | None:
    """The declaration ``name`` of ``kind`` resolves to from ``path`` (its node, file and name span)."""
    return scope_for(program, path).lookup(kind, name)


def symbol_at(program: Program, path: str, offset: int) -> Symbol | None:
    """The symbol under ``offset`` in ``path``: a used name (resolved) or a declared name."""
    spec = program.files.get(path)
    if spec is None:
        return None
    for decl in spec.declarations:
        kind = NAMED_DECLARATIONS.get(decl.kind)
        if kind is not None and decl.name.span.contains(offset):
            return Symbol(kind, decl.name.name, decl, path)
    for reference in references_in(spec):
        if reference.ident.span.contains(offset):
            return resolve(program, path, reference)
    return None


def declaration_location(symbol: Symbol) -> Location:
    return Location(symbol.path, symbol.span)


def _same(a: Symbol | None, b: Symbol) -> bool:
    return a is not None and a.path == b.path and a.kind == b.kind and a.span == b.span


def references_to(program: Program, symbol: Symbol, include_declaration: bool = False) -> list[Location]:
    """Every use of ``symbol`` in every loaded file that resolves to it, sorted by file and position."""
    found: list[Location] = [declaration_location(symbol)] if include_declaration else []
    for path in sorted(program.files):
        scope: Scope | None = None
        for reference in references_in(program.files[path]):
            if reference.kind != symbol.kind or reference.ident.name != symbol.name:
                continue
            scope = scope or scope_for(program, path)
            if _same(scope.lookup(reference.kind, reference.ident.name), symbol):
                found.append(Location(path, reference.ident.span))
    return found
