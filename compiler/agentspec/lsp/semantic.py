"""Semantic tokens (``textDocument/semanticTokens/full``): what each word of the buffer is.

Nothing here is a second lexer. Strings, regexes and comments are the
lexemes of the syntax core's scanner (the grammar's own terminals, read
tolerantly so a string still being typed runs to the end of its line);
keywords are the grammar's literal words (``textscan.grammar_keywords``, the
list both highlighters are tested against); names are classified by the
syntax tree and resolved as the checker resolves them (``symbols``): a tool
is a ``function``, an agent a ``class`` and so on, with the ``declaration``
modifier where it is declared. When the buffer parses, the parse tree's
tokens also say which words are names (a parameter called ``description`` is
not the keyword) and which are numbers; while it does not, every word the
grammar spells as a keyword is shown as one.
"""

from __future__ import annotations

from lark import Token

from agentspec import symbols
from agentspec.lsp.analysis import Analysis
from agentspec.lsp.positions import LineIndex
from agentspec.lsp.textscan import grammar_keywords, lexemes
from agentspec.syntax.grammar import parse_tree
from agentspec.syntax.scanner import nesting_too_deep

TOKEN_TYPES = [
    "keyword",
    "string",
    "regexp",
    "comment",
    "number",
    "function",  # tool
    "class",  # agent
    "struct",  # plan
    "macro",  # script
    "namespace",  # provider
    "type",  # reference
    "interface",  # service
]
TOKEN_MODIFIERS = ["declaration"]

SYMBOL_TYPES: dict[str, str] = {
    "tool": "function",
    "agent": "class",
    "plan": "struct",
    "script": "macro",
    "provider": "namespace",
    "reference": "type",
    "service": "interface",
}
_LEXEME_TYPES = {"string": "string", "triple": "string", "regex": "regexp", "comment": "comment"}
_NUMBER_TERMINALS = {"INT", "FLOAT", "DURATION"}


def _names(analysis: Analysis) -> dict[int, tuple[int, str, bool]]:
    """Start offset -> (end, token type, is a declaration) of every declared or used symbol name."""
    spec = analysis.spec
    if spec is None:
        return {}
    found: dict[int, tuple[int, str, bool]] = {}
    for decl in spec.declarations:
        kind = symbols.NAMED_DECLARATIONS.get(decl.kind)
        if kind is not None:
            found[decl.name.span.start] = (decl.name.span.end, SYMBOL_TYPES[kind], True)
    for reference in symbols.references_in(spec):
        span = reference.ident.span
        found.setdefault(span.start, (span.end, SYMBOL_TYPES[reference.kind], False))
    return found


def _parsed_tokens(text: str) -> list[Token] | None:
    """The parse tree's tokens, or None when the text does not parse (or is nested
    deeper than the parser is asked to go, as ``parse`` refuses it with E009)."""
    if nesting_too_deep(text) is not None:
        return None
    try:
        tree, _comments = parse_tree(text)
    except Exception:  # a syntax error (or worse): the scanner alone classifies
        return None
    return [child for node in tree.iter_subtrees() for child in node.children if isinstance(child, Token)]


def classify(analysis: Analysis) -> list[tuple[int, int, str, bool]]:
    """(start, end, token type, declaration) for every token, in source order."""
    text = analysis.text
    names = _names(analysis)
    parsed = _parsed_tokens(text)
    other_names = {t.start_pos for t in parsed or [] if t.type == "NAME"} - set(names)
    keywords = grammar_keywords()
    found: list[tuple[int, int, str, bool]] = []
    for lexeme in lexemes(text):
        if lexeme.kind in _LEXEME_TYPES:
            found.append((lexeme.start, lexeme.end, _LEXEME_TYPES[lexeme.kind], False))
        elif lexeme.kind == "word":
            if lexeme.start in names:
                end, token_type, declaration = names[lexeme.start]
                found.append((lexeme.start, end, token_type, declaration))
            elif lexeme.text in keywords and lexeme.start not in other_names:
                found.append((lexeme.start, lexeme.end, "keyword", False))
    for token in parsed or []:
        if token.type in _NUMBER_TERMINALS:
            found.append((token.start_pos, token.end_pos, "number", False))
    found.sort()
    return found


def semantic_tokens(analysis: Analysis) -> list[int]:
    """The LSP encoding: five integers per token, positions relative to the previous
    token, one token per line (a triple-quoted string is split at its line breaks)."""
    index: LineIndex = analysis.index
    data: list[int] = []
    previous_line, previous_char = 0, 0
    for start, end, token_type, declaration in classify(analysis):
        type_index = TOKEN_TYPES.index(token_type)
        modifiers = 1 if declaration else 0
        for piece_start, piece_end in _per_line(analysis.text, start, end):
            begin, finish = index.position(piece_start), index.position(piece_end)
            length = finish.character - begin.character
            if length <= 0:
                continue
            delta_line = begin.line - previous_line
            delta_char = begin.character - previous_char if delta_line == 0 else begin.character
            data += [delta_line, delta_char, length, type_index, modifiers]
            previous_line, previous_char = begin.line, begin.character
    return data


def _per_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    while start < end:
        line_end = text.find("\n", start, end)
        if line_end == -1:
            pieces.append((start, end))
            break
        stop = line_end - 1 if line_end > start and text[line_end - 1] == "\r" else line_end
        pieces.append((start, stop))
        start = line_end + 1
    return pieces
