"""The table of language constructs: one entry per construct, everything about it in one place.

An entry names how the construct is written (keywords and argument
placeholders), the types of its arguments, the checker rule that judges it,
how code generation emits it, its hover text and the example docs/language.md
shows for it. The checker, code generation and the language server read the
table; the keyword lists of both highlighters and docs/language.md are checked
against it by tests/test_constructs.py.

The table covers expectations (``expectations.EXPECTATIONS``: checker rule and
emitted code too) and a scenario's settings, a script's keyword steps and the
decisions of ``on approval`` (``scenarios``: what they mean, for the language
server and the docs); ``construct.Construct`` is what every entry has. The
grammar (grammar/agentspec.lark) and the parser still spell out each
construct's syntax, as Lark needs. docs/contributing.md says how to add one.
"""
