"""Document formatting through the formatter (``agentspec fmt``'s own code).

The result is one edit replacing the whole document, or no edit at all when
the text is already formatted or has syntax errors (the formatter leaves such
text alone, as ``agentspec fmt`` does).
"""

from __future__ import annotations

from lsprotocol import types

from agentspec.lsp.positions import LineIndex


def format_document(text: str, path: str, encoding: str = "utf-16") -> list[types.TextEdit]:
    from agentspec.formatter import format_source

    result = format_source(text, path)
    if result.text is None or result.text == text:
        return []
    return [types.TextEdit(range=LineIndex(text, encoding).whole(), new_text=result.text)]
