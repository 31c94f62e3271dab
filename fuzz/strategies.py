"""Hypothesis strategies for the fuzz targets.

``spec_texts`` is the workhorse: small specs cut from real ones (see
``corpus``) and then damaged the ways an editor buffer is damaged: a
character or token inserted, deleted, duplicated or swapped, a comment
dropped in, the text cut off. Most results are *almost* valid, so they get
past the parser into the checker and formatter. ``valid_specs`` builds specs
that check cleanly by construction, with hostile names and strings in every
slot that reaches generated Python.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from hypothesis import strategies as st

from fuzz.corpus import HOSTILE_NAMES, HOSTILE_STRINGS, TOKEN, WORDS, seeds


@st.composite
def snippets(draw) -> str:
    """A seed's preamble and a few of its declarations, in their original order."""
    seed = draw(st.sampled_from(seeds()))
    if not seed.declarations:
        return seed.text
    count = len(seed.declarations)
    chosen = sorted(draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=min(4, count))))
    return seed.preamble + "".join(seed.declarations[i] for i in chosen)


def _mutate(draw, text: str) -> str:
    kind = draw(
        st.sampled_from(
            ["insert_char", "delete_char", "insert_word", "delete_token", "duplicate_token", "swap_token",
             "swap_token", "swap_token", "comment", "comment", "truncate", "repeat_opener"]
        )
    )
    tokens = list(TOKEN.finditer(text))
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if kind == "comment":
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] += draw(st.sampled_from(["  # c", " #", "# {", '  # "x" ]']))
        return "\n".join(lines)
    if kind == "repeat_opener":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from("{[(")) * draw(st.integers(1, 80)) + text[at:]
    if kind in ("insert_char", "delete_char") or not tokens:
        at = draw(st.integers(0, len(text)))
        if kind == "delete_char" and text:
            at = min(at, len(text) - 1)
            return text[:at] + text[at + 1 :]
        return text[:at] + draw(st.characters(codec="utf-8")) + text[at:]
    token = draw(st.sampled_from(tokens))
    if kind == "delete_token":
        return text[: token.start()] + text[token.end() :]
    if kind == "swap_token":  # another token of the same text: usually still parses
        other = draw(st.sampled_from(tokens))
        return text[: token.start()] + other.group() + text[token.end() :]
    if kind == "duplicate_token":
        return text[: token.end()] + " " + token.group() + text[token.end() :]
    return text[: token.start()] + draw(st.sampled_from(WORDS)) + " " + text[token.start() :]


@st.composite
def mutants(draw) -> str:
    text = draw(snippets())
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3, 4]))):
        text = _mutate(draw, text)
    return text


soup = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
    st.binary(max_size=200).map(lambda data: data.decode("utf-8", errors="replace")),
    st.text(max_size=200),
)

spec_texts = st.one_of(mutants(), mutants(), mutants(), soup)


# ---- specs that check cleanly, with hostile names and strings ----------------------


def spec_string(value: str) -> str:
    """``value`` as a spec string literal, every special character escaped."""
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF or ch in "\u2028\u2029\ufeff":
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return "".join(out) + '"'


@lru_cache(maxsize=1)
def _names() -> list[str]:
    """Hostile names the spec language allows as names (its own keywords are not)."""
    from agentspec.syntax.parser import grammar_text

    keywords = set(re.findall(r'"([a-z_]+)"', grammar_text()))
    return [name for name in HOSTILE_NAMES if name not in keywords and re.fullmatch(r"[A-Za-z_]\w*", name, re.ASCII)]


hostile_text = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=30))
_PARAM_TYPES = {
    "str": lambda draw: spec_string(draw(hostile_text)),
    "int": lambda draw: str(draw(st.integers(-(10**30), 10**30))),
    "float": lambda draw: repr(draw(st.floats(allow_nan=False, allow_infinity=False, width=32))),
    "bool": lambda draw: draw(st.sampled_from(["true", "false"])),
}


