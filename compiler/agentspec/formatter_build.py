"""Turn a parsed .agentspec file into a layout document (``formatter_layout``).

The formatter works on Lark's concrete tree (``keep_all_tokens=True``), not on
the AST: every keyword, name, value and bracket of the source is in it, in
order, with its position, so nothing written can be lost and the formatter
does not depend on the AST modelling every detail. Only separators are
normalised: whitespace, and the optional commas (between list items, after a
plan field or action), which the canonical layout re-emits itself.

Comments are attached to tokens by position before the document is built:

- a comment with a token before it on the same line is *trailing* that token:
  it is printed at the end of the output line on which that token lands;
- any other comment is *leading* the next token: printed on its own line(s)
  before that token, at the indentation of the statement or item the token
  starts (or, mid-statement, on continuation lines indented two more);
- leading comments of a closing ``}``, ``]`` or ``)`` stay inside that block
  or list; comments after the last token stay at the end of the file.

A comment inside a list, object or argument list forces it to be laid out one
item per line, since a comment ends its line.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from lark import Token, Tree

from agentspec.formatter_layout import (
    BREAK_PARENT,
    HARDLINE,
    LINE,
    SOFTLINE,
    Doc,
    Group,
    IfBreak,
    LineSuffix,
    LiteralLine,
    Nest,
)
from agentspec.formatter_literals import canonical_string, triple_lines

INDENT = 2
TRAILING_GAP = "  "  # before a comment at the end of a line, as in Python

# Rules whose direct `{ ... }` children are a block of statements, one per line.
BLOCK_RULES = frozenset(
    {
        "provider_decl",
        "tool_decl",
        "plan_decl",
        "reference_decl",
        "approval_block",
        "agent_decl",
        "script_decl",
        "call_block",
        "run_block",
        "scenario_decl",
        "expect_block",
        "score_block",
        "suite_decl",
    }
)

# Bracketed, comma-separated values: inline when they fit, else one item per line.
# The line separator decides the flat spelling: `{ a: 1 }` but `[a, b]`.
GROUP_RULES = {
    "list": SOFTLINE,
    "object": LINE,
    "name_list": SOFTLINE,
    "string_list": SOFTLINE,
    "action_list": SOFTLINE,
}

# Statements that, when too long for one line, break before each of a keyword's
# occurrences (continuation lines indented): a sequence of approval decisions.
BREAK_BEFORE = {"on_approval": "then"}

# Rules whose optional trailing `,` is dropped (the layout decides the separators).
DROP_COMMA_RULES = frozenset({"field", "action_decl"})

# Declarations that may sit on consecutive lines without a blank line between them.
TIGHT_DECLARATIONS = frozenset({"import_decl", "service_decl"})

_NO_SPACE_BEFORE = frozenset({",", ":", "]", ")", "?", "["})


class FormatterBug(RuntimeError):
    """The formatter could not lay out a valid file faithfully: a bug in agentspec."""


@dataclass
class _Comment:
    text: str
    line: int
    start: int
    end: int
    blank_before: bool = False


@dataclass
class _Atom:
    """One piece of a statement: a token, or a bracketed construct laid out as a unit."""

    kind: str  # "token" | "drop" | "group" | "paren" | "block" | "record"
    first: int  # index of the first token
    last: int  # index of the last token
    open: int = -1
    close: int = -1
    inner: list = field(default_factory=list)
    line: Doc = ""


def leaves(tree: Tree) -> list[Token]:
    found: list[Token] = []
    stack: list = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            found.append(node)
        else:
            stack.extend(reversed(node.children))
    return found


class DocumentBuilder:
    """Builds the document for one file; each comment is emitted exactly once,
    and tokens are visited in source order (comment transfers rely on it)."""

    def __init__(self, text: str, tree: Tree, comments: list[Token]):
        self.text = text
        self.tree = tree
        self.tokens = leaves(tree)
        self.index = {id(tok): i for i, tok in enumerate(self.tokens)}
        self.token_blank = [False] * len(self.tokens)
        self.leading: dict[int, list[_Comment]] = {}
        self.trailing: dict[int, list[_Comment]] = {}
        self.end_comments: list[_Comment] = []
        self.emitted = 0
        self.total = len(comments)
        self._attach(comments)

    # ---- comments ----------------------------------------------------------------

    def _attach(self, comments: list[Token]) -> None:
        items = [_Comment(str(c).rstrip(), c.line, c.start_pos, c.end_pos) for c in comments]
        # blank lines before every token and comment, from the gap to the previous one
        elements: list[tuple[int, int, object]] = [(t.start_pos, t.end_pos, i) for i, t in enumerate(self.tokens)]
        elements += [(c.start, c.end, c) for c in items]
        elements.sort(key=lambda e: e[0])
        previous_end = None
        for start, end, what in elements:
            blank = previous_end is not None and self.text.count("\n", previous_end, start) >= 2
            if isinstance(what, _Comment):
                what.blank_before = blank
            else:
                self.token_blank[what] = blank
            previous_end = end
        starts = [t.start_pos for t in self.tokens]
        for comment in items:
            following = bisect.bisect_right(starts, comment.start)
            before = following - 1
            if before >= 0 and self.tokens[before].end_line == comment.line:
                self.trailing.setdefault(before, []).append(comment)
            elif following < len(self.tokens):
                self.leading.setdefault(following, []).append(comment)
            else:
                self.end_comments.append(comment)

    def _take_leading(self, i: int) -> list[_Comment]:
        found = self.leading.pop(i, [])
        self.emitted += len(found)
        return found

    def _trailing(self, i: int) -> list:
        found = self.trailing.pop(i, [])
        self.emitted += len(found)
        return [[LineSuffix(TRAILING_GAP + c.text), BREAK_PARENT] for c in found]

    def _transfer(self, i: int) -> list:
        """Comments of a separator the layout drops. If it sat on the line of the
        token before it, its trailing comment is printed here (the end of that
        line); otherwise all its comments move, in order, before the next token."""
        moved = self.leading.pop(i, [])
        if i > 0 and self.tokens[i - 1].end_line != self.tokens[i].line:
            moved += self.trailing.pop(i, [])
        if moved:
            if i + 1 < len(self.tokens):
                self.leading[i + 1] = moved + self.leading.get(i + 1, [])
            else:
                self.end_comments[:0] = moved
        return self._trailing(i)

    def _blank_before_unit(self, i: int) -> bool:
        """Whether the author left a blank line before the statement starting at token ``i``
        (before its first leading comment, if it has any)."""
        comments = self.leading.get(i)
        return comments[0].blank_before if comments else self.token_blank[i]

    def _line_start(self, i: int, blanks: bool) -> list:
        """Leading comments of a token that starts a line: each on its own line."""
        comments = self._take_leading(i)
        parts: list = []
        for k, comment in enumerate(comments):
            if k and blanks and comment.blank_before:
                parts.append(HARDLINE)
            parts += [comment.text, HARDLINE]
        if comments and blanks and self.token_blank[i]:
            parts.append(HARDLINE)
        return parts

    def _dangling(self, close: int, blanks: bool, after_content: bool) -> list:
        """Comments before a closing bracket: kept inside the block or list."""
        parts: list = []
        for k, comment in enumerate(self._take_leading(close)):
            parts.append(HARDLINE)
            if blanks and comment.blank_before and (k or after_content):
                parts.append(HARDLINE)
            parts.append(comment.text)
        return parts

    # ---- tokens ------------------------------------------------------------------

    def _spell(self, i: int) -> Doc:
        token = self.tokens[i]
        if token.type == "STRING":
            return canonical_string(str(token))
        if token.type == "TRIPLE_STRING":
            return self._triple(str(token))
        return str(token)

    @staticmethod
    def _triple(raw: str) -> Doc:
        lines = triple_lines(raw)
        if lines is not None:
            return ['"""', Nest(INDENT, [[LiteralLine(), line] for line in lines]), LiteralLine(), '"""']
        pieces = raw.split("\n")
        if len(pieces) == 1:
            return raw
        # kept exactly as written: no indentation added to its lines
        parts: list = [pieces[0]]
        for piece in pieces[1:]:
            parts += [LiteralLine(indent=False), piece]
        return parts

    def _token(self, i: int) -> Doc:
        return [self._spell(i), *self._trailing(i)]

    def _first(self, node) -> int:
        while isinstance(node, Tree):
            node = node.children[0]
        return self.index[id(node)]

    def _last(self, node) -> int:
        while isinstance(node, Tree):
            node = node.children[-1]
        return self.index[id(node)]

    # ---- statements ----------------------------------------------------------------

    def _atoms(self, node: Tree, out: list[_Atom]) -> list[_Atom]:
        if node.data in GROUP_RULES:
            out.append(
                _Atom(
                    "group",
                    self._first(node),
                    self._last(node),
                    open=self._first(node),
                    close=self._last(node),
                    inner=node.children[1:-1],
                    line=GROUP_RULES[node.data],
                )
            )
            return out
        children = node.children
        block = None
        if node.data in BLOCK_RULES or node.data == "action_decl":
            braces = [k for k, c in enumerate(children) if isinstance(c, Token) and c.type == "LBRACE"]
            if braces:
                closes = [k for k, c in enumerate(children) if isinstance(c, Token) and c.type == "RBRACE"]
                block = (braces[0], closes[-1])
        k = 0
        while k < len(children):
            child = children[k]
            if block and k == block[0]:
                open_, close = self.index[id(child)], self.index[id(children[block[1]])]
                if node.data == "action_decl":
                    out.append(_Atom("record", open_, close, open_, close, children[k + 1 : block[1]], LINE))
                else:
                    out.append(_Atom("block", open_, close, open_, close, children[k + 1 : block[1]]))
                k = block[1] + 1
                continue
            if isinstance(child, Tree):
                self._atoms(child, out)
            elif child.type == "LPAR":
                end = next(j for j in range(k + 1, len(children)) if isinstance(children[j], Token) and children[j].type == "RPAR")
                inner = children[k + 1 : end]
                items = inner[0].children if inner else []  # the params / args rule
                open_, close = self.index[id(child)], self.index[id(children[end])]
                out.append(_Atom("paren", open_, close, open_, close, items, SOFTLINE))
                k = end + 1
                continue
            elif child.type == "COMMA" and node.data in DROP_COMMA_RULES:
                i = self.index[id(child)]
                out.append(_Atom("drop", i, i))
            else:
                i = self.index[id(child)]
                out.append(_Atom("token", i, i))
            k += 1
        return out

    @staticmethod
    def _space(previous: _Atom, atom: _Atom, tokens: list[Token]) -> str:
        if atom.kind == "paren":
            return ""  # a tool name and its arguments: `search(origin: "SFO")`
        if atom.kind == "token" and str(tokens[atom.first]) in _NO_SPACE_BEFORE:
            return ""
        if previous.kind == "token" and str(tokens[previous.last]) == "[":
            return ""  # `list[str]`
        return " "

    def statement(self, node) -> Doc:
        """One statement (or list item): its pieces joined by single spaces, except
        around punctuation. Its first token's leading comments are the caller's."""
        if isinstance(node, Token):
            return self._token(self.index[id(node)])
        parts: list = []
        target = parts
        previous = None
        line_ended = False  # the previous piece has a trailing comment, so its line is over
        for atom in self._atoms(node, []):
            if atom.kind == "drop":
                target.extend(self._transfer(atom.first))
                continue
            if previous is not None:
                comments = self._take_leading(atom.first)
                if comments or line_ended:
                    # a comment inside a statement: continue the statement on indented lines
                    nested: list = []
                    for comment in comments:
                        nested += [HARDLINE, comment.text]
                    nested.append(HARDLINE)
                    target.append(Nest(INDENT, nested))
                    target = nested
                elif node.data in BREAK_BEFORE and str(self.tokens[atom.first]) == BREAK_BEFORE[node.data]:
                    target.append(Nest(INDENT, [LINE]))  # `then` starts a line when the statement does not fit
                else:
                    target.append(self._space(previous, atom, self.tokens))
            line_ended = atom.last in self.trailing
            target.append(self._build(atom))
            previous = atom
        return [Group(parts)] if node.data in BREAK_BEFORE else parts

    def _build(self, atom: _Atom) -> Doc:
        if atom.kind == "token":
            return self._token(atom.first)
        if atom.kind == "block":
            return self._block(atom)
        return self._sequence(atom)

    def _block(self, atom: _Atom) -> Doc:
        head = ["{", *self._trailing(atom.open)]
        body: list = []
        for k, statement in enumerate(atom.inner):
            first = self._first(statement)
            blank = self._blank_before_unit(first)
            body.append(HARDLINE)
            if k and blank:
                body.append(HARDLINE)
            body += self._line_start(first, blanks=True)
            body.append(self.statement(statement))
        dangling = self._dangling(atom.close, blanks=True, after_content=bool(atom.inner))
        tail = self._trailing(atom.close)
        if not atom.inner and not dangling and len(head) == 1:
            return ["{}", *tail]
        return [*head, Nest(INDENT, [*body, *dangling]), HARDLINE, "}", *tail]

    def _sequence(self, atom: _Atom) -> Doc:
        """A bracketed list of items (values, pairs, params, args, fields)."""
        opener, closer = str(self.tokens[atom.open]), str(self.tokens[atom.close])
        head = [opener, *self._trailing(atom.open)]
        body: list = []
        count = 0
        for child in atom.inner:
            if isinstance(child, Token) and child.type == "COMMA":
                body += self._transfer(self.index[id(child)])
                continue
            body += [",", LINE] if count else [atom.line]
            count += 1
            body += self._line_start(self._first(child), blanks=False)
            body.append(self.statement(child))
        if count:
            body.append(IfBreak(","))
        dangling = self._dangling(atom.close, blanks=False, after_content=bool(count))
        tail = self._trailing(atom.close)
        if not count and not dangling and len(head) == 1:
            return [opener + closer, *tail]
        return [Group([*head, Nest(INDENT, [*body, *dangling]), atom.line, closer]), *tail]

    # ---- the file ----------------------------------------------------------------

    def document(self) -> Doc:
        parts: list = []
        declarations = self.tree.children
        for k, declaration in enumerate(declarations):
            first = self._first(declaration)
            if k:
                blank = self._blank_before_unit(first)
                tight = declaration.data == declarations[k - 1].data and declaration.data in TIGHT_DECLARATIONS
                parts.append(HARDLINE)
                if blank or not tight:
                    parts.append(HARDLINE)
            parts += self._line_start(first, blanks=True)
            parts.append(self.statement(declaration))
        for k, comment in enumerate(self.end_comments):
            if declarations or k:
                parts.append(HARDLINE)
                if comment.blank_before:
                    parts.append(HARDLINE)
            parts.append(comment.text)
        self.emitted += len(self.end_comments)
        if self.emitted != self.total or self.leading or self.trailing:
            raise FormatterBug(f"{self.total - self.emitted} comment(s) could not be placed")
        return parts
