"""The test module: one pytest test per scenario, as agentgate calls.

Each scenario becomes an agentgate ``Scenario`` (a ``SpecScenario``) with one call per expectation
(``scenario.expect_tool_call(...)``, as its entry in ``agentspec.constructs.expectations`` emits it; harness facts are appended as
``agentspec_runtime.testing.expectations``), each preceded by ``scenario.at(...)`` naming its spec line and text
(so a failure names every failing expectation's line), a ``RuntimeAdapter`` that creates a fresh
runtime with the scenario's interpreter (``live_or``: a live one when selected)
and fixtures, gives it the script (sent only to the scripted interpreter) and
answers approvals, and ``run_scenario`` with the file's suite
settings. Named scripts become module constants, defined before their first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentspec.syntax import nodes
from agentspec.codegen import CodegenError
from agentspec.constructs.expectations import EXPECTATIONS
from agentspec.codegen.imports import Imports, used_names
from agentspec.codegen.ir import Definition, ScoreTest, TestCase, TestModule
from agentspec.codegen.lowering import declarations, spec_text, where, where_exactly
from agentspec.codegen.names import Namespace, constant, snake
from agentspec.codegen.pyexpr import Call, DictOf, Expr, Lambda, ListOf, Name, call
from agentspec.loader import Program
from agentspec.symbols import Scope, scope_for

#: Locals of every generated test function.
TEST_LOCALS = ("scenario", "adapter", "result", "build_runtime", "case", "config", "outcome")


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
    source: str = ""  # the spec file's text, for each expectation's spec line
    comments: list[nodes.Comment] = field(default_factory=list)
    services: dict[str, nodes.ImportPath] = field(default_factory=dict)  # the unit's service factories, in order

    def spec_line(self, node: Any) -> Call:
        """``scenario.at(LOCATION, TEXT)``: the expectations emitted next come from ``node``."""
        return call("scenario.at", where_exactly(self.path, node.span), spec_text(self.source, node.span, self.comments))

    def steps(self, steps: list[Any]) -> Call:
        return call("script", *(self.step(s) for s in steps))

    def step(self, step: Any) -> Expr:
        if step.kind == "tool":
            args = {a.name.name: a.value for a in step.args}
            return call("tool_call", step.tool.name, args) if args else call("tool_call", step.tool.name)
        if step.kind == "say":
            return call("say", step.text)
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
    builder = _TestBuilder(path, scope, imports, namespace, source=program.sources.get(path, ""), comments=spec.comments)
    builder.services = {decl.name.name: decl.factory for _, decl in declarations(program, path, scope, "service")}
    suites = spec.of_kind("suite")
    suite = suites[0] if suites else None

    tests = [_test_case(builder, scenario, suite, build_runtime) for scenario in scenarios]
    scores = [_score_test(builder, scenario, build_runtime) for scenario in scenarios if scenario.score is not None]
    scripts = list(builder.scripts.values())
    exprs: list[Any] = [d.value for d in scripts]
    for test in tests:
        exprs += [test.scenario, test.adapter, test.run, *test.expectations]
    for score in scores:
        exprs += [score.case, score.config, score.run]
    used = used_names(exprs) | {"failure_report"} | ({"score_report"} if scores else set())
    return TestModule(
        spec_path=path,
        module=module,
        imports=imports.lines(used, frozenset({runtime_module})),
        scripts=scripts,
        tests=tests,
        scores=scores,
    )


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else ms / 1000


def _runtime_factory(
    builder: _TestBuilder, sc: nodes.ScenarioDecl, build_runtime: Name, *, live: bool = True
) -> tuple[Expr, Expr | None]:
    """A fresh runtime per run with the scenario's interpreter, fixtures, services and dispatcher,
    and the scripted prompt.

    With ``live`` the interpreter is the scenario's unless a live one is selected
    (AGENTSPEC_INTERPRETER, --agentspec-interpreter): ``live_or()`` then gives
    ``{"interpreter": NAME}``, and the adapter does not send the script.
    """
    handlers = DictOf(tuple((g.tool.name, _given(builder, g)) for g in sc.givens)) if sc.givens else None
    overrides: dict[str, Any] = {"handlers": handlers}
    if sc.services:
        # build_runtime's services= replaces them all: the unit's factories, this scenario's where it has its own
        factories = dict(builder.services) | {s.name.name: s.factory for s in sc.services}
        overrides["services"] = DictOf(tuple((name, Call(builder.imports.user(f))) for name, f in factories.items()))
    if sc.dispatcher is not None:
        overrides["action_dispatcher"] = builder.imports.user(sc.dispatcher)
    script: Expr | None = None
    options: dict[str, Any] = {}
    if sc.mock_response is not None:
        options = {"testing": {"mock_response": sc.mock_response}}
    elif sc.run is not None:
        options = {"interpreter": "scripted"}
        script = builder.named_script(sc.run.script) if sc.run.script is not None else builder.steps(sc.run.steps)
    if not live:
        runtime = call(build_runtime, **options, **overrides)
        return (Lambda(runtime) if runtime.kwargs else build_runtime), script
    runtime = call(build_runtime, **overrides)
    runtime = Call(runtime.func, runtime.args, (("**", call("live_or", **options)), *runtime.kwargs))
    return Lambda(runtime), script


def _given(builder: _TestBuilder, given: nodes.Given) -> Expr:
    """The tool implementation a scenario's ``given`` swaps in."""
    if given.handler is not None:
        return builder.imports.user(given.handler)
    if given.fails is not None:
        return call("fails", given.fails)
    return call("returns", given.returns)


