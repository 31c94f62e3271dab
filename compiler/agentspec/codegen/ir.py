"""Checked AST → the small IR the templates render.

One ``RuntimeModule`` and one ``TestModule`` per spec file. Everything is
resolved here, so the templates only lay statements out:

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

The IR assumes the program has no errors (``commands`` runs the checker
first); anything the checker should have rejected raises ``CodegenError``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from agentspec import ast
from agentspec import types as spectypes
from agentspec.codegen import CodegenError
from agentspec.codegen.names import Namespace, constant, snake
from agentspec.codegen.pyexpr import (
    Call,
    DictOf,
    Expr,
    Lambda,
    ListOf,
    Lit,
    Name,
    call,
    is_dotted_name,
)
from agentspec.loader import Program
from agentspec.symbols import Scope, scope_for

RUNTIME_PACKAGE = "agentspec_runtime"

#: Where the names the generated code uses come from. The harness API (first
#: group) follows ``--harness``; the rest are agentspec extensions and agentgate.
HARNESS_NAMES = (
    "ModelSpec",
    "Runtime",
    "TestingConfig",
    "create_runtime",
    "define_coordinator",
    "define_executor",
    "define_plan",
    "define_planner",
    "define_reference",
    "define_runtime",
    "define_specialist",
    "define_tenant",
    "define_tool",
)
EXTENSION_NAMES = {
    "fails": "agentspec_runtime.fixtures",
    "override_handlers": "agentspec_runtime.fixtures",
    "returns": "agentspec_runtime.fixtures",
    "ApprovalAnswer": "agentspec_runtime.approval_script",
    "ApprovalScript": "agentspec_runtime.approval_script",
    "RuntimeAdapter": "agentspec_runtime.bridge",
    "ExpectApprovalDecision": "agentspec_runtime.expectations",
    "ExpectDispatched": "agentspec_runtime.expectations",
    "ExpectPlanStatus": "agentspec_runtime.expectations",
    "failure_report": "agentspec_runtime.scenarios",
    "run_scenario": "agentspec_runtime.scenarios",
    "agent_call": "agentspec_runtime.scripts",
    "script": "agentspec_runtime.scripts",
    "tool_call": "agentspec_runtime.scripts",
    "Scenario": "agentgate",
    "Any": "typing",
    "Callable": "collections.abc",
    "Mapping": "collections.abc",
}

#: Names bound by the runtime module's template itself, and build_runtime's
#: parameters (a module-level name equal to a parameter would be shadowed).
RUNTIME_LOCALS = ("TENANT", "RUNTIME_SPEC", "build_runtime", "spec", "handlers", "interpreter",
                  "testing", "services", "action_dispatcher")
#: Locals of every generated test function.
TEST_LOCALS = ("scenario", "adapter", "result", "build_runtime")

ROLE_HELPERS = {
    "coordinator": "define_coordinator",
    "planner": "define_planner",
    "executor": "define_executor",
    "specialist": "define_specialist",
}


# ---- the IR ----------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """``name = value`` at module level; ``origin`` is the spec location it came from."""

    name: str
    value: Expr
    origin: str
    script: str = ""  # for a named script: its name in the spec


@dataclass(frozen=True)
class ImportLine:
    """``from module import a, b as c``."""

    module: str
    names: tuple[tuple[str, str], ...]  # (imported name, alias)


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
class TestModule:
    spec_path: str
    module: str
    imports: list[list[ImportLine]]
    scripts: list[Definition]
    tests: list[TestCase]


# ---- imports ---------------------------------------------------------------------


class _Imports:
    """The names a module imports: our fixed API names and the user's import paths."""

    def __init__(self, namespace: Namespace, harness: str) -> None:
        self.namespace = namespace
        self.sources: dict[str, tuple[str, str]] = {}  # alias -> (module, imported name)
        for name in HARNESS_NAMES:
            self._fixed(name, harness)
        for name, module in EXTENSION_NAMES.items():
            self._fixed(name, module)
        self._user: dict[tuple[str, str], str] = {}
        self._user_modules: set[str] = set()  # membership only

    def _fixed(self, name: str, module: str) -> None:
        self.namespace.reserve(name)
        self.sources[name] = (module, name)

    def user(self, target: ast.ImportPath) -> Name:
        """A name for the object at ``"package.module:attr"`` (``attr`` may be dotted)."""
        module, _, attr = target.path.partition(":")
        if not (is_dotted_name(module) and attr and is_dotted_name(attr)):
            raise CodegenError(f'"{target.path}" is not an import path')
        first, _, rest = attr.partition(".")
        key = (module, first)
        if key not in self._user:
            module_word = module.rsplit(".", 1)[-1]
            candidates = [first, f"{module_word}_{first}"]
            if first.startswith("test"):  # pytest would collect it from a test module
                candidates = [f"{module_word}_{first}", f"imported_{first}"]
            alias = self.namespace.claim(*candidates)
            self._user[key] = alias
            self._user_modules.add(module)
            self.sources[alias] = key
        alias = self._user[key]
        return Name(f"{alias}.{rest}" if rest else alias)

    def module(self, module: str, name: str) -> Name:
        """``name`` from a generated sibling module."""
        self.namespace.reserve(name)
        self.sources[name] = (module, name)
        return Name(name)

    def lines(self, used: set[str], first_party: frozenset[str]) -> list[list[ImportLine]]:
        """Import lines for the used names: stdlib, then libraries, then the user's and generated modules."""
        by_module: dict[str, list[tuple[str, str]]] = {}
        for alias in sorted(used):
            if alias in self.sources:
                module, name = self.sources[alias]
                by_module.setdefault(module, []).append((name, alias))
        groups: list[list[ImportLine]] = [[], [], [], []]
        for module in sorted(by_module):
            names = tuple(sorted(by_module[module], key=_import_order))
            if module in ("typing", "collections.abc"):
                group = 0
            elif module in self._user_modules:
                group = 2
            elif module in first_party:
                group = 3
            else:
                group = 1
            groups[group].append(ImportLine(module, names))
        return [g for g in groups if g]


