"""``agentspec fmt``: rewrite spec files in the one canonical layout.

``format_source(text)`` is the whole formatter (the language server calls it
for document formatting); the command line around it is ``agentspec.commands.fmt``.
The layout rules are documented in docs/formatting.md; the work is split into
``formatter_build`` (parse tree and comments → layout document),
``formatter_layout`` (document → text) and ``formatter_literals`` (string spellings).

Formatting must never change what a spec means. Besides the property tests
(which compare ASTs), every result is re-parsed and its tokens compared with
the input's (strings by value, separators aside) and its comments likewise;
a mismatch is a bug in the formatter, raised as ``FormatterBug`` instead of
writing a damaged file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from agentspec.diagnostics import Diagnostic
from agentspec.formatter_build import DocumentBuilder, FormatterBug, leaves
from agentspec.formatter_layout import WIDTH, render
from agentspec.formatter_literals import decode, triple_text
from agentspec.syntax.grammar import parse_tree
from agentspec.syntax.parser import nesting_too_deep, parse

__all__ = ["FormatResult", "FormatterBug", "format_source"]


@dataclass
class FormatResult:
    """``text`` is the formatted file, or None when the input has syntax errors
    (then ``diagnostics`` says why, as ``agentspec check`` would)."""

    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def format_source(text: str, path: str = "<string>", width: int = WIDTH) -> FormatResult:
    """Format one file's text. Raises ``FormatterBug`` only for a bug in agentspec."""
    # Nesting deeper than the compiler accepts (E009) is a diagnostic, as in
    # `parse`; laying it out would also exhaust the recursion limit.
    parsed = None if nesting_too_deep(text) is not None else _parse_tree(text)
    if parsed is None:
        return FormatResult(None, parse(text, path).diagnostics)
    tree, comments = parsed
    formatted = render(DocumentBuilder(text, tree, comments).document(), width)
    if formatted:
        formatted += "\n"
    _verify(_signature(tree, comments), formatted, path)
    return FormatResult(formatted, [])


def _parse_tree(text: str) -> tuple[Tree, list[Token]] | None:
    """The concrete tree (every token) and the comments, or None on a syntax error."""
    try:
        return parse_tree(text)
    except UnexpectedInput:
        return None


def _signature(tree: Tree, comments: list[Token]) -> tuple[list, list[str]]:
    """What formatting must not change: every token but the commas (separators
    the layout re-emits), strings by value, and the comments' text in order.
    Equal signatures mean equal parse trees up to commas, hence equal ASTs."""
    tokens = []
    for token in leaves(tree):
        if token.type == "COMMA":
            continue
        raw = str(token)
        if token.type == "STRING":
            value = decode(raw[1:-1])
            tokens.append((token.type, ("as written", raw) if value is None else ("value", value)))
        elif token.type == "TRIPLE_STRING":
            tokens.append((token.type, triple_text(raw[3:-3])))
        else:
            tokens.append((token.type, raw))
    return tokens, [str(c).rstrip() for c in comments]


def _verify(expected: tuple[list, list[str]], formatted: str, path: str) -> None:
    parsed = _parse_tree(formatted)
    if parsed is None:
        raise FormatterBug(f"formatting {path} produced text that does not parse")
    tokens, comments = _signature(*parsed)
    if tokens != expected[0]:
        raise FormatterBug(f"formatting {path} would change its meaning")
    if comments != expected[1]:
        raise FormatterBug(f"formatting {path} would lose or reorder comments")