def _approval_answer(decision: nodes.Decision) -> Expr:
    args: list[Any] = [decision.outcome]
    if decision.feedback is not None:
        args.append(decision.feedback)
    return call("ApprovalAnswer", *args, partial=decision.partial if decision.has_partial else None)


def _test_case(builder: _TestBuilder, sc: nodes.ScenarioDecl, suite: nodes.SuiteDecl | None, build_runtime: Name) -> TestCase:
    name = builder.namespace.claim("test_" + snake(sc.name, "scenario"))
    location = where(builder.path, sc.span)
    timeout = _seconds(sc.timeout_ms)
    scenario = call(
        "SpecScenario",
        sc.name,
        input=sc.input,
        timeout_seconds=timeout,
        max_steps=sc.max_steps,
        max_llm_calls=sc.max_llm_calls,
    )
    entry = sc.agent.name if sc.agent is not None else sc.via.name if sc.via is not None else None
    builder.model_judge = call("provider_judge", build_runtime, agent=entry)  # the provider's model judges
    expectations: list[Expr] = []
    for e in sc.expectations:
        expectations += [builder.spec_line(e), EXPECTATIONS[e.kind].emit(builder, e)]
    factory, script = _runtime_factory(builder, sc, build_runtime)

    approvals = None
    if sc.approvals:
        tools: dict[str, Expr] = {}
        plans: dict[str, Expr] = {}
        for answer in sc.approvals:
            answers = [_approval_answer(decision) for decision in answer.decisions]
            # one decision stays one ApprovalAnswer; a sequence is a list, taken in order
            value: Expr = answers[0] if len(answers) == 1 else ListOf(tuple(answers))
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
        script=script,
        approvals=approvals,
        timeout_seconds=timeout,
    )
    run = call("run_scenario", Name("scenario"), Name("adapter"), **_run_settings(sc, suite))
    return TestCase(name, sc.name, location, scenario, expectations, adapter, run)


def _run_settings(sc: nodes.ScenarioDecl, suite: nodes.SuiteDecl | None) -> dict[str, Any]:
    """agentgate's ``TestSuite.run`` settings: the suite's, each replaced by the scenario's own.

    agentgate gives a scenario the least of its own timeout, ``scenario_timeout``
    and what is left of the suite's ``timeout``; each test runs one scenario as
    its suite, so a scenario's ``timeout`` stands for all three.
    """
    settings: dict[str, Any] = {
        "runs": suite.runs if suite else None,
        "min_pass_rate": suite.min_pass_rate if suite else None,
        "timeout_seconds": _seconds(suite.timeout_ms) if suite else None,
        "scenario_timeout": _seconds(suite.scenario_timeout_ms) if suite else None,
    }
    if sc.runs is not None:
        settings["runs"] = sc.runs
    if sc.min_pass_rate is not None:
        settings["min_pass_rate"] = sc.min_pass_rate
    if sc.timeout_ms is not None:
        settings["timeout_seconds"] = settings["scenario_timeout"] = _seconds(sc.timeout_ms)
    return settings


