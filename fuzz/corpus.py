"""What the fuzzers start from: the repository's own specs, cut into small pieces.

Small inputs are the point: a mutated five-line spec reaches the same parser,
checker, formatter and code-generation paths as a mutated 200-line one, at a
tenth of the cost, so a fixed budget tries ten times as many of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC_DIRS = [REPO / "specs", REPO / "tests" / "data"]

# A token as the mutators see it: strings, regexes, words, single punctuation.
TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|/(?:[^/\\\n]|\\.)+/|\w+|[^\s\w]')

# Inserted between tokens: keywords, punctuation, literals, escapes valid and not,
# and characters that have broken tools before (NUL, lone surrogates, emoji, CR).
WORDS = [
    "tool", "agent", "call", "run", "via", "plan", "storePlan", "executePlan", "call_agent",
    "expect", "scenario", "tenant", "coordinator", "planner", "executor", "specialist",
    "given", "on approval", "partial", "dispatched", "import", "provider", "returns",
    "timeout", "approval", "script", "mutating", "routes", "tools", "model", "prompt",
    "{", "}", "[", "]", "(", ")", ":", ",", "=", "?", "|", ".", "->",
    '"x"', '"\\uD800"', '"\\uD83D\\uDE00"', '"\\u{1F600}"', '"\\q"', '"\\n\\t\\\\"', '"""', '"',
    "0", "-1", "1.5", "1e999", "9" * 40, "0s", "5m", "250ms", "null", "true", "false",
    "list[", "json", "int", "str", "float", "bool", "/a+/", "/[/",
    "\n", "\r", "\r\n", "\t", "#", "# note", "\\", "\x00", "\ufeff", "é", "🙂", "\u202e",
]

# Strings and names that code generation must carry into Python safely.
HOSTILE_STRINGS = [
    "", "\\", '"', "'", '"""', "'''", "{{ x }}", "{% if %}", "${x}", "%s", "\x00", "\x1b[31m",
    "\u2028", "\ufeff", "é東京✈", "\U0001F600", "a\nb", "a\r\nb", "\t", "' + __import__('os').name + '",
    "\"); import os; (\"", "#", "\\N{BULLET}", "\\u0041", "x" * 300,
]
HOSTILE_NAMES = [
    "class", "None", "True", "def", "lambda", "import", "async", "await", "print", "list", "dict",
    "self", "ctx", "args", "build_runtime", "RUNTIME_SPEC", "TENANT", "pytest", "agentgate", "os",
    "sys", "_", "__init__", "__class__", "a" * 120, "T", "test_x", "scenario", "script", "returns",
    "café", "東京", "ǅx", "ﬁle",
]


@dataclass(frozen=True)
class Seed:
    name: str
    text: str
    preamble: str  # the lines before its first declaration (tenant, providers, imports, comments)
    declarations: tuple[str, ...]  # each top-level declaration, with the comments above it


_DECLARATION_START = re.compile(r"^(?=[A-Za-z])", re.MULTILINE)
_PREAMBLE_KEYWORDS = ("tenant", "provider", "import")


def _split(text: str) -> tuple[str, tuple[str, ...]]:
    """A formatted spec's top-level declarations start in column 0 with a keyword."""
    starts = [m.start() for m in _DECLARATION_START.finditer(text)] + [len(text)]
    preamble = text[: starts[0]]
    declarations = []
    for begin, end in zip(starts, starts[1:]):
        chunk = text[begin:end]
        if chunk.startswith(_PREAMBLE_KEYWORDS) and chunk.count("\n") <= 3:
            preamble += chunk
        else:
            declarations.append(chunk)
    return preamble, tuple(declarations)


@lru_cache(maxsize=1)
def seeds() -> tuple[Seed, ...]:
    found = []
    for directory in SPEC_DIRS:
        for path in sorted(directory.rglob("*.agentspec")):
            text = path.read_text(encoding="utf-8", errors="replace")
            preamble, declarations = _split(text)
            found.append(Seed(str(path.relative_to(REPO)), text, preamble, declarations))
    return tuple(found)


@lru_cache(maxsize=1)
def valid_seeds() -> tuple[Seed, ...]:
    """The example specs that compile (with common.agentspec beside them): code generation's seeds."""
    return tuple(s for s in seeds() if s.name.startswith("specs/") and not s.name.endswith("common.agentspec"))


@lru_cache(maxsize=1)
def common_spec() -> str:
    return (REPO / "specs" / "common.agentspec").read_text(encoding="utf-8")


def seeds_text() -> str:
    """A whole example spec: a warm-up input that reaches every stage."""
    return (REPO / "specs" / "travel.agentspec").read_text(encoding="utf-8")
