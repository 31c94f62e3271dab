"""Input schemas: normalising what users write, and validating values against it.

Tools, plans and references accept these ways of describing their input:

* a JSON-schema dict (used as is, after a sanity check);
* a pydantic model class (its ``model_json_schema()``; values are validated by
  pydantic itself, so every pydantic feature keeps working); local ``$ref``s
  are inlined, except where a model is recursive;
* any other type pydantic can describe (``list[int]``, ``A | B``, a ``TaggedUnion``);
* a *type map* such as ``{"value": str, "limit": int}`` — every key becomes a
  required property (other keys are not refused, as in the published harness;
  write a JSON schema with ``additionalProperties: false`` to refuse them). A key literally named
  ``description`` (or ``type``) is a field like any other: a dict is a type map
  when its values are Python types, and a JSON schema when they are not.

:func:`normalize_schema` turns any of these into a JSON schema;
:class:`Schema` keeps the schema together with the pydantic model (if any) and
validates values, returning readable error strings rather than raising, so the
runtime can put them in a tool result.

The validator implements the JSON-schema subset this module produces and that
pydantic emits for ordinary models: ``type`` (object, string, integer, number,
boolean, array, null, or a list of them), ``properties``, ``required``,
``additionalProperties`` (bool or schema), ``items``, ``anyOf``, ``oneOf``,
``allOf``, ``enum``, ``const`` and local ``$ref`` into ``$defs``/``definitions``.
Annotations such as ``title``, ``description``, ``default`` and ``format`` are
ignored.
"""

from __future__ import annotations

import copy
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import BaseModel, TypeAdapter, ValidationError

JSON_SCHEMA_KEYWORDS = frozenset(
    {
        "type", "properties", "required", "additionalProperties", "items", "anyOf", "oneOf",
        "allOf", "enum", "const", "$ref", "$defs", "definitions", "title", "description",
        "default", "format", "examples", "minimum", "maximum", "minLength", "maxLength",
        "minItems", "maxItems", "pattern", "$schema", "$id", "not", "prefixItems",
    }
)

_JSON_TYPES = ("object", "string", "integer", "number", "boolean", "array", "null")

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dict: {"type": "object"},
    list: {"type": "array"},
    type(None): {"type": "null"},
    None: {"type": "null"},
    Any: {},
}


def is_pydantic_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _is_type_like(value: Any) -> bool:
    if isinstance(value, dict):
        return bool(value) and all(_is_type_like(v) for v in value.values())
    if value is None or value is Any or isinstance(value, type):
        return True
    return typing.get_origin(value) is not None


def _is_type_map(value: dict[str, Any]) -> bool:
    return not value or all(_is_type_like(v) for v in value.values())


def _annotation_schema(annotation: Any, where: str) -> dict[str, Any]:
    """One type-map value as a JSON schema, as the published harness maps it."""
    if isinstance(annotation, dict):
        return normalize_schema(annotation, where=where)
    if annotation is list:
        return {"type": "array", "items": {}}
    if annotation in _SCALARS:
        return dict(_SCALARS[annotation])
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (dict, typing.Dict):
        return {"type": "object"}
    if origin in (list, typing.List):
        return {"type": "array", "items": _annotation_schema(args[0], f"{where}[]") if args else {}}
    if origin in (Union, types.UnionType):
        present = [arg for arg in args if arg is not type(None)]
        if len(present) == 1:  # Optional[X]
            return {"anyOf": [_annotation_schema(present[0], where), {"type": "null"}]}
    try:
        return _inline_refs(TypeAdapter(annotation).json_schema())
    except Exception:  # noqa: BLE001 - what pydantic cannot describe is taken as an object, as published
        return {"type": "object"}


