"""The agentspec language server (``agentspec lsp``): LSP over stdio, built on pygls.

Modules, one job each:

    positions   spec spans <-> LSP positions (UTF-16 code units)
    textscan    lexical scans that work on broken text
    context     what the grammar accepts at the cursor (Lark's interactive parser)
    incremental re-parse only the declarations that changed (same result as parse)
    importers   which workspace files import a file (checked together with it)
    analysis    load + check one document; a partial program for a broken one
    documents   open buffers, paths, cached analyses
    publish     diagnostics as LSP diagnostics, debounced
    completion  keywords and names at the cursor
    describe    hover / completion text for declarations
    navigation  hover, go-to-definition, find-references
    actions     quick fixes (the fixes the checker attached to its diagnostics)
    rename      prepareRename / rename across imported files
    semantic    semantic tokens
    folding     folding ranges
    outline     document symbols (the editor's outline view), workspace symbols
    formatting  document formatting through the formatter
    server      pygls wiring; every handler guarded
"""

from __future__ import annotations

import logging
import os
import sys


def serve() -> int:
    """Run the server on stdin/stdout until the client says ``exit``.

    Logs go to stderr (stdout carries the protocol); set AGENTSPEC_LSP_LOG=debug
    for more.
    """
    level = os.environ.get("AGENTSPEC_LSP_LOG", "warning").upper()
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level, logging.WARNING))
    from agentspec.lsp.server import build_server

    build_server().start_io()
    return 0