@st.composite
def _value(draw, depth: int = 0) -> str:
    """A spec literal for a `returns` body."""
    kinds = ["str", "int", "float", "bool", "null"] + (["list", "object"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "null":
        return "null"
    if kind == "list":
        return "[" + ", ".join(draw(st.lists(_value(depth + 1), max_size=2))) + "]"
    if kind == "object":
        keys = draw(st.lists(st.sampled_from(_names()), max_size=2, unique=True))
        return "{ " + ", ".join(f"{key}: {draw(_value(depth + 1))}" for key in keys) + " }"
    return _PARAM_TYPES[kind](draw)


@st.composite
def valid_specs(draw) -> str:
    """tenant, provider, 1-3 tools, a specialist using them, a scenario calling each."""
    names = draw(st.lists(st.sampled_from(_names()), min_size=2, max_size=3, unique=True))
    agent, *tools = names
    tenant = draw(st.sampled_from(_names()))
    lines = [f"tenant {tenant} version {spec_string(draw(hostile_text))}", "provider anthropic", ""]
    calls = []
    for tool in tools:
        params = draw(st.lists(st.sampled_from(_names()), max_size=2, unique=True))
        types = [draw(st.sampled_from(sorted(_PARAM_TYPES))) for _ in params]
        signature = ", ".join(f"{p}: {t}" for p, t in zip(params, types))
        lines.append(f"tool {tool}({signature}) {{")
        lines.append(f"  description {spec_string(draw(hostile_text))}")
        lines.append(f"  returns {draw(_value())}")
        timeout = draw(st.sampled_from([None, None, "1s", "250ms", "2.5s", "1h"]))
        if timeout:
            lines.append(f"  timeout {timeout}")
        lines.append("}")
        args = ", ".join(f"{p}: {_PARAM_TYPES[t](draw)}" for p, t in zip(params, types))
        calls.append(f"{tool}({args})")
    lines.append(f"specialist {agent} {{")
    lines.append('  model "claude-haiku-4-5"')
    lines.append(f"  prompt {spec_string(draw(hostile_text))}")
    lines.append(f"  tools [{', '.join(tools)}]")
    lines.append("}")
    lines.append(f"scenario {spec_string(draw(hostile_text))} {{")
    lines.append(f"  input {spec_string(draw(hostile_text))}")
    lines.append(f"  agent {agent}")
    lines.append("  run { " + " ".join(calls) + " }")
    lines.append("  expect {")
    for tool in tools:
        lines.append(f"    tool_call {tool}")
    lines.append(f"    output not_contains {spec_string(draw(hostile_text) + chr(0x1F6AB))}")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---- language-server requests ----------------------------------------------------

positions = st.tuples(st.integers(0, 60), st.integers(0, 120))
lsp_cases = st.fixed_dictionaries(
    {
        "text": spec_texts,
        "positions": st.lists(positions, min_size=1, max_size=2),
        "edit": st.one_of(st.none(), st.none(), st.tuples(st.integers(0, 400), st.integers(0, 20), st.sampled_from(WORDS))),
    }
)


# ---- scripted runtime prompts --------------------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20), st.sampled_from(HOSTILE_STRINGS),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def _deep(depth: int, opener: str) -> str:
    closer = {"[": "]", "{": "}"}[opener]
    if opener == "{":
        return '{"a":' * depth + "1" + closer * depth
    return opener * depth + closer * depth


@st.composite
def script_prompts(draw, calls, first_tool: str) -> str:
    """What a scripted run is given: mostly well-formed scripts of ``calls`` (a strategy
    of ``{"tool", "args"}`` dicts), sometimes plain text, broken JSON, or
    pathological JSON (nested past the recursion limit, huge integers)."""
    kind = draw(st.sampled_from(["call", "script", "script", "script", "script", "text", "broken", "deep", "bigint", "json"]))
    if kind == "call":
        return json.dumps(draw(calls))
    if kind == "script":
        return json.dumps({"script": draw(st.lists(calls, max_size=4))})
    if kind == "text":
        return draw(st.text(max_size=40))
    if kind == "broken":
        whole = json.dumps({"script": draw(st.lists(calls, max_size=3))})
        return whole[: draw(st.integers(0, len(whole)))] + draw(st.sampled_from(["", "}", "]", ",", '"', "\\"]))
    if kind == "deep":  # nested past Python's recursion limit, as the whole prompt or as an argument
        inner = _deep(draw(st.sampled_from([10, 900, 1200, 5000, 20000])), draw(st.sampled_from("[{")))
        return draw(st.sampled_from([inner, '{"tool": "%s", "args": {"x": %s}}' % (first_tool, inner)]))
    if kind == "bigint":
        digits = draw(st.sampled_from([10, 4300, 4301, 5001, 50000]))
        return '{"tool": "%s", "args": {"x": %s}}' % (first_tool, "7" * digits)
    return json.dumps(draw(json_values))
