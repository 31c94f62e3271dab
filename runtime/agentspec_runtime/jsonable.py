"""Turning tool results into plain JSON values.

Events are meant to be serialisable as they are, and a tool result is echoed
as JSON text, so whatever a handler returns is converted here: pydantic models
are dumped (camelCase aliases, JSON mode), dataclasses become dicts, tuples
become lists. Anything else that JSON cannot represent is refused with a
message naming the type and where it was found, which the runtime reports as
the tool's error: so are values that contain themselves, nesting deeper than
``MAX_DEPTH``, and integers too long for Python to write in decimal.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from typing import Any

from pydantic import BaseModel


class NotJSONError(TypeError):
    pass


#: Results nested deeper are refused: converting (and echoing) them would
#: exhaust the recursion limit, and no real result nests this deep.
MAX_DEPTH = 200


def jsonable(value: Any, path: str = "$") -> Any:
    """A deep copy of ``value`` made of dict/list/str/int/float/bool/None only."""
    try:
        return _plain(value, 0)
    except _NotPlain:
        return _convert(value, path, 0, set())


class _NotPlain(Exception):
    """``_plain`` met something it leaves to ``_convert`` (which converts it or says what is wrong, and where)."""


#: an int this short is written in decimal under any digit limit Python allows (640 digits at the least)
_SHORT_INT_BITS = 2000


def _plain(value: Any, depth: int) -> Any:
    """The copy ``_convert`` makes of a value of plain JSON types alone (what handlers mostly return), made
    without paths and the circular-reference set; anything else, and any mistake, raises :class:`_NotPlain`
    (a value containing itself reaches ``MAX_DEPTH``)."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if value.bit_length() > _SHORT_INT_BITS:
            raise _NotPlain
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _NotPlain
        return value
    if depth >= MAX_DEPTH:
        raise _NotPlain
    if kind is dict:
        result = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            result[key] = _plain(item, depth + 1)
        return result
    if kind is list:
        return [_plain(item, depth + 1) for item in value]
    raise _NotPlain


def _convert(value: Any, path: str, depth: int, inside: set[int]) -> Any:
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        try:
            str(value)  # JSON text is decimal: Python refuses past sys.get_int_max_str_digits()
        except ValueError:
            raise NotJSONError(f"{path}: an integer of {value.bit_length()} bits is too long to write as JSON") from None
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotJSONError(f"{path}: {value!r} is not a JSON number")
        return value
    if depth >= MAX_DEPTH:
        raise NotJSONError(f"{path}: nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, (dict, list, tuple)):
        if id(value) in inside:
            raise NotJSONError(f"{path}: the value contains itself (a circular reference)")
        inside.add(id(value))
        try:
            if isinstance(value, dict):
                result: dict[str, Any] = {}
                for key, item in value.items():
                    if not isinstance(key, str):
                        raise NotJSONError(f"{path}: object keys must be strings, got {key!r}")
                    result[key] = _convert(item, f"{path}.{key}", depth + 1, inside)
                return result
            return [_convert(item, f"{path}[{index}]", depth + 1, inside) for index, item in enumerate(value)]
        finally:
            inside.discard(id(value))
    if isinstance(value, BaseModel):
        try:
            return value.model_dump(by_alias=True, mode="json")
        except (ValueError, RecursionError) as exc:  # pydantic's serialisation errors are ValueErrors
            raise NotJSONError(f"{path}: {type(value).__name__} cannot be dumped as JSON: {exc}") from None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        try:
            return _convert(dataclasses.asdict(value), path, depth, inside)
        except RecursionError:  # asdict recurses on its own
            raise NotJSONError(f"{path}: nested too deeply, or contains itself") from None
    raise NotJSONError(f"{path}: a value of type {type(value).__name__} is not JSON-serialisable")


_ATOMS = (str, int, float, bool, type(None))


def copy_value(value: Any) -> Any:
    """``copy.deepcopy(value)``, quicker for what tool calls carry: plain dicts
    and lists of JSON atoms are copied directly; anything else (a model, a
    tuple, a value that contains itself) is left to ``copy.deepcopy``."""
    try:
        return _copy(value)
    except RecursionError:  # a cycle, or nesting deeper than the recursion limit
        return copy.deepcopy(value)


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if kind in _ATOMS:
        return value
    return copy.deepcopy(value)
