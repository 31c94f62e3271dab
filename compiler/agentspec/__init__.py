"""agentspec — a language for declarative behavioural tests of multi-agent systems.

The compiler pipeline, one module per stage:

    parser.parse      .agentspec text  → AST (``agentspec.ast``), syntax diagnostics
    checker.check     AST              → semantic diagnostics
    codegen.generate  checked AST      → Python runtime definitions + pytest module
    writer            generated files  → OUTDIR, atomically

Diagnostics are values (``agentspec.diagnostics.Diagnostic``) until the CLI
decides how to print them.
"""

__version__ = "0.1.0"
