"""What may be written at the cursor, asked of the grammar itself.

Completion must work on text that does not parse (the usual state while
typing), and must not keep a second list of "which keyword goes in which
block" that drifts from grammar/agentspec.lark. So this module feeds the text
of the declaration around the cursor, up to the cursor, to the real LALR
parser (Lark's interactive parser, with the same contextual lexer), and asks
it what it ``accepts()`` next: those terminals are exactly the keywords valid
here. When the parser would accept a NAME, the parser's stack says what kind
of name: the keyword that opened the slot (``tools [``, ``call``, ``via``...)
is on the stack, so the rules below only map those keywords to symbol kinds.

Text before the cursor that does not parse is recovered from the way an
editor's buffer is usually broken: unclosed brackets are closed, a missing
value is filled in, and a token that fits nowhere is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from agentspec.syntax.parser import VALUE_TERMINALS, lark_parser, nesting_too_deep
from agentspec.lsp import textscan

_KEYWORD = re.compile(r"[A-Za-z_]+")

# Which keyword opened a slot for a NAME, and what kind of symbol goes there.
# (Only references are listed; a NAME after `tool`, `script`, `plan` ... at the
# top level declares a new name and gets no suggestions.)
_LIST_OF = {
    "routes": "agent",
    "tools": "tool",
    "tool_order": "tool",
    "allowed": "tool",
    "mutating": "tool",
    "forbidden_tools": "tool",
    "required_tools": "tool",
    "ignore": "tool",  # score: `trajectory MODE [..] ignore [..]`
}
_AFTER_KEYWORD = {
    "via": "agent",
    "agent": "agent",
    "run": "script",
    "tool_call": "tool",
    "no_tool_call": "tool",
    "before": "tool",
    "after": "tool",
    "given": "tool",
    "on_tool_failure": "tool",
    "approval": "tool",  # `on approval NAME:` and the `approval NAME approved` expectation
    "for": "tool",  # `no_approval for NAME`
}
# Keywords that name a reference inside a block, but declare a name at the top level.
_NESTED_ONLY = {"plan": "plan", "provider": "provider", "tool": "tool", "service": "service"}
_STEP_BLOCK_OPENER_OF = {"script", "call"}


@dataclass
class CursorContext:
    """What the grammar allows at the cursor."""

    keywords: list[str] = field(default_factory=list)  # keywords valid here, sorted
    accepts_name: bool = False
    name_kind: str | None = None  # tool | agent | script | plan | provider | service | arg
    tool: str | None = None  # for "arg": the tool being called
    agent: str | None = None  # for "script" after `call AGENT`
    given_args: set[str] = field(default_factory=set)  # for "arg": arguments already written
    listed: set[str] = field(default_factory=set)  # in a `[...]` list: names already in it
    in_steps: bool = False  # a step of a script / run / call block (built-in tools are valid)
    accepts_bool: bool = False
    accepts_null: bool = False


@lru_cache(maxsize=1)
def _terminal_words() -> dict[str, str]:
    """Terminal name -> literal text, for every fixed-string terminal."""
    return {t.name: t.pattern.value for t in lark_parser().terminals if isinstance(t.pattern, PatternStr)}


@lru_cache(maxsize=1)
def _terminal_of() -> dict[str, str]:
    return {value: name for name, value in _terminal_words().items()}


def _keywords(terminals: set[str]) -> list[str]:
    words = _terminal_words()
    return sorted(words[t] for t in terminals if t in words and _KEYWORD.fullmatch(words[t]))


def keywords_accepted_at_start() -> list[str]:
    """The keywords that may start a file (= start a declaration)."""
    return _keywords(set(lark_parser().parse_interactive("").accepts()))


# ---- feeding broken text to the parser -------------------------------------------


def _restore(state, saved) -> None:
    state.state_stack[:] = saved[0]
    state.value_stack[:] = saved[1]


def _try_feed(state, tokens: list[Token]) -> bool:
    saved = (list(state.state_stack), list(state.value_stack))
    try:
        for token in tokens:
            state.feed_token(token)
        return True
    except UnexpectedInput:
        _restore(state, saved)
        return False


def _synthetic(type_: str, value: str, like: Token) -> Token:
    return Token.new_borrow_pos(type_, value, like)


def _repairs(like: Token) -> list[list[Token]]:
    """Token sequences to try inserting before a token that does not fit."""
    of = _terminal_of()
    closers = [_synthetic(of[c], c, like) for c in (")", "]", "}")]
    fillers = [_synthetic("STRING", '""', like), _synthetic("NAME", "_", like), _synthetic("INT", "0", like)]
    sequences: list[list[Token]] = [[c] for c in closers] + [[f] for f in fillers]
    sequences += [[f, c] for f, c in product(fillers, closers)]
    sequences += [list(p) for p in product(closers, repeat=2)]
    sequences += [list(p) for p in product(closers, repeat=3)]
    return sequences


def _feed(state, token: Token) -> None:
    """Feed ``token``; if it does not fit, repair the input before it or skip it."""
    if _try_feed(state, [token]):
        return
    if token.type in ("RPAR", "RSQB", "RBRACE"):
        return  # a stray closer: skip it
    for repair in _repairs(token):
        if _try_feed(state, repair + [token]):
            return
    # nothing helps: skip the token


def parse_prefix(segment: str):
    """An interactive parser positioned after ``segment`` (never raises)."""
    ip = lark_parser().parse_interactive(segment)
    state = ip.parser_state
    thread = ip.lexer_thread
    for _ in range(len(segment) + 1):  # each round consumes at least one character
        try:
            for token in thread.lex(state):
                _feed(state, token)
            break
        except UnexpectedCharacters:
            counter = thread.state.line_ctr
            at = counter.char_pos
            if segment[at] == '"':  # an unterminated string (E002): runs to the end of its line
                end = segment.find("\n", at)
                end = len(segment) if end == -1 else end
                counter.feed(segment[at:end])
                _feed(state, Token("STRING", '""', at, counter.line, counter.column, counter.line, counter.column, end))
            else:
                counter.feed(segment[at : at + 1])
        except UnexpectedToken as exc:  # valid somewhere, not here; already consumed by the lexer
            _feed(state, exc.token)
    return ip


# ---- reading the parser's stack ----------------------------------------------------


def _word(item) -> str | None:
    """The keyword or punctuation a stack item is, if it is one."""
    if isinstance(item, Token) and item.type not in VALUE_TERMINALS:
        return str(item)
    return None


def _arg_names(items) -> set[str]:
    names: set[str] = set()
    for item in items:
        if isinstance(item, Tree):
            for sub in item.iter_subtrees():
                if sub.data == "arg" and sub.children and isinstance(sub.children[0], Token):
                    names.add(str(sub.children[0]))
    return names


def _args_after(text: str) -> set[str]:
    """``name:`` written after the cursor, up to the `)` that closes the call."""
    names: set[str] = set()
    depth = 0
    for lex in textscan.lexemes(text[:4000]):
        if lex.kind == "open":
            depth += 1
        elif lex.kind == "close":
            if depth == 0:
                break
            depth -= 1
        elif lex.kind == "word" and depth == 0:
            rest = text[lex.end : lex.end + 40].lstrip(" \t")
            if rest.startswith(":"):
                names.add(lex.text)
    return names


_OPENER_OF = {")": "(", "]": "[", "}": "{"}


def _names_after(text: str) -> set[str]:
    """Names written after the cursor, up to the `]` that closes the list."""
    names: set[str] = set()
    for lex in textscan.lexemes(text[:4000]):
        if lex.kind in ("close", "open") or (lex.kind == "word" and lex.text in textscan.top_level_keywords()):
            break
        if lex.kind == "word":
            names.add(lex.text)
    return names


def _name_slot(stack: list, text_after: str) -> CursorContext:
    """Which kind of name the NAME the parser accepts here would be.

    Walk the parser's stack down from the top, over what is already complete
    (reduced subtrees, bracketed groups not yet reduced, names and commas),
    to the keyword or bracket that opened the slot.
    """
    ctx = CursorContext(accepts_name=True)
    depth = sum(1 if _word(t) in ("{", "[", "(") else -1 if _word(t) in _OPENER_OF else 0 for t in stack)
    i = len(stack) - 1
    names: list[str] = []
    complete = False  # passed a finished group: the construct before it is done
    while i >= 0:
        item = stack[i]
        word = _word(item)
        if isinstance(item, Tree) or word == ",":
            i -= 1
        elif isinstance(item, Token) and item.type == "NAME":
            names.append(str(item))
            i -= 1
        elif word in _OPENER_OF:  # skip back over the whole group
            level = 0
            while i >= 0:
                inner = _word(stack[i])
                level += 1 if inner in _OPENER_OF else -1 if inner in _OPENER_OF.values() else 0
                i -= 1
                if level == 0:
                    break
            complete = True
        else:
            break
    if i < 0:
        return ctx
    key = _word(stack[i])
    before = stack[i - 1] if i >= 1 else None
    before2 = stack[i - 2] if i >= 2 else None
    before_is_name = isinstance(before, Token) and before.type == "NAME"
    if key == "[":
        ctx.name_kind = _LIST_OF.get(_word(before) or "")
        if before_is_name and _word(before2) == "trajectory":  # score: `trajectory MODE [tools]`
            ctx.name_kind = "tool"
        ctx.listed = set(names) | _names_after(text_after)
    elif key == "(":
        if before_is_name and _word(before2) != "tool":
            ctx.name_kind, ctx.tool = "arg", str(before)
            ctx.given_args = _arg_names(stack[i + 1 :]) | _args_after(text_after)
    elif key == "{":
        step_block = _word(before) == "run" or (before_is_name and _word(before2) in _STEP_BLOCK_OPENER_OF)
        if step_block:
            ctx.name_kind, ctx.in_steps = "tool", True
    elif key == "call":
        if complete or len(names) >= 2:  # `call a b` / `call a { ... }` is done: a new step
            ctx.name_kind, ctx.in_steps = "tool", True
        elif not names:
            ctx.name_kind = "agent"
        else:
            ctx.name_kind, ctx.agent = "script", names[0]
    elif key in _AFTER_KEYWORD and not names and not complete:
        ctx.name_kind = _AFTER_KEYWORD[key]
    elif key in _NESTED_ONLY and depth > 0 and not names and not complete:
        ctx.name_kind = _NESTED_ONLY[key]
    return ctx


def cursor_context(text: str, offset: int) -> CursorContext | None:
    """What may be written at ``offset`` in ``text``; None inside strings and comments.

    A partially typed word at the cursor is not part of the context (the
    editor filters the suggestions by it).
    """
    offset = max(0, min(offset, len(text)))
    start = textscan.word_start(text, offset)
    # only the declaration around the cursor matters (strings and blocks never span declarations)
    begin = max([s for s in textscan.declaration_starts(text[:start]) if s < start] or [0])
    if textscan.in_string_or_comment(text[begin:], offset - begin):
        return None
    segment = text[begin:start]
    if nesting_too_deep(segment) is not None:
        # The parser rejects brackets nested this deep (E001), so nothing written here
        # could be valid; and feeding them all would cost time quadratic in the depth.
        return CursorContext()
    ip = parse_prefix(segment)
    accepts = set(ip.accepts())
    stack = ip.parser_state.value_stack
    if "NAME" in accepts:
        ctx = _name_slot(stack, text[offset:])
    else:
        ctx = CursorContext()
    ctx.keywords = _keywords(accepts)
    ctx.accepts_bool = "BOOL" in accepts
    ctx.accepts_null = "NULL" in accepts
    return ctx
