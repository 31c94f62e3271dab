"""Helpers for the formatter tests: a hypothesis strategy that writes valid
.agentspec files, and an AST comparison that ignores positions.

The strategy builds each file as a token list following grammar/agentspec.lark
(every declaration, setting, step and expectation, with random names, strings,
numbers and values), then joins the tokens with random whitespace, blank lines
and comments, so the formatter sees every layout an author could write.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from hypothesis import strategies as st

from lark import Token

from agentspec.syntax import nodes
from agentspec.syntax.parser import grammar_text, lark_parser

KEYWORDS = frozenset(re.findall(r'"([A-Za-z_]+)"', grammar_text())) | {"true", "false", "null"}
PUNCTUATION = frozenset({"(", ")", "[", "]", "{", "}", ",", ":"})


# ---- comparing ASTs --------------------------------------------------------------


def strip_positions(node: Any) -> Any:
    """A node as plain data without where it was written: drops ``span``,
    ``*_span``, ``*_parts`` (where a literal's parts were written), the spans
    of ``settings`` and ``*_spans`` (keeping which ones appeared), ``path``
    and ``comments``. User data (fixture values) is kept verbatim."""
    if isinstance(node, nodes.Node):
        data = {"__type__": type(node).__name__}
        for name in (f.name for f in dataclasses.fields(node)):
            if name in ("span", "path", "comments") or name.endswith(("_span", "_parts")):
                continue
            value = getattr(node, name)
            keys_only = name == "settings" or name.endswith("_spans")
            data[name] = sorted(value.keys()) if keys_only else strip_positions(value)
        return data
    if isinstance(node, list):
        return [strip_positions(item) for item in node]
    return node


def comment_texts(spec) -> list[str]:
    return [c.text.rstrip() for c in spec.comments]


def without_triple_strings(text: str) -> str:
    """``text`` with every triple-quoted literal replaced by ``""`` (their lines are content)."""
    tree = lark_parser().parse(text)
    spans = [(t.start_pos, t.end_pos) for t in tree.scan_values(lambda v: isinstance(v, Token) and v.type == "TRIPLE_STRING")]
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + '""' + text[end:]
    return text


# ---- lexical pieces ------------------------------------------------------------

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,9}", fullmatch=True).filter(lambda n: n not in KEYWORDS)


@st.composite
def strings(draw) -> str:
    """A "..." literal for random text, each character spelled raw or escaped."""
    text = draw(st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
    out = []
    for ch in text:
        spelled_raw = ch not in '"\\\n' and draw(st.booleans())
        if spelled_raw:
            out.append(ch)
            continue
        named = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "/": "\\/", "\0": "\\0"}
        choice = draw(st.integers(0, 2))
        if choice == 0 and ch in named:
            out.append(named[ch])
        elif choice == 1 and ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(f"\\u{{{ord(ch):x}}}")
    return '"' + "".join(out) + '"'


_triple_line = st.tuples(
    st.sampled_from(["", " ", "  ", "    ", "\t", "      "]),
    st.text(st.characters(exclude_characters='"\\\n\r', exclude_categories=("Cs",)), max_size=10),
    st.sampled_from(["", "", '\\"', "\\n", "  "]),
).map("".join)


@st.composite
def triple_strings(draw) -> str:
    lines = draw(st.lists(_triple_line, min_size=1, max_size=4))
    opening = draw(st.sampled_from(["", "\n", "  \n"]))
    closing = draw(st.sampled_from(["", "\n", "\n  ", "\n    "]))
    return '"""' + opening + "\n".join(lines) + closing + '"""'


texts = st.one_of(strings(), triple_strings())
ints = st.from_regex(r"-?[0-9]{1,5}", fullmatch=True)
floats = st.from_regex(r"-?[0-9]{1,3}(\.[0-9]{1,3}([eE][+-]?[0-9]{1,2})?|[eE][+-]?[0-9]{1,2})", fullmatch=True)
numbers = st.one_of(ints, floats)
durations = st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,2})?(ms|s|m|h)", fullmatch=True)
regexes = st.from_regex(r"/([a-zA-Z0-9 .*+?^$|()]|\\[dws/.])+/[imsx]{0,2}", fullmatch=True)
bools = st.sampled_from(["true", "false"])


def seq(*parts) -> st.SearchStrategy[list[str]]:
    """Concatenate strategies of tokens (str) or token lists."""
    return st.tuples(*[p if isinstance(p, st.SearchStrategy) else st.just(p) for p in parts]).map(_flatten)


def _flatten(parts) -> list[str]:
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.extend(_flatten(part))
    return out


def opt(strategy) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), strategy.map(lambda x: [x] if isinstance(x, str) else x))


def many(strategy, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(strategy, max_size=max_size).map(_flatten)


@st.composite
def separated(draw, item, open_: str, close: str, min_size: int = 0, max_size: int = 4) -> list[str]:
    """`open item, item, ... close` with an optional trailing comma."""
    items = draw(st.lists(item, min_size=min_size, max_size=max_size))
    out = [open_]
    for k, x in enumerate(items):
        if k:
            out.append(",")
        out.extend([x] if isinstance(x, str) else x)
    if items and draw(st.booleans()):
        out.append(",")
    out.append(close)
    return out


# ---- values and types ------------------------------------------------------------


def _containers(children):
    pair = seq(st.one_of(names, strings()), ":", children)
    return st.one_of(separated(children, "[", "]"), separated(pair, "{", "}"))


values = st.recursive(
    st.one_of(texts, numbers, bools, st.just("null")).map(lambda t: [t]),
    _containers,
    max_leaves=8,
)
types = st.recursive(
    names.map(lambda n: [n]),
    lambda inner: seq(names, "[", inner, "]"),
    max_leaves=3,
).flatmap(lambda t: opt(st.just("?")).map(lambda q: t + q))
name_lists = separated(names, "[", "]")
string_lists = separated(strings(), "[", "]")

# ---- declarations ------------------------------------------------------------------


def block(setting, max_size: int = 4):
    return seq("{", many(setting, max_size), "}")


field = seq(names, ":", types, opt(st.just(",")))
param = seq(names, ":", types, opt(seq("=", values)))
arg = seq(names, ":", values)
approval_block = block(seq(st.sampled_from(["plans", "tools"]), st.sampled_from(["never", "always", "default"])))

tool_setting = st.one_of(
    seq("description", texts),
    seq("approval", st.one_of(st.sampled_from(["never", "always"]), seq("when", strings()))),
    seq("handler", strings()),
    seq("returns", values),
    seq("fails", strings()),
)
agent_setting = st.one_of(
    seq("model", strings(), opt(seq("provider", names))),
    seq("prompt", texts),
    seq("routes", name_lists),
    seq("tools", name_lists),
    seq("plan", names),
    seq("approval", approval_block),
    seq("stateful", bools),
)
steps = st.deferred(
    lambda: st.one_of(
        seq(names, separated(arg, "(", ")")),
        seq("call", names, names),
        seq("call", names, block(steps, 3)),
    )
)
approval_target = st.one_of(names, seq("plan", opt(strings())))
decision = st.one_of(
    seq(st.sampled_from(["approve", "reject"]), opt(strings())),
    seq("revise", opt(strings()), opt(seq("partial", values))),
)
state_key = st.one_of(names, strings())
tool_call_option = st.one_of(
    seq(st.sampled_from(["before", "after"]), names),
    seq(st.sampled_from(["times", "min_times", "max_times", "order"]), ints),
)
expectation = st.one_of(
    seq("tool_call", names, opt(separated(arg, "(", ")")), many(tool_call_option, 3)),
    seq("no_tool_call", names),
    seq("tool_order", name_lists),
    seq("state", state_key, opt(seq("==", values)), opt(seq("within", ints))),
    st.just(["no_error"]),
    seq("output", st.sampled_from(["contains", "not_contains"]), strings()),
    seq("output", "matches", regexes),
    seq("max_steps", ints),
    seq("max_duration", durations),
    seq("max_tokens", ints),
    seq("no_side_effects", "allowed", name_lists, opt(seq("mutating", name_lists))),
    seq("no_repetition", opt(seq("max_rate", numbers))),
    seq(
        "milestone",
        strings(),
        st.one_of(seq("tool", names), seq("state", state_key), seq("output_contains", strings())),
        opt(seq("weight", numbers)),
    ),
    seq("judge", texts, opt(seq("using", strings()))),
    seq(
        "policy",
        strings(),
        many(
            st.one_of(
                seq(st.sampled_from(["forbidden_tools", "required_tools"]), name_lists),
                seq("forbidden_outputs", string_lists),
            ),
            2,
        ),
    ),
    seq("on_tool_failure", names, "expect", st.one_of(names, strings())),
    seq("dispatched", st.one_of(st.just(["none"]), separated(values, "[", "]"))),
    seq("plan", strings(), "status", names),
    seq("approval", approval_target, st.sampled_from(["approved", "rejected", "revised"]), many(seq("then", st.sampled_from(["approved", "rejected", "revised"])), 2)),
    seq("approval", approval_target, "requested", opt(seq("times", ints))),
    seq(
        "error",
        many(st.one_of(seq("contains", strings()), seq("code", names), seq("tool", names)), 3),
    ),
)
scenario_setting = st.one_of(
    seq(st.sampled_from(["input", "mock_response"]), texts),
    seq(st.sampled_from(["via", "agent"]), names),
    seq("timeout", durations),
    seq(st.sampled_from(["max_steps", "max_llm_calls"]), ints),
    seq("given", names, "returns", values),
    seq("given", names, "fails", strings()),
    seq("given", names, "handler", strings()),
    seq("service", names, strings()),
    seq("dispatcher", strings()),
    seq("runs", ints),
    seq("min_pass_rate", numbers),
    seq("run", block(steps)),
    seq("run", names),
    seq("on", "approval", approval_target, ":", decision, many(seq("then", decision), 3)),
    seq("expect", block(expectation, 5)),
)
suite_setting = st.one_of(
    seq("runs", ints),
    seq("min_pass_rate", numbers),
    seq(st.sampled_from(["timeout", "scenario_timeout"]), durations),
)

declaration = st.one_of(
    seq("import", strings()),
    seq("tenant", st.one_of(names, strings()), opt(seq("version", strings()))),
    seq("provider", names, opt(block(seq(st.sampled_from(["api_key", "api_key_env"]), strings())))),
    seq("service", names, strings()),
    seq("tool", names, "(", opt(separated(param, "", "", min_size=1).map(lambda t: t[1:-1])), ")", opt(block(tool_setting))),
    seq("plan", names, block(st.one_of(field, seq("action", names, block(field, 3), opt(st.just(",")))))),
    seq("reference", names, block(st.one_of(field, seq("ttl", durations)))),
    seq("dispatcher", strings()),
    seq("approval", approval_block),
    seq(st.sampled_from(["coordinator", "planner", "executor", "specialist"]), names, block(agent_setting)),
    seq("script", names, block(steps)),
    seq("scenario", strings(), block(scenario_setting, 6)),
    seq("suite", block(suite_setting)),
)

# ---- layout: whitespace and comments between tokens ------------------------------

comment_text = st.text(st.characters(exclude_characters="\n", exclude_categories=("Cs",)), max_size=15)
_gap_piece = st.one_of(
    st.sampled_from([" ", "  ", "\t", "\n", "\n\n", "\n    ", "\n\n\n  ", "\r\n", "\f"]),
    comment_text.map(lambda t: " #" + t + "\n"),
    comment_text.map(lambda t: "\n  #" + t + "\n"),
)
gaps = st.lists(_gap_piece, min_size=1, max_size=3).map("".join)


@st.composite
def spec_sources(draw) -> str:
    """The text of a syntactically valid spec file, laid out at random."""
    tokens = draw(many(declaration, 5))
    out = [draw(st.sampled_from(["", "\n", "# header\n\n"]))]
    for k, token in enumerate(tokens):
        if k:
            previous = tokens[k - 1]
            tight_ok = previous in PUNCTUATION or token in PUNCTUATION
            out.append(draw(st.one_of(st.just(""), gaps)) if tight_ok else draw(gaps))
        out.append(token)
    out.append(draw(st.sampled_from(["", "\n", "\n# the end\n", "  # last\n", "  # no newline", "\n\n#\r\n"])))
    return "".join(out)
