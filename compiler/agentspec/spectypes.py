"""Spec types (``str int float bool json list[T] T?``): JSON schemas and value checks.

One mapping, used twice: the checker validates literal values written in a
spec (defaults, scripted tool arguments, plan bodies) with ``check_value``,
and code generation emits the same types as JSON schemas (``params_schema``,
``plan_schema``, ``reference_schema``) for the runtime's input validation.
Keeping both here means a value the checker accepts is a value the runtime
accepts.

Rules (the runtime's validator agrees with each of them):

- ``int`` is a whole number (``true`` is not ``1``); ``float`` accepts any
  number, ints included; ``json`` accepts anything, ``null`` included.
- ``null`` is accepted only by an optional type (``T?``) or ``json``.
- ``list[T]`` is a list whose every item is a ``T``.

Schemas are plain dicts in declaration order, so generated code is
byte-identical from run to run.
"""

from __future__ import annotations

import json
from typing import Any

from agentspec.syntax import nodes

SCALAR_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "json": {},
}
TYPE_NAMES = ("str", "int", "float", "bool", "json", "list")
TYPE_HINT = "types are str, int, float, bool, json and list[T]; add `?` for optional"

# The keys a plan body reserves for its actions, and an action for its kind and
# the references it names (the runtime's dispatcher contract: an action is
# ``{kind, references?, ...payload fields}``).
PLAN_ACTIONS_KEY = "actions"
ACTION_KIND_KEY = "kind"
ACTION_REFERENCES_KEY = "references"
REFERENCE_LINK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"kind": {"type": "string"}, "id": {"type": "string"}},
    "required": ["kind", "id"],
    "additionalProperties": False,
}


def type_problem(type_ref: nodes.TypeRef) -> tuple[nodes.TypeRef, str] | None:
    """The first thing wrong with a written type, as (the offending part, reason)."""
    if type_ref.name not in TYPE_NAMES:
        return type_ref, f"unknown type `{type_ref.name}`"
    if type_ref.name == "list" and type_ref.item is None:
        return type_ref, "`list` needs an item type, as in `list[str]`"
    if type_ref.name != "list" and type_ref.item is not None:
        return type_ref, f"`{type_ref.name}` takes no item type; only `list[T]` does"
    if type_ref.item is not None:
        return type_problem(type_ref.item)
    return None


def spelling(type_ref: nodes.TypeRef) -> str:
    """The type as a user writes it: ``list[str]?``."""
    text = type_ref.name
    if type_ref.item is not None:
        text += f"[{spelling(type_ref.item)}]"
    return text + ("?" if type_ref.optional else "")


def is_required(param: nodes.Param) -> bool:
    """A caller must pass it: no default, and not optional."""
    return not param.has_default and not param.type.optional


# ---- JSON schemas -----------------------------------------------------------


def json_schema(type_ref: nodes.TypeRef) -> dict[str, Any]:
    """The JSON schema of one type. Unknown type names give ``{}`` (the checker reports them)."""
    if type_ref.name == "list":
        schema: dict[str, Any] = {"type": "array"}
        if type_ref.item is not None:
            schema["items"] = json_schema(type_ref.item)
    else:
        schema = dict(SCALAR_TYPES.get(type_ref.name, {}))
    if type_ref.optional and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return schema


def _object_schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def params_schema(params: list[nodes.Param]) -> dict[str, Any]:
    """A tool's input schema: one property per param; required = no default and not optional."""
    properties: dict[str, Any] = {}
    for param in params:
        schema = json_schema(param.type)
        if param.has_default:
            schema["default"] = param.default
        properties.setdefault(param.name.name, schema)
    required = [p.name.name for p in params if is_required(p)]
    return _object_schema(properties, list(dict.fromkeys(required)))


def fields_schema(fields: list[nodes.Field_]) -> dict[str, Any]:
    """An object with these fields; a field is required unless its type is optional."""
    properties: dict[str, Any] = {}
    for field in fields:
        properties.setdefault(field.name.name, json_schema(field.type))
    required = [f.name.name for f in fields if not f.type.optional]
    return _object_schema(properties, list(dict.fromkeys(required)))


def action_schema(action: nodes.ActionDecl) -> dict[str, Any]:
    """One plan action: ``{kind: "<name>", ...fields}``, optionally naming ``references: [{kind, id}]``."""
    schema = fields_schema(action.fields)
    schema["properties"] = {
        ACTION_KIND_KEY: {"const": action.name.name},
        **schema["properties"],
        ACTION_REFERENCES_KEY: {"type": "array", "items": dict(REFERENCE_LINK_SCHEMA)},
    }
    schema["required"] = [ACTION_KIND_KEY, *schema["required"]]
    return schema


def plan_schema(plan: nodes.PlanDecl) -> dict[str, Any]:
    """A plan body: the plan's fields plus ``actions``, a list of its actions (always required)."""
    schema = fields_schema(plan.fields)
    # A plan without actions takes an empty list (``items: false`` admits no item).
    items: Any = {"anyOf": [action_schema(a) for a in plan.actions]} if plan.actions else False
    actions = {"type": "array", "items": items}
    schema["properties"] = {**schema["properties"], PLAN_ACTIONS_KEY: actions}
    schema["required"] = [*schema["required"], PLAN_ACTIONS_KEY]
    return schema


def reference_schema(reference: nodes.ReferenceDecl) -> dict[str, Any]:
    """A reference kind's payload: its fields."""
    return fields_schema(reference.fields)


# ---- checking literal values --------------------------------------------------


def describe_value(value: Any) -> str:
    """A short, readable rendering of a literal value with its kind: ``string "SFO"``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value!r}"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        if len(text) > 32:
            text = text[:28] + '..."'
        return f"string {text}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__  # pragma: no cover - literals are JSON data


def check_value(value: Any, type_ref: nodes.TypeRef) -> str | None:
    """Why ``value`` is not a ``type_ref`` (e.g. ``expected int, got string "10"``), or None if it is."""
    if value is None:
        if type_ref.optional or type_ref.name == "json":
            return None
        return (
            f"expected {spelling(type_ref)}, got null (only optional types such as `{spelling(type_ref)}?` accept null)"
        )
    name = type_ref.name
    if name == "json" or name not in TYPE_NAMES:
        return None  # unknown type names are reported where the type is written
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list": isinstance(value, list),
    }[name]
    if not ok:
        return f"expected {spelling(type_ref)}, got {describe_value(value)}"
    if name == "list" and type_ref.item is not None:
        for index, item in enumerate(value):
            reason = check_value(item, type_ref.item)
            if reason:
                return f"item {index}: {reason}"
    return None
