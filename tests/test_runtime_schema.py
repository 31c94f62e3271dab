"""normalize_schema and the JSON-schema validator behind tool, plan and reference inputs."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

import pytest
from pydantic import BaseModel

from agentspec_runtime import normalize_schema
from agentspec_runtime.schema import Schema, validate_json_schema

# -- normalising -------------------------------------------------------------------


def test_type_map_becomes_an_object_with_every_key_required_and_other_keys_allowed() -> None:
    # the published harness's shape: no additionalProperties, so unknown keys are not refused
    assert normalize_schema({"value": str, "limit": int}) == {
        "type": "object",
        "properties": {"value": {"type": "string"}, "limit": {"type": "integer"}},
        "required": ["value", "limit"],
    }
    assert validate_json_schema({"value": "x", "limit": 1, "extra": True}, normalize_schema({"value": str, "limit": int})) == []


def test_a_key_named_description_in_a_type_map_is_a_field() -> None:
    schema = normalize_schema({"description": str, "type": str})
    assert schema["properties"] == {"description": {"type": "string"}, "type": {"type": "string"}}
    assert schema["required"] == ["description", "type"]


def test_type_map_generics_optionals_literals_and_nested_maps() -> None:
    schema = normalize_schema(
        {
            "tags": list[str],
            "scores": dict[str, float],
            "note": Optional[str],
            "mode": Literal["fast", "slow"],
            "flag": bool,
            "any": Any,
            "where": {"city": str},
        }
    )
    props = schema["properties"]
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert props["scores"] == {"type": "object"}  # as published: a dict's value type is not described
    assert props["note"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert props["mode"] == {"enum": ["fast", "slow"], "type": "string"}
    assert props["flag"] == {"type": "boolean"} and props["any"] == {}
    assert props["where"]["required"] == ["city"]
    assert "note" in schema["required"]  # optional means nullable, the key is still required


def test_json_schema_is_copied_not_shared() -> None:
    original = {"type": "object", "properties": {"a": {"type": "string"}}}
    normalised = normalize_schema(original)
    assert normalised == original and normalised is not original


def test_pydantic_model_gives_its_json_schema() -> None:
    class Flight(BaseModel):
        origin: str
        seats: int = 1

    assert normalize_schema(Flight) == Flight.model_json_schema()


def test_an_empty_dict_is_an_object_without_properties() -> None:
    assert normalize_schema({}) == {"type": "object", "properties": {}}
    assert Schema.of({}).validate({"x": 1})[1] == []
    assert Schema.of({}).validate([1])[1] == ["$: expected object, got array"]


def test_a_json_schema_that_refuses_other_keys_still_does() -> None:
    strict = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}
    assert validate_json_schema({"a": "x", "b": 1}, normalize_schema(strict)) == ["$: unexpected key 'b' (allowed: 'a')"]


class Node(BaseModel):
    label: str
    children: list["Node"] = []


def test_a_recursive_model_keeps_its_self_reference_and_validates() -> None:
    schema = normalize_schema(Node)
    assert schema["$defs"]["Node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    tree = {"label": "root", "children": [{"label": "leaf", "children": [{"label": 1}]}]}
    errors = validate_json_schema(tree, schema)
    assert errors == ["$.children[0].children[0].label: expected string, got integer"]


def test_nested_models_are_inlined_without_defs() -> None:
    class Inner(BaseModel):
        a: int

    class Outer(BaseModel):
        inner: Inner

    schema = normalize_schema(Outer)
    assert "$defs" not in schema
    assert schema["properties"]["inner"]["properties"] == {"a": {"title": "A", "type": "integer"}}


def test_a_typing_union_is_a_schema() -> None:
    class Cat(BaseModel):
        meow: bool

    class Dog(BaseModel):
        bark: bool

    schema = normalize_schema(Union[Cat, Dog])
    assert [branch["title"] for branch in schema["anyOf"]] == ["Cat", "Dog"]
    assert validate_json_schema({"bark": True}, schema) == []
    assert validate_json_schema({"purr": True}, schema) != []


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"value": "string"}, "neither a JSON schema nor a type map"),
        ({"type": "text"}, "unknown JSON-schema type 'text'"),
        ("str", "expected a JSON-schema dict"),
    ],
)
def test_what_is_not_a_schema_is_a_type_error_saying_why(schema: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        normalize_schema(schema)


def test_a_pydantic_model_in_a_type_map_is_its_schema() -> None:
    class Inner(BaseModel):
        a: int

    schema = normalize_schema({"inner": Inner})
    assert schema["properties"]["inner"]["required"] == ["a"]


# -- validating ---------------------------------------------------------------------------

SCHEMA = normalize_schema({"value": str, "limit": int, "ratio": float, "on": bool, "tags": list[str], "note": Optional[str]})
GOOD = {"value": "x", "limit": 3, "ratio": 0.5, "on": True, "tags": ["a"], "note": None}


def test_a_matching_value_has_no_errors() -> None:
    assert validate_json_schema(GOOD, SCHEMA) == []
    assert validate_json_schema({**GOOD, "ratio": 2, "note": "n"}, SCHEMA) == []  # an int is a number


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"value": 1}, "$.value: expected string, got integer"),
        ({"limit": True}, "$.limit: expected integer, got boolean"),
        ({"limit": 1.5}, "$.limit: expected integer, got number"),
        ({"ratio": "1"}, "$.ratio: expected number, got string"),
        ({"on": 0}, "$.on: expected boolean, got integer"),
        ({"tags": ["a", 2]}, "$.tags[1]: expected string, got integer"),
    ],
)
def test_each_mismatch_is_reported_with_its_path(change: dict[str, Any], error: str) -> None:
    errors = validate_json_schema({**GOOD, **change}, SCHEMA)
    assert len(errors) == 1 and errors[0].startswith(error)


def test_missing_keys_and_nullable_mismatch() -> None:
    errors = validate_json_schema({"value": "x"}, SCHEMA)
    assert "$: missing required key 'limit'" in errors and len(errors) == 5
    (note_error,) = validate_json_schema({**GOOD, "note": 3}, SCHEMA)
    assert note_error.startswith("$.note: does not match any allowed form")


def test_enum_const_and_json_equality() -> None:
    assert validate_json_schema("fast", {"enum": ["fast", "slow"]}) == []
    assert validate_json_schema(True, {"enum": [1]}) != []  # True is not 1 in JSON
    assert validate_json_schema(2, {"const": 2}) == []
    assert validate_json_schema(3, {"const": 2}) == ["$: expected 2, got 3"]


def test_type_lists_additional_property_schemas_and_local_refs() -> None:
    schema = {
        "$defs": {"Point": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}},
        "type": "object",
        "properties": {"at": {"$ref": "#/$defs/Point"}, "id": {"type": ["string", "integer"]}},
        "additionalProperties": {"type": "number"},
    }
    assert validate_json_schema({"at": {"x": 1}, "id": 3, "w": 1.5}, schema) == []
    assert validate_json_schema({"at": {}, "id": None, "w": "x"}, schema) == [
        "$.at: missing required key 'x'",
        "$.id: expected string or integer, got null",
        "$.w: expected number, got string",
    ]
    assert validate_json_schema(1, {"$ref": "#/$defs/Nope"}) == ["$: schema has an unresolvable $ref '#/$defs/Nope'"]


def test_one_of_and_all_of() -> None:
    one = {"oneOf": [{"type": "integer"}, {"type": "number"}]}
    assert validate_json_schema(1.5, one) == []
    assert validate_json_schema(1, one) == ["$: matches more than one of the allowed forms"]
    assert validate_json_schema(1, {"allOf": [{"type": "integer"}, {"const": 2}]}) == ["$: expected 2, got 1"]


def test_pydantic_schemas_validate_through_pydantic() -> None:
    class Booking(BaseModel):
        flight_id: str
        seats: int = 1

    schema = Schema.of(Booking)
    value, errors = schema.validate({"flight_id": "NH7"})
    assert errors == [] and value == Booking(flight_id="NH7")
    _, errors = schema.validate({"seats": "many"})
    assert errors == ["$.flight_id: Field required", "$.seats: Input should be a valid integer, unable to parse string as an integer"]
