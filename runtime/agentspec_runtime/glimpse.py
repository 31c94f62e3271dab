"""``glimpse``: a small JSON summary of a value, for reference glimpses.

What a glimpse should say about a domain value is the caller's decision (a
``define_reference(..., glimpse=fn)`` callback); this helper only turns what
it is given into JSON values, and summarises a plain sequence as its length
and first few items.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, (str, bytes, bytearray, Mapping))


def _json_values(value: Any) -> Any:
    if callable(getattr(value, "model_dump", None)):
        return _json_values(value.model_dump(mode="json"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _json_values(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(key): _json_values(item) for key, item in value.items()}
    if _is_sequence(value):
        return [_json_values(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def glimpse(value: Any, *, max_items: int = 3) -> dict[str, Any]:
    """A mapping (or model, or dataclass) as a JSON dict; a sequence as
    ``{"count": n, "sample": first max_items}``; anything else as ``{"value": v}``."""
    if max_items < 0:
        raise ValueError("max_items must be non-negative")
    values = _json_values(value)
    if isinstance(values, Mapping):
        return dict(values)
    if isinstance(values, list):
        return {"count": len(values), "sample": values[:max_items]}
    return {"value": values}
