"""The contextual lexer the parser runs: Lark's own, with one regular-expression match per token.

Lark's ``ContextualLexer`` lexes each token with the terminals the LALR parser
accepts in its current state. It costs several Python calls per token, and
every run of whitespace between tokens is a match of its own; on a large spec
that was most of a parse. ``ContextualLexer`` here gives the parser the same
tokens (types, values, every position attribute) and the COMMENT callback the
same comments, from the same per-state terminal lists: for each parser state
it takes Lark's lexer for that state (its terminals in Lark's order, keywords
folded into NAME exactly as Lark folds them) and compiles them into one
pattern that also skips the whitespace before the token. That is sound
because no terminal can start with whitespace, so the whitespace run is
always a match of its own in Lark too.

Whatever that pattern does not match (a syntax error; the whitespace at the
end of the text) is handed, with the lexer state brought up to date, to Lark's
own ``ContextualLexer``, which finishes the text or raises exactly the error
it always raises. Plugged in through Lark's custom-lexer option (``lexer=``),
so the parser, the interactive parser and the cached tables are Lark's.
``tests/test_lexer.py`` holds its token stream equal to Lark's (and would show
a terminal added to the grammar that starts with whitespace). It reads Lark's
lexers as Lark 1.1.9 to 1.3 build them; a Lark whose lexers look otherwise is
left to lex everything itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from lark import Token
from lark.common import LexerConf
from lark.lexer import ContextualLexer as LarkContextualLexer
from lark.lexer import Lexer, LexerState, PatternStr, UnlessCallback


class _StateScan(NamedTuple):
    """One parser state's lexer: a match function and what to do with what it matched."""

    match: Callable[..., Any]
    keywords: dict[str, dict[str, str]]  # a terminal (NAME) -> {a keyword's text: the keyword's terminal}
    callbacks: dict[str, Callable[[Token], Token]]  # the user's lexer callbacks (COMMENT)


class ContextualLexer(Lexer):
    """Lark's contextual lexing, one match per token; see the module's docstring."""

    __future_interface__ = 2  # lex(lexer_state, parser_state), as Lark's own lexers

    def __init__(self, conf: LexerConf) -> None:
        self._conf = conf
        self._lock = threading.Lock()
        self._table: Any = None  # the parse table the per-state lexers were made for
        self._lark: LarkContextualLexer | None = None
        self._scans: dict[int, _StateScan | None] = {}

    def _lark_lexer(self, parse_table: Any) -> LarkContextualLexer:
        """Lark's own contextual lexer for ``parse_table`` (a custom lexer is not given the table up front)."""
        with self._lock:
            if self._table is not parse_table:
                states = {index: list(actions) for index, actions in parse_table.states.items()}
                self._lark = LarkContextualLexer(self._conf, states)
                self._scans = {}
                self._table = parse_table
            assert self._lark is not None
            return self._lark

    def _scan(self, state: int) -> _StateScan | None:
        """The one-pattern lexer of parser state ``state``, or None where Lark's must do it."""
        assert self._lark is not None
        basic = self._lark.lexers[state]
        try:
            scanner = basic.scanner  # Lark's terminals for this state, keywords already folded into NAME
        except AttributeError:  # a Lark whose lexers are built otherwise: its own lexer is still right
            return None
        skipped = [t for t in scanner.terminals if t.name in basic.ignore_types and t.name not in basic.callback]
        kept = [t for t in scanner.terminals if t not in skipped]
        keywords: dict[str, dict[str, str]] = {}
        callbacks: dict[str, Callable[[Token], Token]] = {}
        for name, callback in basic.callback.items():
            if isinstance(callback, UnlessCallback):
                words = callback.scanner.terminals
                if not all(isinstance(w.pattern, PatternStr) and not w.pattern.flags for w in words):
                    return None  # a keyword Lark matches by pattern, not by its text
                keywords[name] = {w.pattern.value: w.name for w in words}
            elif callback is self._conf.callbacks.get(name) and name not in keywords:
                callbacks[name] = callback
            else:
                return None  # a keyword with a callback of its own: Lark chains the two
        if set(keywords) & set(callbacks):
            return None
        skip = "|".join(t.pattern.to_regexp() for t in skipped)
        pattern = (f"(?:{skip})*+" if skip else "") + "(?:%s)" % "|".join(
            f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in kept
        )
        try:
            regex = self._conf.re_module.compile(pattern, self._conf.g_regex_flags)
        except (
            AssertionError,
            self._conf.re_module.error,
        ):  # too many groups for one pattern
            return None
        return _StateScan(regex.match, keywords, callbacks)

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        lark = self._lark_lexer(parser_state.parse_conf.parse_table)
        scans = self._scans
        text = lexer_state.text  # a str before Lark 1.3, a TextSlice since
        text, end = (text, len(text)) if isinstance(text, str) else (text.text, text.end)
        counter = lexer_state.line_ctr
        ignore = lark.root_lexer.ignore_types
        newline_types = lark.root_lexer.newline_types  # Lark counts lines only in these terminals
        new = str.__new__
        stack = parser_state.state_stack  # the parser pushes and pops this list in place
        while True:
            # the counter is read afresh for every token, as Lark's lexer does (the LSP moves it)
            pos, line, line_start = (
                counter.char_pos,
                counter.line,
                counter.line_start_pos,
            )
            state = stack[-1]  # parser_state.position, without a property call per token
            try:
                scan = scans[state]
            except KeyError:
                scan = scans[state] = self._scan(state)
            found = scan.match(text, pos, end) if scan is not None and pos < end else None
            if found is None:
                break
            while True:  # ignored tokens (comments) do not change the parser's state
                kind = found.lastgroup
                start, stop = found.span(kind)
                value = text[start:stop]
                lines = text.count("\n", pos, start)
                if lines:
                    line += lines
                    line_start = text.rindex("\n", pos, start) + 1
                token = new(Token, value)
                token.type = kind
                token.start_pos = start
                token.value = value
                token.line = line
                token.column = start - line_start + 1
                if kind in newline_types:
                    lines = value.count("\n")
                    if lines:
                        line += lines
                        line_start = start + value.rindex("\n") + 1
                token.end_line = line
                token.end_column = stop - line_start + 1
                token.end_pos = pos = stop
                words = scan.keywords.get(kind)
                if words is not None:
                    token.type = words.get(value, kind)
                callback = scan.callbacks.get(kind)
                if callback is not None:
                    token = callback(token)
                if kind not in ignore:
                    break
                found = scan.match(text, pos, end) if pos < end else None
                if found is None:
                    break
            counter.char_pos = pos
            counter.line = line
            counter.line_start_pos = line_start
            counter.column = pos - line_start + 1
            if found is None:  # only ignored tokens up to here: Lark's lexer takes over below
                break
            lexer_state.last_token = token
            yield token
        # a syntax error, the whitespace at the end, or a state left to Lark: Lark's lexer
        # carries on from the counter, raising (or ending) exactly as it always does
        yield from lark.lex(lexer_state, parser_state)
