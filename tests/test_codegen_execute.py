"""``codegen.execute`` gives the lowered IR the meaning its generated source has, run in process.

Every example spec runs both ways in tests/test_pytest_plugin.py; here are the
properties of the evaluator those runs would not show: a literal is new data
on every run, as a literal in source is; a test's locals are its own; and a
finished test leaves nothing behind for the garbage collector (a generated
test's objects are freed when it returns).
"""

from __future__ import annotations

import gc
import weakref
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentspec.codegen import CodegenError
from agentspec.codegen.execute import ScenarioFailed, evaluate, run_test
from agentspec.codegen.pyexpr import Call, Lambda, Lit, Name, literal

LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
DATA = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3)
    | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)


def shape(value: Any) -> Any:
    """``value`` with the type of every container and leaf, to compare types as well as values."""
    if isinstance(value, dict):
        return ("dict", [(key, shape(item)) for key, item in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [shape(item) for item in value])
    return (type(value).__name__, value)


def containers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(c for item in value.values() for c in containers(item))]
    if isinstance(value, (list, tuple)):
        return [value, *(c for item in value for c in containers(item))]
    return []


@given(DATA)
def test_a_literal_is_the_value_its_source_makes_and_new_data(value: Any) -> None:
    made = evaluate(Lit(value), {})
    assert shape(made) == shape(eval(literal(value)))  # a tuple is written, and so made, as a list
    mine = {id(c) for c in containers(made) if not isinstance(c, tuple)}
    assert not mine & {id(c) for c in containers(value)}  # nothing shared with the IR, at any depth


def test_each_evaluation_of_a_literal_makes_new_data() -> None:
    expr = Lit({"items": [{"sku": "A"}], "note": "x"})
    first = evaluate(expr, {})
    first["items"][0]["sku"] = "changed"
    first["items"].append("more")
    assert evaluate(expr, {}) == {"items": [{"sku": "A"}], "note": "x"}
    assert expr.value == {"items": [{"sku": "A"}], "note": "x"}


class Adapter:
    def __init__(self, factory: Any) -> None:
        self.factory = factory


class Scenario:
    def __init__(self, name: str, **data: Any) -> None:
        self.name, self.data, self.seen = name, data, []

    def at(self, location: str) -> None:
        self.seen.append(location)


def module(**names: Any) -> dict[str, Any]:
    """A test module's names: a scenario whose run calls the adapter's factory, and passes
    unless the scenario's data says otherwise."""

    def run_scenario(scenario: Scenario, adapter: Adapter) -> SimpleNamespace:
        runtime = adapter.factory()
        return SimpleNamespace(passed=scenario.data.get("passes", True), runtime=runtime)

    return {
        "SpecScenario": Scenario,
        "RuntimeAdapter": Adapter,
        "run_scenario": run_scenario,
        "build_runtime": lambda **options: SimpleNamespace(**options),
        "failure_report": lambda result, location: f"failed at {location}",
        **names,
    }


def case(scenario: Any, *expectations: Any, title: str = "s") -> SimpleNamespace:
    """A lowered test (the fields ``run_test`` reads): ``adapter = RuntimeAdapter(lambda: build_runtime(...))``."""
    factory = Lambda(Call(Name("build_runtime"), (), (("interpreter", Lit("scripted")),)))
    return SimpleNamespace(
        location="specs/x.agentspec:3",
        scenario=scenario,
        expectations=list(expectations),
        adapter=Call(Name("RuntimeAdapter"), (factory,)),
        run=Call(Name("run_scenario"), (Name("scenario"), Name("adapter"))),
    )


def test_a_literal_in_a_test_is_new_on_every_run() -> None:
    seen: list[dict[str, Any]] = []
    names = module(keep=lambda data: seen.append(data) or data["tags"].append("mutated"))
    test = case(Call(Name("SpecScenario"), (Lit("s"),)), Call(Name("keep"), (Lit({"tags": ["a"]}),)))
    run_test(test, names)
    run_test(test, names)
    assert seen == [{"tags": ["a", "mutated"]}, {"tags": ["a", "mutated"]}]
    assert seen[0] is not seen[1]


def test_a_tests_locals_are_its_own() -> None:
    names = module()
    run_test(case(Call(Name("SpecScenario"), (Lit("first"),))), names)
    assert "scenario" not in names and "adapter" not in names  # the module's names are not written
    # the next test's scenario reads `adapter` before its own is assigned: the first test's is not there
    with pytest.raises(CodegenError, match="'adapter' is not bound"):
        run_test(case(Call(Name("SpecScenario"), (Name("adapter"),))), names)


def test_a_failing_scenario_raises_its_report() -> None:
    test = case(Call(Name("SpecScenario"), (Lit("s"),), (("passes", Lit(False)),)))
    with pytest.raises(ScenarioFailed, match="failed at specs/x.agentspec:3"):
        run_test(test, module())


def test_a_finished_test_leaves_nothing_to_the_garbage_collector() -> None:
    """The adapter holds the runtime factory (a lambda evaluated in the test's scope, which
    holds the adapter): once the test returns, its objects are freed by reference counting,
    as a generated test's are, and the factory still builds a runtime from the module's names."""
    made: list[Any] = []
    names = module(RuntimeAdapter=lambda factory: made.append(Adapter(factory)) or made[-1])
    gc.disable()
    try:
        run_test(case(Call(Name("SpecScenario"), (Lit("s"),))), names)
        adapter = weakref.ref(made[0])
        factory = made.pop().factory
        assert adapter() is None
        assert factory().interpreter == "scripted"
    finally:
        gc.enable()
