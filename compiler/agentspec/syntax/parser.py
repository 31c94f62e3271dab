"""Parse .agentspec text into syntax-tree nodes (``agentspec.syntax.nodes``).

``parse(text, path)`` never raises for bad input: it returns the tree (or None
when the text is not syntactically valid) and a list of diagnostics. Syntax
errors are described in words a user knows (``expected `:` or `)` ``), not
in Lark's terminal names.

The syntax is grammar/agentspec.lark, parsed by the one shared Lark parser
(``syntax.grammar``); ``syntax.tree_builder`` turns Lark's tree into nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lark.exceptions import UnexpectedInput

from agentspec import cycle_collector
from agentspec.diagnostics import Diagnostic, error, span_at
from agentspec.syntax import nodes
from agentspec.syntax.errors import span_of, syntax_error
from agentspec.syntax.grammar import VALUE_TERMINALS, grammar_text, lark_parser, parse_tree
from agentspec.syntax.scanner import MAX_NESTING, nesting_too_deep
from agentspec.syntax.tree_builder import TreeBuilder

# the syntax core's public names, importable from here as before
__all__ = [
    "MAX_NESTING",
    "ParseResult",
    "VALUE_TERMINALS",
    "grammar_text",
    "lark_parser",
    "nesting_too_deep",
    "parse",
]


@dataclass
class ParseResult:
    spec: nodes.SpecFile | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def parse(text: str, path: str = "<string>") -> ParseResult:
    """Parse one file's text. ``path`` is used in spans' diagnostics and the tree."""
    deep = nesting_too_deep(text)
    if deep is not None:
        return ParseResult(
            None,
            [
                error(
                    "E009",
                    f"brackets nested more than {MAX_NESTING} levels deep",
                    path,
                    span_at(text, deep),
                    "flatten this value; fixtures this deep are better loaded by a handler",
                )
            ],
        )
    with cycle_collector.paused():  # see agentspec.cycle_collector
        # Lark's tree is built, read and dropped in there: freed while the collector is off,
        # the collector's next pass never walks it
        return _parse(text, path)


def _parse(text: str, path: str) -> ParseResult:
    try:
        tree, comments = parse_tree(text)
    except UnexpectedInput as exc:
        return ParseResult(None, [syntax_error(exc, text, path, lark_parser())])
    builder = TreeBuilder(path, text)
    declarations = builder.build(tree)
    spec = nodes.SpecFile(
        path=path,
        declarations=declarations,
        comments=[nodes.Comment(text=str(c).rstrip(), span=span_of(c)) for c in comments],
    )
    return ParseResult(spec, builder.diagnostics)
