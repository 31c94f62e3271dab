"""The small IR the templates render and ``execute`` runs, as plain data.

One ``RuntimeModule`` and one ``TestModule`` per spec file, built from a
checked program by ``runtime_module`` and ``pytest_module``. Everything is
resolved when they are built, so the templates only lay statements out:

* names: every declaration visible from the file (its own and, transitively,
  its imports') is looked up through ``agentspec.symbols``; every Python name
  the output binds comes from one ``Namespace`` per module;
* values: spec values stay plain data (``Lit``) until ``pyexpr`` emits them;
* calls: expectations, scripts, approvals and fixtures are ``pyexpr`` call
  trees against the harness API, agentgate and ``agentspec_runtime``;
* imports: collected from the names the expressions actually use, so the
  output never has a dead import.

**Imported spec files are inlined.** The runtime module of ``travel.agentspec``
defines everything ``travel`` can see, including what ``common.agentspec``
declares; it never imports ``common_runtime``. Each generated pair therefore
stands alone: compiling one file gives a module that works whether or not the
imported file was compiled too, output names of different files cannot clash
through imports, and a reader finds every definition a test uses in one place.
(``common.agentspec`` itself, when it is an input, is compiled on its own.)

Only the data lives here, so what keeps lowered modules (the pytest plugin's
cached spec units) loads them without the parser, the symbols or the checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agentspec.codegen.imports import ImportLine
from agentspec.codegen.pyexpr import Expr


@dataclass(frozen=True)
class Definition:
    """``name = value`` at module level; ``origin`` is the spec location it came from."""

    name: str
    value: Expr
    origin: str
    script: str = ""  # for a named script: its name in the spec


@dataclass
class RuntimeModule:
    spec_path: str
    module: str  # the Python module name (file name without .py)
    imports: list[list[ImportLine]]  # groups, separated by a blank line
    tenant: Definition
    tools: list[Definition]
    plans: list[Definition]
    references: list[Definition]
    agents: list[Definition]
    runtime_spec: Expr
    services: Expr | None  # default services= of build_runtime
    dispatcher: Expr | None  # default action_dispatcher= of build_runtime


@dataclass
class TestCase:
    name: str
    title: str  # the scenario name, for the docstring
    location: str  # "specs/travel.agentspec:42"
    scenario: Expr
    expectations: list[Expr]
    adapter: Expr
    run: Expr


@dataclass
class ScoreTest:
    """A scenario's ``score`` block as a test: the eval case, its config, the scoring call."""

    name: str
    title: str
    location: str
    case: Expr
    config: Expr
    run: Expr


@dataclass
class TestModule:
    spec_path: str
    module: str
    imports: list[list[ImportLine]]
    scripts: list[Definition]
    tests: list[TestCase]
    scores: list[ScoreTest] = field(default_factory=list)