def _import_order(item: tuple[str, str]) -> tuple[int, str]:
    """isort's default order within a line: CONSTANTS, Classes, functions."""
    name = item[0]
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, name)


def used_names(exprs: list[Any]) -> set[str]:
    """The first part of every ``Name`` in the expressions (what must be imported or defined)."""
    found: set[str] = set()
    stack: list[Any] = list(exprs)
    while stack:
        expr = stack.pop()
        if isinstance(expr, Name):
            found.add(expr.id.split(".", 1)[0])
        elif isinstance(expr, Call):
            stack.append(expr.func)
            stack.extend(expr.args)
            stack.extend(v for _, v in expr.kwargs)
        elif isinstance(expr, ListOf):
            stack.extend(expr.items)
        elif isinstance(expr, DictOf):
            stack.extend(v for _, v in expr.items)
        elif isinstance(expr, Lambda):
            stack.append(expr.body)
    return found


# ---- visible declarations ----------------------------------------------------------


def dependency_order(program: Program, path: str) -> list[str]:
    """``path`` and its transitive imports, each imported file before its importer."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(current: str) -> None:
        if current in seen or current not in program.files:
            return
        seen.add(current)
        for imported in program.imports.get(current, []):
            visit(imported)
        order.append(current)

    visit(path)
    return order


def _declarations(program: Program, path: str, scope: Scope, kind: str) -> list[tuple[str, Any]]:
    """(file, decl) of every visible declaration of ``kind``, imported files first.

    Named declarations are taken from the scope (the one the checker resolved),
    so a name declared twice is never emitted twice.
    """
    found: list[tuple[str, Any]] = []
    for file in dependency_order(program, path):
        for decl in program.files[file].declarations:
            if decl.kind != kind:
                continue
            if hasattr(decl, "name") and isinstance(decl.name, ast.Ident):
                symbol = scope.lookup(kind, decl.name.name)
                if symbol is None or symbol.decl is not decl:
                    continue
            found.append((file, decl))
    return found


def _where(path: str, span: ast.Span) -> str:
    return f"{path}:{span.line}"


# ---- runtime module ------------------------------------------------------------------


def build_runtime_module(program: Program, path: str, module: str, harness: str) -> RuntimeModule | None:
    """The runtime definitions of ``path``, or None if it can see no agent (nothing to run)."""
    scope = scope_for(program, path)
    agents = _declarations(program, path, scope, "agent")
    if not agents:
        return None
    namespace = Namespace(RUNTIME_LOCALS)
    imports = _Imports(namespace, harness)

    tenants = _declarations(program, path, scope, "tenant")
    if not tenants:
        raise CodegenError(f"{path}: no tenant")
    tenant_file, tenant = tenants[0]
    tenant_def = Definition(
        "TENANT", call("define_tenant", tenant.name, tenant.version or "v1"), _where(tenant_file, tenant.span)
    )

    tool_names: dict[str, str] = {}
    tools: list[Definition] = []
    for file, decl in _declarations(program, path, scope, "tool"):
        var = namespace.claim(constant(decl.name.name, "tool"), constant(decl.name.name, "tool") + "_TOOL")
        tool_names[decl.name.name] = var
        tools.append(Definition(var, _tool(decl, imports), _where(file, decl.span)))

    plan_names: dict[str, str] = {}
    plans: list[Definition] = []
    for file, decl in _declarations(program, path, scope, "plan"):
        var = namespace.claim(constant(decl.name.name, "plan"), constant(decl.name.name, "plan") + "_PLAN")
        plan_names[decl.name.name] = var
        plans.append(
            Definition(var, call("define_plan", decl.name.name, spectypes.plan_schema(decl)), _where(file, decl.span))
        )

    references: list[Definition] = []
    for file, decl in _declarations(program, path, scope, "reference"):
        var = namespace.claim(
            constant(decl.name.name, "reference"), constant(decl.name.name, "reference") + "_REFERENCE"
        )
        ttl = decl.ttl_ms
        value = call(
            "define_reference",
            decl.name.name,
            spectypes.reference_schema(decl),
            ttl_ms=int(ttl) if ttl is not None else None,
        )
        references.append(Definition(var, value, _where(file, decl.span)))

    agent_defs: list[Definition] = []
    for file, decl in agents:
        var = namespace.claim(constant(decl.name.name, "agent"), constant(decl.name.name, "agent") + "_AGENT")
        agent_defs.append(Definition(var, _agent(decl, tool_names, plan_names), _where(file, decl.span)))

    providers: dict[str, Any] = {}
    for _, decl in _declarations(program, path, scope, "provider"):
        config: dict[str, Any] = {}
        if decl.api_key is not None:
            config["api_key"] = decl.api_key
        if decl.api_key_env is not None:
            config["api_key_env"] = decl.api_key_env
        providers[decl.name.name] = config

    floor: dict[str, str] = {}
    for _, decl in _declarations(program, path, scope, "approval"):
        floor.update({rule.subject: rule.mode for rule in decl.rules})

    runtime_spec = call(
        "define_runtime",
        tenant=Name("TENANT"),
        agents=ListOf(tuple(Name(d.name) for d in agent_defs)),
        providers=providers or None,
        plans=ListOf(tuple(Name(d.name) for d in plans)) if plans else None,
        references=ListOf(tuple(Name(d.name) for d in references)) if references else None,
        approval_policies=floor or None,
    )

    services = _declarations(program, path, scope, "service")
    services_expr = (
        DictOf(tuple((decl.name.name, Call(imports.user(decl.factory))) for _, decl in services)) if services else None
    )
    dispatchers = _declarations(program, path, scope, "dispatcher")
    dispatcher = imports.user(dispatchers[0][1].target) if dispatchers else None

    exprs: list[Any] = [tenant_def.value, runtime_spec, services_expr, dispatcher]
    exprs += [d.value for d in tools + plans + references + agent_defs]
    used = used_names(exprs) | {
        # what the build_runtime template itself uses
        "Any", "Callable", "Mapping", "Runtime", "TestingConfig", "create_runtime", "override_handlers",
    }
    return RuntimeModule(
        spec_path=path,
        module=module,
        imports=imports.lines(used, frozenset()),
        tenant=tenant_def,
        tools=tools,
        plans=plans,
        references=references,
        agents=agent_defs,
        runtime_spec=runtime_spec,
        services=services_expr,
        dispatcher=dispatcher,
    )


def _tool(decl: ast.ToolDecl, imports: _Imports) -> Expr:
    approval: Any = None
    if decl.approval is not None:
        if decl.approval.mode == "when":
            if decl.approval.predicate is None:
                raise CodegenError(f"tool {decl.name.name}: `approval when` without a predicate")
            approval = imports.user(decl.approval.predicate)
        else:
            approval = decl.approval.mode
    if decl.handler is not None:
        handler: Expr = imports.user(decl.handler)
    elif decl.fails is not None:
        handler = call("fails", decl.fails)
    elif decl.has_returns:
        handler = call("returns", decl.returns)
    else:
        handler = call(
            "fails",
            f"tool {decl.name.name!r} has no implementation in the spec; "
            "give it a handler, a returns fixture, or a scenario `given`",
        )
    definition = call(
        "define_tool",
        decl.name.name,
        spectypes.params_schema(decl.params),
        approval=approval,
        description=decl.description,
    )
    return Call(definition, (handler,))


def _agent(decl: ast.AgentDecl, tools: dict[str, str], plans: dict[str, str]) -> Expr:
    if decl.model is None:
        raise CodegenError(f"agent {decl.name.name}: no model")
    model: Any = decl.model
    if decl.provider is not None:
        model = call("ModelSpec", decl.model, decl.provider.name)
    approval = None
    if decl.approval is not None:
        approval = {rule.subject: rule.mode for rule in decl.approval}
    try:
        tool_list = ListOf(tuple(Name(tools[t.name]) for t in decl.tools)) if decl.tools else None
        plan = Name(plans[decl.plan.name]) if decl.plan is not None else None
    except KeyError as exc:
        raise CodegenError(f"agent {decl.name.name}: unknown name {exc}") from None
    return call(
        ROLE_HELPERS[decl.role],
        decl.name.name,
        model=model,
        prompt=decl.prompt,
        routes=[r.name for r in decl.routes] if decl.routes else None,
        tools=tool_list,
        plan=plan,
        approval=approval,
        stateful=decl.stateful,
    )


# ---- test module -------------------------------------------------------------------


@dataclass
class _TestBuilder:
    program: Program
    path: str
    scope: Scope
    imports: _Imports
    namespace: Namespace
    scripts: dict[str, Definition] = field(default_factory=dict)  # script name -> definition, dependencies first
    _in_progress: list[str] = field(default_factory=list)

    def steps(self, steps: list[Any]) -> Call:
        return call("script", *(self.step(s) for s in steps))

    def step(self, step: Any) -> Expr:
        if step.kind == "tool":
            args = {a.name.name: a.value for a in step.args}
            return call("tool_call", step.tool.name, args) if args else call("tool_call", step.tool.name)
        if step.script is not None:
            return call("agent_call", step.agent.name, self.named_script(step.script))
        return call("agent_call", step.agent.name, self.steps(step.steps))

    def named_script(self, ident: ast.Ident) -> Name:
        """A module-level constant for a named script (defined once, after what it uses)."""
        name = ident.name
        if name in self.scripts:
            return Name(self.scripts[name].name)
        if name in self._in_progress:
            raise CodegenError(f"script {name} calls itself")
        symbol = self.scope.lookup("script", name)
        if symbol is None:
            raise CodegenError(f"unknown script {name}")
        self._in_progress.append(name)
        value = self.steps(symbol.decl.steps)
        self._in_progress.pop()
        var = self.namespace.claim(constant(name, "script"), constant(name, "script") + "_SCRIPT")
        self.scripts[name] = Definition(var, value, _where(symbol.path, symbol.decl.span), script=name)
        return Name(var)


def build_test_module(
    program: Program, path: str, module: str, runtime_module: str, harness: str
) -> TestModule | None:
    """One pytest test per scenario of ``path`` (its own, not its imports'), or None if it has none."""
    spec = program.files[path]
    scenarios = spec.of_kind("scenario")
    if not scenarios:
        return None
    namespace = Namespace(TEST_LOCALS)
    imports = _Imports(namespace, harness)
    build_runtime = imports.module(runtime_module, "build_runtime")
    scope = scope_for(program, path)
    builder = _TestBuilder(program, path, scope, imports, namespace)
    suites = spec.of_kind("suite")
    suite = suites[0] if suites else None

    tests = [_test_case(builder, scenario, suite, build_runtime) for scenario in scenarios]
    scripts = list(builder.scripts.values())
    exprs: list[Any] = [d.value for d in scripts]
    for test in tests:
        exprs += [test.scenario, test.adapter, test.run, *test.expectations]
    used = used_names(exprs) | {"failure_report"}
    return TestModule(
        spec_path=path,
        module=module,
        imports=imports.lines(used, frozenset({runtime_module})),
        scripts=scripts,
        tests=tests,
    )


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else ms / 1000


def _test_case(builder: _TestBuilder, sc: ast.ScenarioDecl, suite: ast.SuiteDecl | None, build_runtime: Name) -> TestCase:
    name = builder.namespace.claim("test_" + snake(sc.name, "scenario"))
    location = _where(builder.path, sc.span)
    timeout = _seconds(sc.timeout_ms)
    scenario = call(
        "Scenario",
        sc.name,
        input=sc.input,
        timeout_seconds=timeout,
        max_steps=sc.max_steps,
        max_llm_calls=sc.max_llm_calls,
    )
    expectations = [_expectation(builder, e) for e in sc.expectations]

    handlers = None
    if sc.givens:
        handlers = DictOf(
            tuple(
                (g.tool.name, call("fails", g.fails) if g.fails is not None else call("returns", g.returns))
                for g in sc.givens
            )
        )
    prompt: Expr | None = None
    interpreter = testing = None
    if sc.mock_response is not None:
        testing = {"mock_response": sc.mock_response}
    elif sc.run is not None:
        interpreter = "scripted"
        prompt = builder.named_script(sc.run.script) if sc.run.script is not None else builder.steps(sc.run.steps)
    factory = Lambda(call(build_runtime, interpreter=interpreter, testing=testing, handlers=handlers))

    approvals = None
    if sc.approvals:
        tools: dict[str, Expr] = {}
        plans: dict[str, Expr] = {}
        for answer in sc.approvals:
            decision = answer.decision
            args: list[Any] = [decision.outcome]
            if decision.feedback is not None:
                args.append(decision.feedback)
            value = call(
                "ApprovalAnswer", *args, partial=decision.partial if decision.has_partial else None
            )
            if answer.target.kind == "tool":
                tools.setdefault(answer.target.tool.name, value)
            else:
                plans.setdefault(answer.target.plan_id if answer.target.plan_id is not None else "*", value)
        approvals = call(
            "ApprovalScript",
            tools=DictOf(tuple(tools.items())) if tools else None,
            plans=DictOf(tuple(plans.items())) if plans else None,
        )
    adapter = call(
        "RuntimeAdapter",
        factory,
        agent=sc.agent.name if sc.agent is not None else None,
        prompt=prompt,
        approvals=approvals,
        timeout_seconds=timeout,
    )
    run = call(
        "run_scenario",
        Name("scenario"),
        Name("adapter"),
        runs=suite.runs if suite else None,
        min_pass_rate=suite.min_pass_rate if suite else None,
        timeout_seconds=_seconds(suite.timeout_ms) if suite else None,
        scenario_timeout=_seconds(suite.scenario_timeout_ms) if suite else None,
    )
    return TestCase(name, sc.name, location, scenario, expectations, adapter, run)


def _names(idents: list[ast.Ident] | None) -> list[str] | None:
    return [i.name for i in idents] if idents else None


def _expectation(builder: _TestBuilder, e: Any) -> Expr:
    """One spec expectation as a call on the agentgate Scenario (or an appended harness fact)."""
    kind = e.kind
    if kind == "tool_call":
        args = {a.name.name: a.value for a in e.args} if e.has_args else None
        return call(
            "scenario.expect_tool_call",
            e.tool.name,
            with_args=args,
            before=e.before.name if e.before else None,
            after=e.after.name if e.after else None,
            order=e.order,
            times=e.times,
            min_times=e.min_times,
            max_times=e.max_times,
        )
    if kind == "no_tool_call":
        return call("scenario.expect_no_tool_call", e.tool.name)
    if kind == "tool_order":
        return call("scenario.expect_tool_order", [t.name for t in e.tools])
    if kind == "state":
        return call("scenario.expect_state", e.key, value=e.value if e.has_value else None, within_steps=e.within_steps)
    if kind == "no_error":
        return call("scenario.expect_no_error")
    if kind == "output":
        return call("scenario.expect_output", **{e.test: e.text})
    if kind == "max_steps":
        return call("scenario.expect_max_steps", e.limit)
    if kind == "max_duration":
        return call("scenario.expect_max_duration", e.limit_ms)
    if kind == "max_tokens":
        return call("scenario.expect_max_tokens", e.limit)
    if kind == "no_side_effects":
        return call("scenario.expect_no_side_effects", _names(e.allowed) or [], mutating_tools=_names(e.mutating))
    if kind == "no_repetition":
        return call("scenario.expect_no_repetition", max_rate=e.max_rate)
    if kind == "milestone":
        return call(
            "scenario.expect_milestone",
            e.name,
            tool=e.tool.name if e.tool else None,
            state_key=e.state_key,
            output_contains=e.output_contains,
            weight=e.weight,
        )
    if kind == "judge":
        judge = builder.imports.user(e.judge) if e.judge is not None else None
        return call("scenario.expect_llm_judge", e.criteria, judge_fn=judge)
    if kind == "policy":
        return call(
            "scenario.expect_policy",
            e.name,
            forbidden_tools=_names(e.forbidden_tools),
            forbidden_outputs=e.forbidden_outputs or None,
            required_tools=_names(e.required_tools),
        )
    if kind == "on_tool_failure":
        return call("scenario.on_tool_failure", e.tool.name, expect=e.expect)
    if kind == "dispatched":
        fact: Call = call("ExpectDispatched", e.actions)
    elif kind == "plan_status":
        fact = call("ExpectPlanStatus", e.plan_id, e.status.name)
    elif kind == "approval":
        if e.target.kind == "tool":
            fact = call("ExpectApprovalDecision", e.target.tool.name, e.outcome, kind="tool")
        else:
            target = e.target.plan_id if e.target.plan_id is not None else "*"
            fact = call("ExpectApprovalDecision", target, e.outcome, kind="plan")
    else:
        raise CodegenError(f"unknown expectation {kind!r}")
    return call("scenario.expectations.append", fact)


# ---- output names ----------------------------------------------------------------------


def module_names(paths: list[str], reserved: tuple[str, ...] = ()) -> dict[str, str]:
    """A unique, valid module stem per spec file: ``specs/travel.agentspec`` → ``travel``.

    Files whose stems collide (``a/common.agentspec``, ``b/common.agentspec``)
    are named by their path below the directory they share (``a_common``).
    ``reserved`` stems are never used (``agentspec`` would generate
    ``agentspec_runtime.py`` and shadow the harness package).
    """
    stems = {p: snake(os.path.splitext(os.path.basename(p))[0], "spec") for p in paths}
    counts: dict[str, int] = {}
    for stem in stems.values():
        counts[stem] = counts.get(stem, 0) + 1
    clashing = [p for p in paths if counts[stems[p]] > 1]
    if clashing:
        base = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in clashing])
        for p in clashing:
            relative = os.path.relpath(os.path.splitext(os.path.abspath(p))[0], base)
            stems[p] = snake(relative.replace(os.sep, "_"), "spec")
    namespace = Namespace(reserved)
    return {p: namespace.claim(stems[p], stems[p] + "_spec") for p in sorted(paths)}
