"""specs/ is the living documentation: together the example specs use every
construct of the grammar, so every construct is compiled by the golden tests
and run by the generated tests."""

from __future__ import annotations

import re

from lark import Token, Tree

from agentspec.syntax.parser import grammar_text, lark_parser
from codegen_support import REPO

SPECS = sorted((REPO / "specs").glob("*.agentspec"))

#: Keywords that select a variant inside one rule (the rule name alone does not tell them apart).
VARIANT_KEYWORDS = {
    "never", "always", "when", "default",  # approvals
    "approve", "reject", "revise", "partial",  # decisions
    "approved", "rejected", "revised",  # approval outcomes
    "contains", "not_contains",  # output tests
    "before", "after", "times", "min_times", "max_times", "order",  # tool_call options
    "forbidden_tools", "required_tools", "forbidden_outputs",  # policy clauses
    "tool", "state", "output_contains",  # milestone targets
    "within", "weight", "max_rate", "mutating", "using", "provider", "version", "none",
    "api_key", "api_key_env", "plans", "tools", "ttl",
}


def _used() -> tuple[set[str], set[str], set[str]]:
    rules: set[str] = set()
    keywords: set[str] = set()
    terminals: set[str] = set()
    for path in SPECS:
        stack = [lark_parser().parse(path.read_text(encoding="utf-8"))]
        while stack:
            node = stack.pop()
            if isinstance(node, Tree):
                rules.add(node.data)
                stack.extend(node.children)
            elif isinstance(node, Token):
                terminals.add(node.type)
                keywords.add(str(node))
    return rules, keywords, terminals


def _grammar_rules() -> set[str]:
    """Every rule and alias (``-> name``) of the grammar that can appear in a tree."""
    text = grammar_text()
    names = set(re.findall(r"->\s*([a-z_]+)", text))
    for name, body in re.findall(r"^\??([a-z_]+):(.*?)(?=^\??[a-z_]+:|^[A-Z_]+[.\d]*:|\Z)", text, flags=re.M | re.S):
        if not name.startswith("?") and "->" not in body:
            names.add(name)
    inlined = set(re.findall(r"^\?([a-z_]+):", text, flags=re.M))  # ?rule: never a tree of its own
    return names - inlined - {"start"}


def test_specs_use_every_rule_of_the_grammar() -> None:
    rules, _, _ = _used()
    assert sorted(_grammar_rules() - rules) == []


def test_specs_use_every_variant_keyword() -> None:
    _, keywords, _ = _used()
    assert sorted(VARIANT_KEYWORDS - keywords) == []


def test_specs_use_every_kind_of_literal() -> None:
    _, _, terminals = _used()
    assert {"STRING", "TRIPLE_STRING", "INT", "FLOAT", "BOOL", "DURATION", "REGEX", "OPTIONAL", "NAME"} <= terminals
