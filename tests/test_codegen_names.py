"""Identifiers and literals: any spec text becomes a valid, unique name or an exact literal."""

from __future__ import annotations

import ast
import keyword
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentspec.codegen.names import module_names
from agentspec.codegen.names import Namespace, constant, snake
from agentspec.codegen.pyexpr import Call, DictOf, Lambda, ListOf, Lit, Name, call, literal, source


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Book SFO to NRT", "book_sfo_to_nrt"),
        ("Book SFO→NRT", "book_sfo_nrt"),
        ("smoke: mocked coordinator", "smoke_mocked_coordinator"),
        ("Café crème", "cafe_creme"),
        ("searchFlights", "search_flights"),
        ("HTTPServer", "http_server"),
        ("3 retries", "scenario_3_retries"),
        ("東京", "scenario"),
        ("", "scenario"),
        ("__dunder__", "dunder"),
    ],
)
def test_snake(text: str, expected: str) -> None:
    assert snake(text, "scenario") == expected


def test_constant() -> None:
    assert constant("search_flights", "tool") == "SEARCH_FLIGHTS"
    assert constant("InventoryPlan", "plan") == "INVENTORY_PLAN"


def test_namespace_avoids_keywords_builtins_and_collisions() -> None:
    names = Namespace(["build_runtime"])
    assert names.claim("class") == "class_"
    assert names.claim("list") == "list_"
    assert names.claim("build_runtime") == "build_runtime_2"
    assert names.claim("x", "x_tool") == "x"
    assert names.claim("x", "x_tool") == "x_tool"
    assert names.claim("x", "x_tool") == "x_2"
    assert names.claim("x") == "x_3"


def test_namespace_treats_nfkc_equal_names_as_one() -> None:
    names = Namespace()
    assert names.claim("ﬁle") == "ﬁle"  # U+FB01, which Python reads as "file"
    assert names.claim("file") == "file_2"


@given(st.text())
def test_any_text_gives_a_valid_identifier(text: str) -> None:
    name = snake(text, "scenario")
    assert name.isidentifier() and name.isascii()
    claimed = Namespace().claim("test_" + name)
    assert claimed.isidentifier() and not keyword.iskeyword(claimed)


@given(st.lists(st.text(max_size=8), max_size=30))
def test_claimed_names_are_unique(texts: list[str]) -> None:
    names = Namespace(["scenario", "adapter"])
    claimed = [names.claim("test_" + snake(t, "scenario")) for t in texts]
    assert len(set(claimed)) == len(claimed)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


def _same(a, b) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@given(json_values)
def test_literal_evaluates_to_the_value(value) -> None:
    assert _same(eval(literal(value), {}), value)  # noqa: S307 - the point of the test


def test_multi_line_strings_become_one_literal_per_line() -> None:
    assert literal("a\nb\n") == '("a\\n" "b\\n")'
    assert literal("one line\n") == '"one line\\n"'
    assert literal("inf") == '"inf"'
    assert literal("it's") == '"it\'s"'
    assert literal('say "hi"') == "'say \"hi\"'"
    assert literal("both ' and \"") == '"both \' and \\""'
    assert literal(float("inf")) == 'float("inf")'


def test_source_of_expressions() -> None:
    expr = Call(
        Name("RuntimeAdapter"),
        (Lambda(call("build_runtime", interpreter="scripted", testing=None)),),
        (("approvals", DictOf((("*", call("ApprovalAnswer", "approve")),))), ("tools", ListOf((Name("A"), Lit(1))))),
    )
    assert source(expr) == (
        'RuntimeAdapter(lambda: build_runtime(interpreter="scripted"), '
        'approvals={"*": ApprovalAnswer("approve")}, tools=[A, 1])'
    )
    ast.parse(source(expr))


@pytest.mark.parametrize("bad", ["a b", "os.system('x')", "class", "a..b", "", "1abc"])
def test_names_refuse_anything_but_identifiers(bad: str) -> None:
    with pytest.raises(ValueError):
        Name(bad)


def test_module_names_are_unique_and_valid() -> None:
    names = module_names(
        [
            "specs/travel.agentspec",
            "specs/my-app.agentspec",
            "specs/a/common.agentspec",
            "specs/b/common.agentspec",
            "specs/class.agentspec",
            "specs/agentspec.agentspec",
        ],
        reserved=("agentspec",),
    )
    assert names == {
        "specs/a/common.agentspec": "a_common",
        "specs/agentspec.agentspec": "agentspec_spec",
        "specs/b/common.agentspec": "b_common",
        "specs/class.agentspec": "class_",
        "specs/my-app.agentspec": "my_app",
        "specs/travel.agentspec": "travel",
    }
