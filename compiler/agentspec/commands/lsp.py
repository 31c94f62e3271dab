"""``agentspec lsp``: the language server on stdin/stdout (``agentspec.lsp``)."""

from __future__ import annotations


def lsp_command() -> int:
    from agentspec.lsp import serve

    return serve()
