"""Shared helpers for the highlighting tests (tests/test_highlight_*.py).

Why a module and not a conftest: the helpers are only for the highlight tests, and
tests/conftest.py belongs to everybody.  Nothing here is collected by pytest.

- ``grammar_keywords()`` reads grammar/agentspec.lark with Lark's own grammar for
  .lark files, so a quoted literal is found exactly as Lark sees it (never inside a
  comment or a regex terminal).
- ``TextMate`` drives editors/vscode/test/tokenize.js, i.e. vscode-textmate +
  vscode-oniguruma, the engine VS Code itself uses.  It installs the two npm
  packages (pinned by package-lock.json) into editors/vscode/test/node_modules on
  first use; the tests skip only when node or npm are missing.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GRAMMAR = REPO / "grammar" / "agentspec.lark"
VSCODE = REPO / "editors" / "vscode"
TM_GRAMMAR = VSCODE / "syntaxes" / "agentspec.tmLanguage.json"
NODE_DRIVER_DIR = VSCODE / "test"
SAMPLE = REPO / "tests" / "data" / "highlight_sample.agentspec"

#: literals that are values, not statements: highlighted as constants
#: (TextMate ``constant.language``, Pygments ``Keyword.Constant``).
CONSTANT_KEYWORDS = frozenset({"true", "false", "null"})

_KEYWORD_LITERAL = re.compile(r'"([A-Za-z_]+)"')


_FENCE = re.compile(r"^```agentspec[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def documents() -> dict[str, str]:
    """Name -> text of everything the highlighters must handle.

    Every spec in specs/ (globbed, so new specs are covered), our sample fixture,
    and the ```agentspec code blocks of README.md and docs/ (the docs highlight
    them with the Pygments lexer).
    """
    out = {}
    for path in sorted((REPO / "specs").rglob("*.agentspec")) + [SAMPLE]:
        out[path.relative_to(REPO).as_posix()] = read_spec(path)
    for page in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        if page.is_file():
            for number, block in enumerate(_FENCE.findall(read_spec(page)), start=1):
                out[f"{page.relative_to(REPO).as_posix()}#{number}"] = block
    return out


def grammar_keywords(path: Path = GRAMMAR) -> set[str]:
    """Every quoted literal made of letters/underscores in the Lark grammar."""
    return set(_grammar_keywords(path, path.read_text()))


@lru_cache(maxsize=4)
def _grammar_keywords(path: Path, text: str) -> frozenset[str]:
    import lark

    meta = Path(lark.__file__).parent / "grammars" / "lark.lark"
    lark_of_lark = lark.Lark(meta.read_text(), parser="lalr")
    words = set()
    for token in lark_of_lark.lex(text):
        if token.type == "STRING":
            match = _KEYWORD_LITERAL.fullmatch(token.value)
            if match:
                words.add(match.group(1))
    return frozenset(words)


# ---------------------------------------------------------------------------
# TextMate via Node


@dataclass(frozen=True)
class Token:
    line: int  # 1-based
    col: int  # 0-based
    text: str
    scopes: tuple[str, ...]

    def has(self, prefix: str) -> bool:
        """True if some scope equals ``prefix`` or starts with ``prefix + '.'``."""
        return any(s == prefix or s.startswith(prefix + ".") for s in self.scopes)

    def __str__(self) -> str:
        return f"{self.line}:{self.col} {self.text!r} {' '.join(self.scopes)}"


def with_offsets(text: str, tokens: list[Token]) -> list[tuple[int, int, Token]]:
    """(start, end, token) with offsets into ``text``, for comparing with the parser."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    return [
        (starts[t.line - 1] + t.col, starts[t.line - 1] + t.col + len(t.text), t)
        for t in tokens
        if t.text
    ]


def _node_modules_ready() -> bool:
    lock = json.loads((NODE_DRIVER_DIR / "package-lock.json").read_text())
    for name in ("vscode-textmate", "vscode-oniguruma"):
        want = lock["packages"][f"node_modules/{name}"]["version"]
        pkg = NODE_DRIVER_DIR / "node_modules" / name / "package.json"
        if not pkg.is_file() or json.loads(pkg.read_text()).get("version") != want:
            return False
    return True


def ensure_node_driver() -> str:
    """Return the node executable after making sure the npm packages are installed.

    Skips (with the reason) when node or npm are not on PATH; fails loudly when
    the install itself fails, since CI is expected to reach the npm registry.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run vscode-textmate; not found on PATH")
    # several engineers (and pytest runs) share one checkout: serialise installs
    key = hashlib.sha1(str(NODE_DRIVER_DIR).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"agentspec-vscode-npm-{key}.lock"
    with open(lock_path, "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if not _node_modules_ready():
            proc = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=NODE_DRIVER_DIR,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if proc.returncode != 0 or not _node_modules_ready():
                pytest.fail(
                    f"npm ci in {NODE_DRIVER_DIR} failed (exit {proc.returncode}):\n"
                    f"{proc.stdout}\n{proc.stderr}"
                )
    return node


class TextMate:
    """Tokenises documents through tokenize.js; one Node process per call."""

    def __init__(self, node: str, grammar: Path = TM_GRAMMAR):
        self.node = node
        self.grammar = grammar

    def tokenize_many(self, texts: dict[str, str]) -> dict[str, list[Token]]:
        request = {"documents": [{"name": k, "text": v} for k, v in texts.items()]}
        proc = subprocess.run(
            [self.node, str(NODE_DRIVER_DIR / "tokenize.js"), str(self.grammar)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NODE_PATH": ""},
        )
        assert proc.returncode == 0, f"tokenize.js failed:\n{proc.stderr}"
        out = {}
        for doc in json.loads(proc.stdout)["documents"]:
            tokens = []
            for lineno, line in enumerate(doc["lines"], start=1):
                # JavaScript indexes UTF-16 code units; tokens are contiguous, so
                # recount columns in code points from the token texts
                col = 0
                for t in line:
                    tokens.append(Token(lineno, col, t["text"], tuple(t["scopes"])))
                    col += len(t["text"])
            out[doc["name"]] = tokens
        return out

    def tokenize(self, text: str) -> list[Token]:
        return self.tokenize_many({"doc": text})["doc"]


def find(tokens: list[Token], text: str, line: int | None = None, nth: int = 0) -> Token:
    """The ``nth`` token whose text is exactly ``text`` (optionally on ``line``)."""
    hits = [t for t in tokens if t.text == text and (line is None or t.line == line)]
    assert len(hits) > nth, f"no token {text!r} (#{nth}) on line {line}; tokens: " + "\n".join(
        map(str, tokens[:200])
    )
    return hits[nth]


def line_of(source: str, needle: str) -> int:
    """1-based number of the first line containing ``needle``."""
    for number, line in enumerate(source.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in source")


# ---------------------------------------------------------------------------
# What the parser sees: every token of a valid spec, with the class the
# highlighters must give it.


@dataclass(frozen=True)
class LarkToken:
    kind: str  # "keyword", "constant", "name", "string", "triple", "integer", ... (see classify)
    type: str  # the Lark terminal name
    value: str
    start: int  # offsets into the text
    end: int
    line: int


_PUNCTUATION = set("{}[](),:")
_NAMED_KINDS = {
    "NAME": "name",
    "STRING": "string",
    "TRIPLE_STRING": "triple",
    "INT": "integer",
    "FLOAT": "float",
    "DURATION": "duration",
    "REGEX": "regex",
    "BOOL": "constant",
    "OPTIONAL": "operator",
}


#: how a documentation snippet that is not a whole spec is parsed: as the body
#: of a scenario (settings such as ``run { ... }``) or of a script (steps)
_SNIPPET_WRAPPERS = (("", ""), ('scenario "_" {\n', "\n}\n"), ("script _ {\n", "\n}\n"))
_comments: list = []


@lru_cache(maxsize=1)
def _grammar_parser():
    import lark

    return lark.Lark(
        GRAMMAR.read_text(),
        parser="lalr",
        lexer="contextual",
        keep_all_tokens=True,
        maybe_placeholders=False,
        lexer_callbacks={"COMMENT": _comments.append},
    )


def parser_tokens(text: str) -> list[LarkToken] | None:
    """Every token (comments included) as grammar/agentspec.lark lexes ``text``.

    ``text`` is a whole spec or, for snippets in the docs, the body of a scenario
    or a script.  Returns None when it is none of these.  Raises AssertionError
    for a token the highlighting tests do not know how to classify, so a new kind
    of terminal in the grammar makes these tests point at themselves.
    """
    import lark

    parser = _grammar_parser()
    for prefix, suffix in _SNIPPET_WRAPPERS:
        _comments.clear()
        try:
            tree = parser.parse(prefix + text + suffix)
        except lark.exceptions.LarkError:
            continue
        raw = list(tree.scan_values(lambda v: isinstance(v, lark.Token))) + list(_comments)
        shift, lines = len(prefix), prefix.count("\n")
        inside = [t for t in raw if shift <= t.start_pos and t.end_pos <= shift + len(text)]
        return sorted(
            (_classify(t, t.start_pos - shift, t.end_pos - shift, t.line - lines) for t in inside),
            key=lambda t: t.start,
        )
    return None


def _classify(tok, start: int, end: int, line: int) -> LarkToken:
    if tok.type == "COMMENT":
        kind = "comment"
    elif tok.type in _NAMED_KINDS:
        kind = _NAMED_KINDS[tok.type]
    elif tok.value in CONSTANT_KEYWORDS:
        kind = "constant"
    elif tok.value in grammar_keywords():
        kind = "keyword"
    elif tok.value in _PUNCTUATION:
        kind = "punctuation"
    elif tok.value in ("==", "="):
        kind = "operator"
    else:
        raise AssertionError(f"unclassified token {tok.type} {tok.value!r}: extend highlight_support")
    return LarkToken(kind, tok.type, str(tok.value), start, end, line)


def read_spec(path: Path) -> str:
    """Spec text with newlines normalised, so offsets agree across all three tools."""
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")
