"""agentspec — a language for declarative behavioural tests of multi-agent systems.

The compiler pipeline, one module (or package) per stage:

    paths.discover    command-line paths  → spec files
    loader.load       spec files          → Program: every file parsed once
                                            (syntax.parser.parse, grammar/agentspec.lark),
                                            imports followed, cycles reported
    checker.check     Program             → semantic diagnostics (names via symbols,
                                            argument types via spectypes)
    codegen.generate  checked Program     → Python runtime definitions + pytest modules
                                            (Jinja2 templates; black-stable by construction)
    writer            generated files     → OUTDIR, atomically (``atomic``), never over
                                            foreign files

``commands`` holds one module per subcommand (``check``, ``compile``, ``fmt``,
``lsp``) over shared discovery, reporting and exit codes; ``cli`` only parses
arguments and dispatches. ``cache`` (compile records, each validated before
use) recognises a no-op recompile without loading any stage. Around the
pipeline: ``formatter`` (the engine behind ``agentspec fmt``), ``lsp`` (the
language server), ``pygments_lexer`` (highlighting).

Diagnostics are values (``agentspec.diagnostics.Diagnostic``) until the CLI
or the language server decides how to show them.
"""

__version__ = "0.1.0"
