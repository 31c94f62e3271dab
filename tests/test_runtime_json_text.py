"""``usage.json_text`` is ``json.dumps(value, ensure_ascii=False)``, text and errors alike.

It keeps one C encoder for every call, built without circular-reference
markers (``usage.py`` says why); these values hold it to ``json.dumps``,
including the ones that take its fallback.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from typing import Any

import pytest

from agentspec_runtime import usage
from agentspec_runtime.usage import json_text

VALUES: list[Any] = [
    {"tool": "lookup", "args": {"customer_id": "C-0"}},
    {"script": [{"tool": "a", "args": {}}, {"say": "東京 ✈ \"quoted\" \\ \n\t\u0001"}]},
    "plain ✈ text",
    "",
    [],
    {},
    [1, -2, 3.5, 1e300, -0.0, 12345678901234567890, True, False, None],
    {"nan": math.nan, "inf": math.inf, "-inf": -math.inf},
    {1: "int key", 2.5: "float key", True: "bool key", None: "null key"},
    OrderedDict([("b", 1), ("a", (1, 2))]),
    ("a", "tuple"),
    [[[[["deep"]]]]],
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_text_is_json_dumps(value: Any) -> None:
    assert json_text(value) == json.dumps(value, ensure_ascii=False)


def _error(call: Any) -> tuple[type, str]:
    with pytest.raises(Exception) as caught:
        call()
    return caught.type, str(caught.value)


def test_a_value_that_contains_itself_gets_json_dumps_error() -> None:
    looped: dict[str, Any] = {"a": 1}
    looped["self"] = [looped]
    assert _error(lambda: json_text(looped)) == _error(lambda: json.dumps(looped, ensure_ascii=False))
    assert _error(lambda: json_text(looped))[1] == "Circular reference detected"


def test_a_value_json_cannot_write_gets_json_dumps_error() -> None:
    for value in ({"when": object()}, {("tuple", "key"): 1}, [{1, 2}]):
        assert _error(lambda: json_text(value)) == _error(lambda: json.dumps(value, ensure_ascii=False))


def test_a_value_nested_past_the_recursion_limit_gets_json_dumps_error() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    assert _error(lambda: json_text(deep))[0] is _error(lambda: json.dumps(deep, ensure_ascii=False))[0] is RecursionError


def test_the_encoder_keeps_nothing_between_calls() -> None:
    # a call that failed part way (a circular value, an unwritable one) leaves no state behind for the next
    looped: list[Any] = []
    looped.append(looped)
    for bad in (looped, {"x": [object()]}):
        with pytest.raises((ValueError, TypeError)):
            json_text(bad)
        assert json_text({"x": [1, {"y": 2}]}) == '{"x": [1, {"y": 2}]}'


def test_without_the_c_encoder_the_text_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usage, "_C_ENCODE", None)
    for value in VALUES:
        assert json_text(value) == json.dumps(value, ensure_ascii=False)