#: spec spelling -> EvalConfig.aggregation_strategy
_AGGREGATIONS = {"mean_score": "meanScore", "pass_rate": "passRate"}
#: a spec's default threshold is the harness's (EvalConfig.pass_threshold)
DEFAULT_SCORE_THRESHOLD = 0.7


def _score_test(builder: _TestBuilder, sc: nodes.ScenarioDecl, build_runtime: Name) -> ScoreTest:
    """The eval test of a scenario's ``score`` block (see agentspec_runtime.scored)."""
    score = sc.score
    assert score is not None
    name = builder.namespace.claim("test_" + snake(sc.name, "scenario") + "_score")
    location = where(builder.path, sc.span)
    # score blocks run scripted: the eval case's input is the script
    factory, prompt = _runtime_factory(builder, sc, build_runtime, live=False)
    case = call(
        "define_test_case",
        sc.name,
        prompt if prompt is not None else (sc.input or ""),
        expected_trajectory=[t.name for t in score.trajectory.tools] if score.trajectory else None,
        trajectory_mode=score.trajectory.mode.name if score.trajectory else None,
        expected_actions=_expected_actions(score),
        final_response=_final_response(score),
    )
    entry = sc.agent or sc.via
    config = call(
        "define_eval_config",
        mode="specialist" if sc.agent is not None else None,
        target_agent_id=entry.name if entry is not None else None,
        samples_per_case=score.runs or 1,
        pass_threshold=score.threshold if score.threshold is not None else DEFAULT_SCORE_THRESHOLD,
        concurrency=1,
        k_values=sorted({1, score.pass_at}) if score.pass_at else [1],
        aggregation_strategy=_AGGREGATIONS[score.aggregate.name if score.aggregate else "mean_score"],
        score_weights=_weights(score),
        scorer_config=_trajectory_config(score),
    )
    run = call("score_scenario", factory, Name("case"), Name("config"), spec=builder.path, pass_at=score.pass_at)
    return ScoreTest(name, sc.name, location, case, config, run)


def _expected_actions(score: nodes.ScoreBlock) -> Call | None:
    if not score.actions:
        return None
    buckets: dict[str, Expr] = {}
    match = None
    for line in score.actions:
        buckets[f"{line.bucket.name}_actions"] = ListOf(
            tuple(call("define_expected_action", a.type, a.payload) if a.payload else call("define_expected_action", a.type) for a in line.actions)
        )
        if line.match is not None:
            match = line.match.name  # one payload match per case (the harness's rule); the last line's wins
    return call("define_expected_actions", **buckets, payload_match=match)


def _final_response(score: nodes.ScoreBlock) -> Call | None:
    if not score.responses:
        return None
    scorers = []
    for index, response in enumerate(score.responses, 1):
        options = response.options
        common = {"required": True if options.required else None, "weight": options.weight}
        scorer_id = f"{response.method}_{index}"
        if response.method == "contains":
            scorers.append(call("ResponseScorer.contains", id=scorer_id, text=response.text, case_sensitive=False if options.ignore_case else None, **common))
        elif response.method == "equals":
            scorers.append(call("ResponseScorer.exact", id=scorer_id, expected=response.text, **common))
        else:
            scorers.append(call("ResponseScorer.regex", id=scorer_id, pattern=response.text, **common))
    return call("define_final_response_eval", scorers=ListOf(tuple(scorers)), pass_threshold=score.response_threshold)


def _weights(score: nodes.ScoreBlock) -> dict[str, float] | None:
    """Explicit component weights when the block gives any (the others count 1); else the preset's."""
    given = {}
    if score.trajectory is not None:
        given["trajectory"] = score.trajectory.options.weight
    for line in score.actions:
        given[f"{line.bucket.name}_actions"] = line.options.weight
    if score.responses:
        given["final_response"] = score.response_weight
    if all(weight is None for weight in given.values()):
        return None
    return {key: (weight if weight is not None else 1) for key, weight in given.items()}


def _trajectory_config(score: nodes.ScoreBlock) -> Call | None:
    trajectory = score.trajectory
    if trajectory is None or not (trajectory.options.sub_agents or trajectory.options.ignore):
        return None
    return call(
        "define_trajectory_scorer_config",
        include_sub_agents=True if trajectory.options.sub_agents else None,
        ignore_tools=[t.name for t in trajectory.options.ignore] or None,
    )
