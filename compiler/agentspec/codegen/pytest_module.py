"""The test module: one pytest test per scenario, as agentgate calls.

Each scenario becomes an agentgate ``Scenario`` with one call per expectation
(``scenario.expect_tool_call(...)``, as its entry in ``agentspec.constructs.expectations`` emits it; harness facts are appended as
``agentspec_runtime.expectations``), a ``RuntimeAdapter`` that creates a fresh
runtime with the scenario's interpreter and fixtures, sends the script as the
prompt and answers approvals, and ``run_scenario`` with the file's suite
settings. Named scripts become module constants, defined before their first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentspec.syntax import nodes
from agentspec.codegen import CodegenError
from agentspec.constructs.expectations import EXPECTATIONS
from agentspec.codegen.imports import Imports, used_names
from agentspec.codegen.ir import Definition, TestCase, TestModule, where
from agentspec.codegen.names import Namespace, constant, snake
from agentspec.codegen.pyexpr import Call, DictOf, Expr, Lambda, Name, call
from agentspec.loader import Program
from agentspec.symbols import Scope, scope_for

#: Locals of every generated test function.
TEST_LOCALS = ("scenario", "adapter", "result", "build_runtime")


@dataclass
class _TestBuilder:
    """What the tests of one spec file share: its scope, imports, names and script constants."""

    path: str
    scope: Scope
    imports: Imports
    namespace: Namespace
    scripts: dict[str, Definition] = field(default_factory=dict)  # script name -> definition, dependencies first
    _in_progress: list[str] = field(default_factory=list)
    # the judge of the scenario being built when `judge` has no `using` (E321 unless compiled for live runs)
    model_judge: Expr | None = None

    def steps(self, steps: list[Any]) -> Call:
        return call("script", *(self.step(s) for s in steps))

    def step(self, step: Any) -> Expr:
        if step.kind == "tool":
            args = {a.name.name: a.value for a in step.args}
            return call("tool_call", step.tool.name, args) if args else call("tool_call", step.tool.name)
        if step.script is not None:
            return call("agent_call", step.agent.name, self.named_script(step.script))
        return call("agent_call", step.agent.name, self.steps(step.steps))

    def named_script(self, ident: nodes.Ident) -> Name:
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
        self.scripts[name] = Definition(var, value, where(symbol.path, symbol.decl.span), script=name)
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
    imports = Imports(namespace, harness)
    build_runtime = imports.module(runtime_module, "build_runtime")
    scope = scope_for(program, path)
    builder = _TestBuilder(path, scope, imports, namespace)
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


def _test_case(builder: _TestBuilder, sc: nodes.ScenarioDecl, suite: nodes.SuiteDecl | None, build_runtime: Name) -> TestCase:
    name = builder.namespace.claim("test_" + snake(sc.name, "scenario"))
    location = where(builder.path, sc.span)
    timeout = _seconds(sc.timeout_ms)
    scenario = call(
        "Scenario",
        sc.name,
        input=sc.input,
        timeout_seconds=timeout,
        max_steps=sc.max_steps,
        max_llm_calls=sc.max_llm_calls,
    )
    entry = sc.agent.name if sc.agent is not None else sc.via.name if sc.via is not None else None
    builder.model_judge = call("provider_judge", build_runtime, agent=entry)  # the provider's model judges
    expectations = [EXPECTATIONS[e.kind].emit(builder, e) for e in sc.expectations]

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
    runtime = call(build_runtime, interpreter=interpreter, testing=testing, handlers=handlers)
    factory: Expr = Lambda(runtime) if runtime.kwargs else build_runtime  # a fresh runtime per run

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


