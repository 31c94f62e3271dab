"""The language server's incremental parser gives exactly what the parser gives.

``IncrementalParser.parse`` re-parses only the declarations whose text changed
and moves the spans of the others; these tests compare its result (AST with
every span, and diagnostics) with ``agentspec.syntax.parser.parse`` on every spec in
the repository and along seeded sequences of edits of the kinds typing makes:
characters inserted, lines added and removed, declarations deleted and
duplicated, syntax errors made and fixed.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from agentspec.lsp.incremental import IncrementalParser
from agentspec.syntax.parser import parse

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted({*ROOT.glob("specs/**/*.agentspec"), *ROOT.glob("tests/data/**/*.agentspec")})


def same(text: str, parser: IncrementalParser, path: str = "t.agentspec") -> None:
    expected = parse(text, path)
    got = parser.parse(text, path)
    assert (got.spec is None) == (expected.spec is None)
    assert got.spec == expected.spec
    assert got.diagnostics == expected.diagnostics


def test_there_are_specs_to_compare():
    assert any(p.parent.name == "specs" for p in SPECS)
    assert len(SPECS) >= 5


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_spec_parses_the_same(path: Path):
    text = path.read_text(encoding="utf-8")
    parser = IncrementalParser()
    same(text, parser, str(path))
    same(text, parser, str(path))  # second time: every declaration reused


def _edit(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    kind = rng.randrange(7)
    i = rng.randrange(len(lines))
    if kind == 0:  # type a few characters somewhere
        line = lines[i]
        at = rng.randrange(len(line) + 1)
        lines[i] = line[:at] + rng.choice(["x", "_1", " ", '"', "{", "}", "🚀", "é"]) + line[at:]
    elif kind == 1:  # a new line
        lines.insert(i, rng.choice(["", "# note", "  ", "tool added_%d() {}" % i]))
    elif kind == 2 and len(lines) > 1:  # delete a line
        del lines[i]
    elif kind == 3:  # duplicate a line
        lines.insert(i, lines[i])
    elif kind == 4:  # paste a block at the end
        lines += ["", "script pasted_%d {" % i, "  call someone something", "}"]
    elif kind == 5:  # join two lines
        if i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + " " + lines[i + 1]]
    else:  # CRLF / tab on one line
        lines[i] = lines[i] + "\r" if rng.random() < 0.5 else "\t" + lines[i]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(24))
def test_along_a_sequence_of_edits(seed: int):
    rng = random.Random(seed)
    path = SPECS[seed % len(SPECS)]
    text = path.read_text(encoding="utf-8")
    parser = IncrementalParser()
    same(text, parser)
    for _ in range(25):
        text = _edit(text, rng)
        same(text, parser)


def test_identical_declarations_do_not_share_nodes():
    text = "script s {\n  a()\n}\nscript s {\n  a()\n}\n"
    parser = IncrementalParser()
    first, second = parser.parse(text, "t").spec.declarations
    assert first.span.line == 1 and second.span.line == 4
    first, second = parser.parse("\n" + text, "t").spec.declarations
    assert (first.span.line, second.span.line) == (2, 5)
    assert first is not second


def test_partial_keeps_the_declarations_that_parse():
    text = "tool a() {}\ntool b( {\n}\nspecialist s { tools [a] }\n"
    partial = IncrementalParser().parse_partial(text, "t")
    assert partial.diagnostics == []
    assert [d.name.name for d in partial.spec.declarations] == ["a", "s"]
    assert partial.spec.declarations[1].span.line == 4
    assert IncrementalParser().parse(text, "t").spec is None


@pytest.mark.parametrize("seed", range(20))
def test_syntax_errors_read_the_same(seed: int):
    """One stray token somewhere in a spec: the same first error, at the same place."""
    rng = random.Random(1000 + seed)
    parser = IncrementalParser()
    for path in SPECS:
        text = path.read_text(encoding="utf-8")
        parser.parse(text, str(path))
        for _ in range(6):
            at = rng.randrange(len(text) + 1)
            stray = rng.choice(["}", "{", ")", "(", "]", ":", ",", "=", "tool", "call", '"', '"""', "42", "$", "\n}\n"])
            broken = text[:at] + stray + text[at:]
            same(broken, parser, str(path))


@pytest.mark.parametrize(
    "text",
    [
        # a syntax error in an earlier declaration, the deep nesting in a later one
        "tool a( {\n}\ntool b() {\n  returns " + "[" * 70 + "]" * 70 + "\n}\n",
        # the depth adds up across two pieces that each nest less than the limit
        "tool a() { returns " + "[" * 40 + " = \ntool b() { returns " + "[" * 30 + "\n",
    ],
    ids=["later-declaration", "across-pieces"],
)
def test_too_deep_nesting_wins_over_an_earlier_syntax_error(text: str):
    assert parse(text, "t").diagnostics[0].code == "E009"
    same(text, IncrementalParser())
