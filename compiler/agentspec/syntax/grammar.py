"""The one Lark parser for .agentspec, shared by the compiler, the formatter and the language server.

``lark_parser()`` builds it once from grammar/agentspec.lark (LALR, Lark's
contextual lexing done by ``syntax.lexer``, every token kept so the tree builder
can give each node its full span), and
``parse_tree(text)`` returns Lark's concrete tree together with the comments,
which the lexer hands to a callback as it skips them: they are collected in
that one pass, never by scanning the text again.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Tree

from agentspec.cache import parser_tables
from agentspec.syntax.lexer import ContextualLexer

# Terminals that carry meaning; every other token is a keyword or punctuation.
VALUE_TERMINALS = frozenset(
    {"NAME", "STRING", "TRIPLE_STRING", "INT", "FLOAT", "DURATION", "REGEX", "BOOL", "OPTIONAL"}
)


def grammar_text() -> str:
    """The grammar, as shipped inside the package (a link to grammar/agentspec.lark)."""
    return resources.files("agentspec").joinpath("agentspec.lark").read_text(encoding="utf-8")


# Lark calls lexer callbacks without telling whose parse they belong to; the
# sink is per thread, so parses on different threads keep their own comments.
_comment_sink = threading.local()


def _collect_comment(token: Token) -> Token:
    sink = getattr(_comment_sink, "comments", None)
    if sink is not None:
        sink.append(token)
    return token


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    grammar = grammar_text()
    return Lark(
        grammar,
        cache=parser_tables(grammar) or False,  # the LALR tables, kept between processes
        parser="lalr",
        lexer=ContextualLexer,  # Lark's contextual lexing, one match per token (syntax/lexer.py)
        keep_all_tokens=True,  # keyword tokens stay in the tree, so every node has its full span
        maybe_placeholders=False,
        lexer_callbacks={"COMMENT": _collect_comment},
    )


def parse_tree(text: str) -> tuple[Tree, list[Token]]:
    """Lark's concrete tree of ``text`` and its comment tokens, in source order.

    Raises Lark's ``UnexpectedInput`` for a syntax error (``syntax.errors``
    turns it into a diagnostic).
    """
    _comment_sink.comments = comments = []
    try:
        return lark_parser().parse(text), comments
    finally:
        _comment_sink.comments = None
