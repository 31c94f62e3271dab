"""No input makes the front end raise: mutated specs and byte soup give diagnostics, never a traceback.

Mutations start from the realistic specs in tests/data/checker/ (so most
mutants are *almost* valid and reach deep into the checker), and insert,
delete or duplicate characters and whole tokens. Byte soup is checked both as
text (decoded with errors="replace") and as raw bytes in a file, through the
loader.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentspec.checker import check
from agentspec.diagnostics import Diagnostic, render, sort_diagnostics
from agentspec.loader import load
from agentspec.syntax.parser import grammar_text, parse
from agentspec.loader import Program

DATA = Path(__file__).parent / "data" / "checker"
SEEDS = [
    (DATA / "clean" / "travel.agentspec").read_text(encoding="utf-8"),
    (DATA / "clean" / "common.agentspec").read_text(encoding="utf-8"),
    *(p.read_text(encoding="utf-8") for p in sorted((DATA / "codes").glob("*.agentspec"))),
    # the example specs, when present: the richest real-world input there is
    *(p.read_text(encoding="utf-8") for p in sorted((DATA.parent.parent.parent / "specs").glob("*.agentspec"))),
]
TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|/(?:[^/\\\n]|\\.)+/|\w+|[^\s\w]')
WORDS = [
    "tool",
    "agent",
    "call",
    "run",
    "via",
    "plan",
    "storePlan",
    "executePlan",
    "call_agent",
    "expect",
    "scenario",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    ",",
    "=",
    "?",
    '"x"',
    # escapes, valid and not: a lone surrogate once crashed the printing of diagnostics
    '"\\uD800"',
    '"\\uD83D\\uDE00"',
    '"\\u{1F600}"',
    '"\\q"',
    '"\\n\\t\\\\"',
    "0",
    "-1",
    "1.5",
    "0s",
    "null",
    "true",
    "list[",
    "json",
    "int",
    "search_flights",
    "booker",
    "desk",
    "Restock",
    "actions",
    "kind",
    "import",
    '"travel.agentspec"',
    '"common.agentspec"',
    "tenant",
    "coordinator",
    "planner",
    "given",
    "on approval",
    "partial",
    "dispatched",
    "\n",
    "#",
    '"""',
    "\\",
    "\x00",
    "é",
    "🙂",
]


def check_text(text: str, path: str = "fuzz.agentspec") -> list[Diagnostic]:
    """Parse and check one text as a one-file program (imports left unresolved)."""
    result = parse(text, path)
    program = Program(roots=[path], sources={path: text}, diagnostics=list(result.diagnostics))
    if result.spec is not None:
        program.files[path] = result.spec
        program.imports[path] = []
    diagnostics = sort_diagnostics(program.diagnostics + check(program))
    for d in diagnostics:  # rendering must not fail either, whatever the span
        render(d, text)
    return diagnostics


@st.composite
def mutants(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        tokens = [m for m in TOKEN.finditer(text)]
        kind = draw(
            st.sampled_from(
                ["insert_char", "delete_char", "insert_token", "delete_token", "duplicate_token", "swap_token"]
            )
        )
        if kind in ("insert_char", "delete_char") or not tokens:
            at = draw(st.integers(0, len(text)))
            if kind == "delete_char" and text:
                at = min(at, len(text) - 1)
                text = text[:at] + text[at + 1 :]
            else:
                text = text[:at] + draw(st.characters()) + text[at:]
            continue
        token = draw(st.sampled_from(tokens))
        if kind == "delete_token":
            text = text[: token.start()] + text[token.end() :]
        elif kind == "swap_token":  # another token of the same spec: usually still parses, so the checker runs
            other = draw(st.sampled_from(tokens))
            text = text[: token.start()] + other.group() + text[token.end() :]
        elif kind == "duplicate_token":
            text = text[: token.end()] + " " + token.group() + text[token.end() :]
        else:
            word = draw(st.sampled_from(WORDS))
            text = text[: token.start()] + word + " " + text[token.start() :]
    return text


def _shape(token: str) -> str:
    if token.startswith('"'):
        return "string"
    if re.fullmatch(r"-?\d[\w.]*", token):
        return "number"
    return "name" if re.fullmatch(r"\w+", token) else "other"


KEYWORDS = set(re.findall(r'"([a-z_]+)"', grammar_text()))
NAMES = sorted({m.group() for seed in SEEDS for m in TOKEN.finditer(seed) if _shape(m.group()) == "name"} - KEYWORDS)
NUMBERS = ["0", "-1", "1", "2", "0.5", "1.5", "-0.5", "1e9", "0s", "0ms", "5m"]
STRINGS = ['""', '"x"', '"Restock"', '"reorder"', '"a.b:c"', '"a.b"', '"p1"', '"claude-x"', '"gpt-4o"', '"llama"']


@st.composite
def near_valid(draw) -> str:
    """Seeds with names, numbers and strings swapped for others of the same shape: most still parse,
    so these exercise the checker rather than the parser."""
    text = draw(st.sampled_from(SEEDS))
    tokens = [m for m in TOKEN.finditer(text) if _shape(m.group()) != "other" and m.group() not in KEYWORDS]
    for _ in range(draw(st.integers(1, 6))):
        if not tokens:
            break
        token = tokens[draw(st.integers(0, len(tokens) - 1))]
        pool = {"name": NAMES, "number": NUMBERS, "string": STRINGS}[_shape(token.group())]
        text = text[: token.start()] + draw(st.sampled_from(pool)) + text[token.end() :]
        tokens = [m for m in TOKEN.finditer(text) if _shape(m.group()) != "other" and m.group() not in KEYWORDS]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid())
def test_near_valid_specs_give_diagnostics_not_tracebacks(text):
    for d in check_text(text):
        assert d.severity in ("error", "warning")
        assert d.code and d.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutants())
def test_mutated_specs_give_diagnostics_not_tracebacks(text):
    for d in check_text(text):
        assert d.severity in ("error", "warning")
        assert d.code and d.message
        assert 1 <= d.span.line and 1 <= d.span.column


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_byte_soup_as_text(data):
    check_text(data.decode("utf-8", errors="replace"))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join))
def test_token_soup(text):
    check_text(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), mutant=mutants())
def test_raw_bytes_and_mutants_in_files_through_the_loader(tmp_path, data, mutant):
    # Two files that import each other and the clean library: the loader's paths
    # (imports, cycles, undecodable bytes) and the checker's cross-file rules.
    (tmp_path / "common.agentspec").write_text(SEEDS[1], encoding="utf-8")
    (tmp_path / "soup.agentspec").write_bytes(data)
    (tmp_path / "travel.agentspec").write_text('import "soup.agentspec"\n' + mutant, encoding="utf-8")
    paths = [str(tmp_path / "soup.agentspec"), str(tmp_path / "travel.agentspec")]
    program = load(paths)
    diagnostics = sort_diagnostics(program.diagnostics + check(program))
    for d in diagnostics:
        render(d, program.sources.get(d.path))
