"""The ``agentspec`` subcommands, one module each, over shared parts.

    common     exit codes, usage errors, which spec files a command line names
    reporting  diagnostics as the user sees them (text or JSON, summary line)
    check      ``agentspec check``: load → check → report
    compile    ``agentspec compile``: check, then generate → write; a no-op
               recompile is answered from ``agentspec.cache``
    fmt        ``agentspec fmt``: the formatter over files
    record     ``agentspec record``: a run becomes a scenario's ``run`` block
    report     ``agentspec report``: saved eval results as HTML, JSON or Markdown
    graph      ``agentspec graph``: a spec's topology as Mermaid, DOT or SVG
    init       ``agentspec init``: a starter project, never over an existing file
    lsp        ``agentspec lsp``: the language server on stdio

Each command is a function from its options to an exit code; ``agentspec.cli``
parses arguments and calls it. Every file a command writes goes through
``agentspec.atomic``. Heavy modules (the parser, the checker, jinja2)
are imported inside the functions that need them, so that a no-op recompile
never loads them.
"""