def _type_map_schema(type_map: dict[str, Any], where: str) -> dict[str, Any]:
    """``{"query": str}`` → an object whose keys are all required (extra keys are not refused)."""
    properties: dict[str, Any] = {}
    for key, annotation in type_map.items():
        if not isinstance(key, str):
            raise TypeError(f"{where}: type-map keys must be strings, got {key!r}")
        properties[key] = _annotation_schema(annotation, f"{where}.{key}")
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if properties:
        schema["required"] = list(type_map)
    return schema


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace local ``#/$defs/...`` references by the definitions they name.

    A recursive model cannot be inlined; its self-references stay ``$ref`` and
    the ``$defs`` they need are kept.
    """
    result = copy.deepcopy(schema)
    defs = result.pop("$defs", {})
    recursive = False

    def resolve(value: Any, open_defs: frozenset[str]) -> Any:
        nonlocal recursive
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.rsplit("/", 1)[-1]
                if name in open_defs:
                    recursive = True
                    return {"$ref": ref}
                if name in defs:
                    return resolve(defs[name], open_defs | {name})
            return {key: resolve(item, open_defs) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item, open_defs) for item in value]
        return value

    resolved = resolve(result, frozenset())
    if recursive and defs:
        resolved["$defs"] = defs
    return resolved


def _check_json_schema(schema: dict[str, Any], where: str) -> None:
    unknown = [k for k in schema if k not in JSON_SCHEMA_KEYWORDS]
    if unknown and not any(k in schema for k in ("type", "properties", "anyOf", "$ref", "enum")):
        raise TypeError(
            f"{where}: {schema!r} is neither a JSON schema nor a type map "
            f"(unknown keywords {unknown}; in a type map every value must be a Python type "
            "such as str or list[int])"
        )
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [declared] if declared is not None else []
    for name in names:
        if name not in _JSON_TYPES:
            raise TypeError(f"{where}: unknown JSON-schema type {name!r}; expected one of {list(_JSON_TYPES)}")


def normalize_schema(schema: Any, *, where: str = "schema") -> dict[str, Any]:
    """Return the JSON schema for a JSON-schema dict, a pydantic model, a type map
    or any other type pydantic can describe (``list[int]``, ``A | B``, a ``TaggedUnion``).

    Local ``$ref``s are inlined (kept, with their ``$defs``, only where a model
    is recursive). Raises ``TypeError`` with ``where`` in the message when the
    input is none of these. An empty dict is an empty type map: an object with no keys.
    """
    if is_pydantic_model(schema):
        return _inline_refs(schema.model_json_schema())
    if isinstance(schema, dict):
        if _is_type_map(schema):
            return _type_map_schema(schema, where)
        _check_json_schema(schema, where)
        return _inline_refs(schema)
    if isinstance(schema, (str, bytes, int, float)) or schema is None:
        raise TypeError(
            f"{where}: expected a JSON-schema dict, a pydantic model or a type map like "
            f"{{'value': str}}, got {type(schema).__name__}"
        )
    try:
        return _inline_refs(TypeAdapter(schema).json_schema())
    except Exception as exc:  # noqa: BLE001 - pydantic's many error types become one clear TypeError
        raise TypeError(f"{where}: unsupported schema input {schema!r} ({exc})") from None


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _has_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, (list, tuple))
    if name == "object":
        return isinstance(value, dict)
    return False


def _json_equal(left: Any, right: Any) -> bool:
    """Equality as JSON sees it: ``True`` is not ``1``."""
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return left == right


def _resolve_ref(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref is supported, got {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def validate_json_schema(value: Any, schema: dict[str, Any], *, path: str = "$") -> list[str]:
    """Validate ``value`` against ``schema``; return error strings (empty when valid)."""
    errors: list[str] = []
    _validate(value, schema, schema, path, errors)
    return errors


def _validate(value: Any, schema: Any, root: dict[str, Any], path: str, errors: list[str]) -> None:
    if schema is True or schema == {}:
        return
    if schema is False:
        errors.append(f"{path}: no value is allowed here")
        return
    if "$ref" in schema:
        try:
            target = _resolve_ref(schema["$ref"], root)
        except (KeyError, TypeError, ValueError):
            errors.append(f"{path}: schema has an unresolvable $ref {schema['$ref']!r}")
            return
        _validate(value, target, root, path, errors)
    for alternatives, need in (("anyOf", "any"), ("oneOf", "one")):
        if alternatives in schema:
            matches = 0
            branch_errors: list[str] = []
            for sub in schema[alternatives]:
                sub_errors: list[str] = []
                _validate(value, sub, root, path, sub_errors)
                if not sub_errors:
                    matches += 1
                branch_errors.extend(sub_errors)
            if matches == 0:
                errors.append(f"{path}: does not match any allowed form ({'; '.join(branch_errors)})")
            elif need == "one" and matches > 1:
                errors.append(f"{path}: matches more than one of the allowed forms")
    for sub in schema.get("allOf", ()):
        _validate(value, sub, root, path, errors)
    if "const" in schema and not _json_equal(value, schema["const"]):
        errors.append(f"{path}: expected {schema['const']!r}, got {value!r}")
    if "enum" in schema and not any(_json_equal(value, option) for option in schema["enum"]):
        errors.append(f"{path}: expected one of {schema['enum']!r}, got {value!r}")
    declared = schema.get("type")
    if declared is not None:
        names = declared if isinstance(declared, list) else [declared]
        # one declared type (the usual case) is checked without a generator
        if not (_has_type(value, declared) if type(declared) is str else any(_has_type(value, n) for n in names)):
            expected = " or ".join(names)
            errors.append(f"{path}: expected {expected}, got {_type_name(value)}")
            return
    if isinstance(value, dict):
        _validate_object(value, schema, root, path, errors)
    elif isinstance(value, (list, tuple)) and "items" in schema:
        for index, item in enumerate(value):
            _validate(item, schema["items"], root, f"{path}[{index}]", errors)


def _validate_object(value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], path: str, errors: list[str]) -> None:
    properties = schema.get("properties", {})
    for key in schema.get("required", ()):
        if key not in value:
            errors.append(f"{path}: missing required key {key!r}")
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        where = f"{path}.{key}"
        if key in properties:
            _validate(item, properties[key], root, where, errors)
        elif extra is False:
            allowed = ", ".join(repr(k) for k in properties) or "none"
            errors.append(f"{path}: unexpected key {key!r} (allowed: {allowed})")
        elif isinstance(extra, dict):
            _validate(item, extra, root, where, errors)


# ---------------------------------------------------------------------------
# a compiled schema
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    """A normalised JSON schema, plus the pydantic model it came from (if any)."""

    json_schema: dict[str, Any]
    model: type[BaseModel] | None = None

    @classmethod
    def of(cls, schema: Any, *, where: str = "schema") -> "Schema":
        model = schema if is_pydantic_model(schema) else None
        return cls(normalize_schema(schema, where=where), model)

    def validate(self, value: Any) -> tuple[Any, list[str]]:
        """Return ``(validated, errors)``.

        ``validated`` is the model instance for pydantic schemas, else the value itself.
        """
        if self.model is not None:
            try:
                return self.model.model_validate(value), []
            except ValidationError as exc:
                return None, [_pydantic_error(err) for err in exc.errors()]
        return value, validate_json_schema(value, self.json_schema)


def _pydantic_error(err: Any) -> str:
    location = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in err.get("loc", ()))
    return f"${location}: {err.get('msg', 'invalid value')}"
