"""Turning tool results into plain JSON values.

Events are meant to be serialisable as they are, and a tool result is echoed
as JSON text, so whatever a handler returns is converted here: pydantic models
are dumped (camelCase aliases, JSON mode), dataclasses become dicts, tuples
become lists. Anything else that JSON cannot represent is refused with a
message naming the type and where it was found, which the runtime reports as
the tool's error.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from pydantic import BaseModel


class NotJSONError(TypeError):
    pass


def jsonable(value: Any, path: str = "$") -> Any:
    """A deep copy of ``value`` made of dict/list/str/int/float/bool/None only."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotJSONError(f"{path}: {value!r} is not a JSON number")
        return value
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotJSONError(f"{path}: object keys must be strings, got {key!r}")
            result[key] = jsonable(item, f"{path}.{key}")
        return result
    if isinstance(value, (list, tuple)):
        return [jsonable(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value), path)
    raise NotJSONError(f"{path}: a value of type {type(value).__name__} is not JSON-serialisable")
