"""The syntax core: everything that reads the text of an .agentspec file.

- ``nodes``   the syntax tree (pure data; every part keeps its span)
- ``parser``  Lark's tree → nodes, the shared parser factory
- ``errors``  Lark's exceptions → diagnostics with a hint
- ``strings`` the escapes of string literals, decoded in one place

Later stages (checker, code generation, formatter, language server) work on
nodes and spans, never on source text.
"""
