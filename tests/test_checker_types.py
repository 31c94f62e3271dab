"""Spec types: the JSON schemas code generation emits, and value checks that agree with the runtime.

The property test is the point: for any type and any JSON value, the checker
accepts the value exactly when the runtime's validator accepts it under the
schema we generate. So a scripted argument the checker lets through is never
rejected at run time, and the other way round.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentspec.syntax import nodes
from agentspec import spectypes
from agentspec.syntax.parser import parse

validate = pytest.importorskip("agentspec_runtime.schema").validate_json_schema

ZERO = nodes.Span(line=1, column=1, end_line=1, end_column=1, start=0, end=0)


def t(name: str, item: nodes.TypeRef | None = None, optional: bool = False) -> nodes.TypeRef:
    return nodes.TypeRef(name=name, item=item, optional=optional, span=ZERO)


def first(text: str):
    result = parse(text, "t.agentspec")
    assert result.diagnostics == []
    return result.spec.declarations[0]


@pytest.mark.parametrize(
    "type_ref, schema",
    [
        (t("str"), {"type": "string"}),
        (t("int"), {"type": "integer"}),
        (t("float"), {"type": "number"}),
        (t("bool"), {"type": "boolean"}),
        (t("json"), {}),
        (t("json", optional=True), {}),
        (t("int", optional=True), {"type": ["integer", "null"]}),
        (t("list", t("str")), {"type": "array", "items": {"type": "string"}}),
        (
            t("list", t("int", optional=True), optional=True),
            {"type": ["array", "null"], "items": {"type": ["integer", "null"]}},
        ),
    ],
)
def test_json_schema(type_ref, schema):
    assert spectypes.json_schema(type_ref) == schema


def test_params_schema_keeps_declaration_order_and_knows_what_is_required():
    tool = first("tool s(origin: str, date: str?, limit: int = 10, tags: list[str], when: str? = null) {}")
    schema = spectypes.params_schema(tool.params)
    assert schema == {
        "type": "object",
        "properties": {
            "origin": {"type": "string"},
            "date": {"type": ["string", "null"]},
            "limit": {"type": "integer", "default": 10},
            "tags": {"type": "array", "items": {"type": "string"}},
            "when": {"type": ["string", "null"], "default": None},
        },
        "required": ["origin", "tags"],
        "additionalProperties": False,
    }
    assert list(schema["properties"]) == ["origin", "date", "limit", "tags", "when"]


REFERENCES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "id": {"type": "string"}},
        "required": ["kind", "id"],
        "additionalProperties": False,
    },
}


def test_plan_schema():
    plan = first(
        "plan P { rationale: str  note: str?  action reorder { product_id: str, quantity: int }  action hold { } }"
    )
    schema = spectypes.plan_schema(plan)
    assert schema == {
        "type": "object",
        "properties": {
            "rationale": {"type": "string"},
            "note": {"type": ["string", "null"]},
            "actions": {
                "type": "array",
                "items": {
                    "anyOf": [
                        {
                            "type": "object",
                            "properties": {
                                "kind": {"const": "reorder"},
                                "product_id": {"type": "string"},
                                "quantity": {"type": "integer"},
                                "references": REFERENCES,
                            },
                            "required": ["kind", "product_id", "quantity"],
                            "additionalProperties": False,
                        },
                        {
                            "type": "object",
                            "properties": {"kind": {"const": "hold"}, "references": REFERENCES},
                            "required": ["kind"],
                            "additionalProperties": False,
                        },
                    ]
                },
            },
        },
        "required": ["rationale", "actions"],
        "additionalProperties": False,
    }
    ok = {"rationale": "r", "actions": [{"kind": "reorder", "product_id": "a", "quantity": 1}, {"kind": "hold"}]}
    assert validate(ok, schema) == []
    assert validate({"rationale": "r", "actions": [{"kind": "reorder", "product_id": "a"}]}, schema) != []
    assert validate({"rationale": "r"}, schema) != []
    linked = {"kind": "hold", "references": [{"kind": "Supplier", "id": "s1"}]}
    assert validate({"rationale": "r", "actions": [linked]}, schema) == []


def test_a_plan_without_actions_takes_an_empty_list_only():
    schema = spectypes.plan_schema(first("plan P { }"))
    assert validate({"actions": []}, schema) == []
    assert validate({"actions": [{"kind": "x"}]}, schema) != []


def test_reference_schema():
    ref = first("reference Supplier { name: str  rating: float?  ttl 5m }")
    assert spectypes.reference_schema(ref) == {
        "type": "object",
        "properties": {"name": {"type": "string"}, "rating": {"type": ["number", "null"]}},
        "required": ["name"],
        "additionalProperties": False,
    }


@pytest.mark.parametrize(
    "value, type_ref, reason",
    [
        ("10", t("int"), 'expected int, got string "10"'),
        (True, t("int"), "expected int, got boolean true"),
        (1.5, t("int"), "expected int, got number 1.5"),
        (1, t("float"), None),
        (None, t("str"), "expected str, got null (only optional types such as `str?` accept null)"),
        (None, t("str", optional=True), None),
        (None, t("json"), None),
        ({"a": [1]}, t("json"), None),
        ([1, "2"], t("list", t("int")), 'item 1: expected int, got string "2"'),
        ("x" * 50, t("bool"), 'expected bool, got string "xxxxxxxxxxxxxxxxxxxxxxxxxxx..."'),
        ({}, t("list", t("str"), optional=True), "expected list[str]?, got an object"),
    ],
)
def test_check_value(value, type_ref, reason):
    assert spectypes.check_value(value, type_ref) == reason


# ---- the checker and the runtime agree ------------------------------------------------

scalars = st.sampled_from(["str", "int", "float", "bool", "json"])
type_refs = st.recursive(
    st.builds(lambda n, o: t(n, optional=o), scalars, st.booleans()),
    lambda inner: st.builds(lambda i, o: t("list", i, optional=o), inner, st.booleans()),
    max_leaves=3,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=500, deadline=None)
@given(type_refs, json_values)
def test_check_value_agrees_with_the_runtime_validator(type_ref, value):
    ours = spectypes.check_value(value, type_ref) is None
    runtimes = validate(value, spectypes.json_schema(type_ref)) == []
    assert ours == runtimes, (spectypes.spelling(type_ref), value)


@settings(max_examples=200, deadline=None)
@given(type_refs, json_values)
def test_list_values_of_the_item_type_are_accepted(type_ref, value):
    if spectypes.check_value(value, type_ref) is None:
        assert spectypes.check_value([value, value], t("list", type_ref)) is None


def test_type_problems():
    assert spectypes.type_problem(t("list"))[1] == "`list` needs an item type, as in `list[str]`"
    assert spectypes.type_problem(t("list", t("lst")))[1] == "unknown type `lst`"
    assert spectypes.type_problem(t("list", t("list", t("int")))) is None
    assert spectypes.spelling(t("list", t("int", optional=True), optional=True)) == "list[int?]?"
