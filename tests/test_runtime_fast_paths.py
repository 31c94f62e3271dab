"""Fast paths for the common case give what the checked paths give.

``jsonable`` copies a value of plain JSON types without paths or a
circular-reference set, and ``parse_script`` takes a well-formed call as it is;
anything else goes the checked way, so results and error messages stay those
of ``jsonable._convert`` and ``scripted._call``.
"""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given, strategies as st

from agentspec_runtime.errors import ScriptError
from agentspec_runtime.interpreters import scripted
from agentspec_runtime.jsonable import MAX_DEPTH, NotJSONError, _convert, jsonable


class Colour(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


atoms = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.sampled_from([Colour.RED, Level.HIGH, 10**700, -(10**700), (1, 2)])
)
values = st.recursive(
    atoms,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=3) | st.sampled_from([1, Colour.RED]), inner, max_size=4),
    max_leaves=20,
)


def checked(value: Any) -> tuple[str, Any]:
    try:
        return "ok", _convert(value, "$", 0, set())
    except NotJSONError as exc:
        return "error", str(exc)


def fast(value: Any) -> tuple[str, Any]:
    try:
        return "ok", jsonable(value)
    except NotJSONError as exc:
        return "error", str(exc)


def same(left: Any, right: Any) -> bool:
    """Equal, with the same types all the way down (``True`` is not ``1``), NaN equal to NaN."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(type(k) is type(k2) for k, k2 in zip(left, right)) and all(
            same(left[k], right[k]) for k in left
        )
    if isinstance(left, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right))
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return left == right


@given(values)
def test_jsonable_gives_what_the_checked_conversion_gives(value: Any) -> None:
    (kind, got), (expected_kind, expected) = fast(value), checked(value)
    assert kind == expected_kind
    assert same(got, expected) if kind == "ok" else got == expected


@given(values)
def test_jsonable_copies(value: Any) -> None:
    kind, got = fast(value)
    if kind == "ok" and isinstance(got, (dict, list)):
        assert got is not value


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [nested(MAX_DEPTH), nested(MAX_DEPTH + 1), {"n": 10**5000}, {"x": float("inf")}, {1: "a"}],
    ids=["at-the-limit", "past-the-limit", "huge-int", "inf", "int-key"],
)
def test_jsonable_edge_values(value: Any) -> None:
    assert fast(value) == checked(value)


def test_jsonable_a_value_that_contains_itself() -> None:
    looped: dict[str, Any] = {}
    looped["self"] = looped
    assert fast(looped) == ("error", "$.self: the value contains itself (a circular reference)")


# -- scripts ----------------------------------------------------------------------------

keys = st.sampled_from(["tool", "args", "say", "extra"])
step_values = st.none() | st.text(max_size=3) | st.integers() | st.dictionaries(st.text(max_size=2), st.integers(), max_size=2)
steps = st.dictionaries(keys, step_values, max_size=3) | step_values


def checked_parse(text: str) -> Any:
    """parse_script as it was: every step through _step / _call."""
    value = json.loads(text)
    if "script" in value:
        return [scripted._step(step, f"script[{i}]") for i, step in enumerate(value["script"])]
    return [scripted._call(value, "the call")]


def outcome(parse: Any, text: str) -> tuple[str, Any]:
    try:
        return "ok", parse(text)
    except ScriptError as exc:
        return "error", str(exc)


@given(st.lists(steps, max_size=4))
def test_a_script_parses_as_the_checked_parse_does(script: list[Any]) -> None:
    text = json.dumps({"script": script})
    assert outcome(scripted.parse_script, text) == outcome(checked_parse, text)


@given(st.dictionaries(keys, step_values, min_size=1, max_size=3).filter(lambda d: "tool" in d))
def test_a_single_call_parses_as_the_checked_parse_does(call: dict[str, Any]) -> None:
    text = json.dumps(call)
    assert outcome(scripted.parse_script, text) == outcome(checked_parse, text)
