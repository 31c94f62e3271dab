"""Formatter: idempotent, keeps every comment, output parses; never raises."""

from __future__ import annotations

from fuzz.corpus import seeds_text
from fuzz.targets import Target, Violation

PATH = "fuzzed.agentspec"


def _comments(text: str) -> list[str]:
    from agentspec.lsp.textscan import lexemes

    return [lex.text.strip() for lex in lexemes(text) if lex.kind == "comment"]


def check(text: str) -> str:
    from agentspec.formatter import format_source
    from agentspec.syntax.parser import parse

    result = format_source(text, PATH)
    if result.text is None:
        if not result.diagnostics:
            raise Violation("formatting declined without a diagnostic")
        return "syntax error"
    again = format_source(result.text, PATH)
    if again.text != result.text:
        raise Violation("formatting is not idempotent")
    if parse(result.text, PATH).spec is None:
        raise Violation("formatted text does not parse")
    if _comments(result.text) != _comments(text) and "/" not in text:  # a regex may hold `#`
        raise Violation(f"comments changed: {_comments(text)} -> {_comments(result.text)}")
    return "formatted"


def _strategy():
    from fuzz.strategies import spec_texts

    return spec_texts


TARGET = Target("formatter", "formatter: idempotence, comments kept, output parses", _strategy, check, lambda: check(seeds_text()))
