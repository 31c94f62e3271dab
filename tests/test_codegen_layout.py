"""The pre-layout is black's own: generated files are black's fixed point before black runs.

Correctness never depends on this (black always formats the output); speed does.
A failure here means ``codegen.layout`` guesses differently from black for some
construct, so black does more work than it needs to.
"""

from __future__ import annotations

from pathlib import Path

import black
import pytest

import agentspec.codegen.render as render
from agentspec.codegen.layout import layout
from agentspec.codegen.pyexpr import Lit, call
from agentspec.cli import main
from codegen_support import REPO


@pytest.fixture
def unformatted(monkeypatch) -> list[tuple[str, str]]:
    """(text given to black, black's result) for every file rendered."""
    seen: list[tuple[str, str]] = []
    real = render.format_many

    def spy(texts: list[str]) -> list[str]:
        results = real(texts)
        seen.extend(zip(texts, results))
        return results

    monkeypatch.setattr(render, "format_many", spy)
    return seen


def test_example_specs_are_laid_out_as_black_would(tmp_path: Path, unformatted, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["compile", "specs", "-o", str(tmp_path)]) == 0
    assert len(unformatted) == 10
    for text, result in unformatted:
        assert text == result


def test_layout_rules() -> None:
    value = call("function_name", "aaaa", key=["bbbb", "cccc"])
    assert layout(value, 100) == 'function_name("aaaa", key=["bbbb", "cccc"])'
    # too long: the call's arguments hug on their own line ...
    assert layout(value, 35) == 'function_name(\n    "aaaa", key=["bbbb", "cccc"]\n)'
    # ... or, when that is too long too, go one per line with trailing commas
    assert layout(value, 28) == 'function_name(\n    "aaaa",\n    key=["bbbb", "cccc"],\n)'
    # a list or dict display with several items never hugs
    assert layout(Lit({"k": "vvvv", "l": 1}), 12) == '{\n    "k": "vvvv",\n    "l": 1,\n}'
    # a single argument gets no trailing comma
    assert layout(call("function", ["xxxx", "yyyy"]), 22) == 'function(\n    ["xxxx", "yyyy"]\n)'
    # strings with several lines: one literal per line
    assert layout(Lit("first line\nsecond line"), 20) == '(\n    "first line\\n"\n    "second line"\n)'


def test_layout_output_is_what_black_makes_of_it() -> None:
    value = call(
        "define_tool",
        "search",
        {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": ["integer", "null"]}}},
        description="Find things\nacross lines\n",
    )
    for width in (40, 60, 80, 100):
        text = f"X = {layout(value, width, 0, 4)}\n"
        assert black.format_str(text, mode=black.Mode(line_length=width)) == text, width
