"""The second back end: the lowered IR run directly, without writing Python source.

``render`` turns a ``RuntimeModule`` and a ``TestModule`` into the text of two
modules; this module gives the same IR the meaning that text has, in
process: every ``pyexpr`` expression is evaluated against the names its
module would import (the same import lines, resolved with ``importlib``), the
runtime definitions are evaluated once in order as the module body would be,
``build_runtime`` does what the runtime template's function does, and a test
runs the statements of the test template: the scenario, each expectation,
the adapter, the run, and the failure report. So the pytest plugin and the
generated tests cannot drift apart: both are the one lowering, read by two
back ends.

Nothing here reads spec text or knows a construct: a new construct reaches
both back ends through the IR alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from agentspec.codegen import CodegenError
from agentspec.codegen.imports import ImportLine
from agentspec.codegen.ir import RuntimeModule, ScoreTest, TestCase, TestModule
from agentspec.codegen.pyexpr import Call, DictOf, Expr, Lambda, ListOf, Lit, Name

Scope = Mapping[str, Any]


class ScenarioFailed(AssertionError):
    """A scenario's expectations failed; the message is the generated test's failure report."""


def evaluate(expr: Expr, scope: Scope) -> Any:
    """The value ``pyexpr.source(expr)`` would have, evaluated in ``scope``.

    Run once per node of every scenario, so it is written for speed: exact type tests
    (the node classes are final) in the order of how often each kind occurs."""
    kind = type(expr)
    if kind is Lit:
        value = expr.value
        # a literal in source makes a fresh object each time it runs; str, numbers, bools and None are immutable
        return _fresh(value) if isinstance(value, (list, tuple, dict)) else value
    if kind is Name:
        first, _, attributes = expr.id.partition(".")
        try:
            value = scope[first]
        except KeyError:
            raise CodegenError(f"name {first!r} is not bound in the lowered module") from None
        if attributes:
            for attribute in attributes.split("."):
                value = getattr(value, attribute)
        return value
    if kind is Call:
        func = evaluate(expr.func, scope)
        args = [evaluate(a, scope) for a in expr.args]
        if not expr.kwargs:
            return func(*args)
        kwargs: dict[str, Any] = {}
        for key, value in expr.kwargs:
            if key == "**":
                kwargs.update(evaluate(value, scope))
            else:
                kwargs[key] = evaluate(value, scope)
        return func(*args, **kwargs)
    if kind is ListOf:
        return [evaluate(i, scope) for i in expr.items]
    if kind is DictOf:
        return {key: evaluate(value, scope) for key, value in expr.items}
    if kind is Lambda:
        body = expr.body
        return lambda: evaluate(body, scope)
    raise TypeError(f"not an expression: {expr!r}")


def _fresh(value: Any) -> Any:
    """A new copy of literal data, as running its source makes one: ``pyexpr.literal`` writes any
    dict as a dict display and a tuple as a list. Several times cheaper than ``copy.deepcopy``,
    which keeps shared identities and copies any type, neither of which literal data has."""
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_fresh(item) for item in value]
    return value


def imported(
    lines: list[list[ImportLine]], provided: Mapping[str, Mapping[str, Any]] = {}
) -> dict[str, Any]:
    """What the module's import lines bind: alias → object. ``provided`` stands in
    for modules that exist only in process (a lowered runtime module, by name)."""
    names: dict[str, Any] = {}
    for group in lines:
        for line in group:
            module = provided.get(line.module)
            # a real module is read with getattr, as ``from m import name`` does: a module
            # __getattr__ (agentspec_runtime's lazily imported eval names) answers too
            real = importlib.import_module(line.module) if module is None else None
            for name, alias in line.names:
                try:
                    names[alias] = module[name] if module is not None else getattr(real, name)
                except (KeyError, AttributeError):
                    raise ImportError(f"cannot import name {name!r} from {line.module!r}") from None
    return names


def runtime_namespace(module: RuntimeModule) -> dict[str, Any]:
    """The module-level names of the runtime module: its definitions and ``build_runtime``."""
    scope: dict[str, Any] = imported(module.imports)
    for definition in [module.tenant, *module.tools, *module.plans, *module.references, *module.agents]:
        scope[definition.name] = evaluate(definition.value, scope)
    scope["RUNTIME_SPEC"] = evaluate(module.runtime_spec, scope)

    def build_runtime(
        *,
        handlers: Mapping[str, Callable[..., Any]] | None = None,
        interpreter: str | None = None,
        testing: Any = None,
        services: Mapping[str, Any] | None = None,
        action_dispatcher: Callable[..., Any] | None = None,
    ) -> Any:
        spec = scope["override_handlers"](scope["RUNTIME_SPEC"], handlers) if handlers else scope["RUNTIME_SPEC"]
        if services is None and module.services is not None:
            services = evaluate(module.services, scope)
        if action_dispatcher is None and module.dispatcher is not None:
            action_dispatcher = evaluate(module.dispatcher, scope)
        return scope["create_runtime"](
            spec,
            interpreter=interpreter,
            testing=testing,
            services=services,
            action_dispatcher=action_dispatcher,
        )

    scope["build_runtime"] = build_runtime
    return scope


def test_namespace(module: TestModule, runtime_module: str, runtime: Mapping[str, Any]) -> dict[str, Any]:
    """The module-level names of the test module: its imports (``runtime_module``
    is ``runtime``) and its named scripts."""
    scope = imported(module.imports, {runtime_module: runtime})
    for definition in module.scripts:
        scope[definition.name] = evaluate(definition.value, scope)
    return scope


class _Locals(dict):
    """A test function's local variables; any other name is its module's, read through (the
    module's names are shared by its tests and never written, so they are not copied)."""

    __slots__ = ("module",)

    def __init__(self, module: Scope) -> None:
        super().__init__()
        self.module = module

    def __missing__(self, name: str) -> Any:
        return self.module[name]


def run_test(test: TestCase, module_scope: Scope) -> None:
    """The body of the generated test function. Raises ``ScenarioFailed`` with its report."""
    scope = _Locals(module_scope)
    try:
        scope["scenario"] = evaluate(test.scenario, scope)
        for expectation in test.expectations:
            evaluate(expectation, scope)
        scope["adapter"] = evaluate(test.adapter, scope)
        result = evaluate(test.run, scope)
        if not result.passed:
            raise ScenarioFailed(scope["failure_report"](result, test.location))
    finally:
        # the adapter holds the runtime factory, a lambda that holds this scope: a cycle, which
        # would leave the test's objects to the garbage collector. A generated test's lambda reads
        # module names only and holds nothing of the test; emptying the locals here frees them
        # on return, as its locals are, and leaves the lambda the module's names.
        scope.clear()


def run_score(test: ScoreTest, module_scope: Scope) -> None:
    """The body of a generated score test. Raises ``ScenarioFailed`` with its report."""
    scope = _Locals(module_scope)
    try:
        scope["case"] = evaluate(test.case, scope)
        scope["config"] = evaluate(test.config, scope)
        outcome = evaluate(test.run, scope)
        if not outcome.passed:
            raise ScenarioFailed(scope["score_report"](outcome, test.location))
    finally:
        scope.clear()  # as in run_test: nothing of the test outlives it through a lambda that holds the scope
