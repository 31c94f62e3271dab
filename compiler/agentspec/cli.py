"""The ``agentspec`` command line: argument parsing and dispatch only.

Each subcommand's work lives in its own module under ``agentspec.commands``
(exit codes are defined in ``agentspec.commands.common``); this one turns argv
into a call, and an unexpected exception into the internal-error report.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from agentspec import __version__
from agentspec.commands.common import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import argparse

ISSUES_URL = "https://github.com/agentspec/agentspec/issues"

DESCRIPTION = """\
Declarative, deterministic behavioural tests for multi-agent LLM systems.

Describe tenants, tools, agents, scripts and expectations in .agentspec files;
agentspec checks them and compiles each into Python runtime definitions and a
pytest module that drives the harness and checks every scenario with agentgate.
"""

EPILOG = """\
typical use:
  agentspec init my-project                   start: a spec, an app module, pyproject settings, a test
  agentspec check specs/                      report every problem, with file:line:col
  agentspec compile specs/ -o generated/      write <name>_runtime.py and test_<name>.py
  python -m pytest generated/                 run the scenarios
  agentspec compile specs/ -o generated/ --check   in CI: fail if generated/ is stale
  agentspec fmt specs/                        rewrite specs in the canonical layout
  agentspec record specs/x.agentspec --scenario NAME --from run.jsonl   a run becomes a regression test
  agentspec report agentspec-results          scored scenarios' results as an HTML page
  agentspec graph specs/travel.agentspec      the spec's agents, tools, plans as a Mermaid diagram

exit codes: 0 ok, 1 spec errors / stale outputs, 2 usage error, 3 internal error.
Language reference: docs/language.md
"""


def build_parser() -> argparse.ArgumentParser:
    import argparse  # here, not at the top: `agentspec --version` never needs it

    parser = argparse.ArgumentParser(
        prog="agentspec",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"agentspec {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check specs and report diagnostics (writes nothing)",
        description="Parse and check spec files; report every problem at once, sorted by location.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="spec files or directories (searched recursively)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="diagnostics format (default: text)")
    check.add_argument(
        "--pythonpath",
        action="append",
        default=[],
        metavar="DIR",
        help="also look up the specs' import paths in DIR (repeatable; before [tool.agentspec] pythonpath)",
    )

    compile_ = commands.add_parser(
        "compile",
        help="compile specs into runtime definitions and pytest modules",
        description=(
            "Compile each spec file into OUTDIR/<name>_runtime.py and OUTDIR/test_<name>.py. "
            "Nothing is written when any spec has errors. Files are written atomically, "
            "unchanged files are left untouched, and a file in OUTDIR that agentspec did not "
            "generate is never overwritten."
        ),
    )
    compile_.add_argument("paths", nargs="+", metavar="PATH", help="spec files or directories (searched recursively)")
    compile_.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="directory for the generated files")
    compile_.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and list the files that would change (for CI)",
    )
    compile_.add_argument(
        "--harness",
        default="agentspec_runtime",
        metavar="MODULE",
        help="module the runtime definitions import the harness API from (default: agentspec_runtime)",
    )
    compile_.add_argument("--format", choices=["text", "json"], default="text", help="diagnostics format (default: text)")

    fmt = commands.add_parser(
        "fmt",
        help="rewrite specs in the canonical layout",
        description="Format spec files in place, keeping every comment. Files with syntax errors are left untouched.",
    )
    fmt.add_argument("paths", nargs="+", metavar="PATH", help="spec files or directories (searched recursively)")
    mode = fmt.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 and list files that would change")
    mode.add_argument("--diff", action="store_true", help="write nothing; print a unified diff of the changes")

    record = commands.add_parser(
        "record",
        help="write a run of a scenario into the spec as its run block",
        description=(
            "Run a scenario against a model (the live interpreter AGENTSPEC_INTERPRETER selects), or read "
            "a saved run with --from, and write what the agents did into the scenario's run block, so the "
            "scenario replays it deterministically. See docs/live.md."
        ),
    )
    record.add_argument("spec", metavar="SPEC", help="the spec file to write into")
    record.add_argument("--scenario", required=True, metavar="NAME", help="the scenario's name")
    record.add_argument(
        "--from", dest="source", metavar="FILE",
        help="a saved event log (.jsonl, AGENTSPEC_EVENT_LOG) or an agentgate trace (.json) instead of a live run",
    )
    record.add_argument("--run", type=int, metavar="N", help="which run of the log to record (default: the first that passed)")

    report = commands.add_parser(
        "report",
        help="render saved eval results as an HTML page (or JSON / Markdown)",
        description=(
            "Read the eval artifacts scored scenarios wrote (RESULTS_DIR, and each subdirectory as an earlier "
            "saved result set) and render the latest set: per case and run the aggregate and component scores, "
            "pass@k, tokens, cost and latency, and each case's score trend across the sets. See docs/evals.md."
        ),
    )
    report.add_argument("results", metavar="RESULTS_DIR", help="the results directory (AGENTSPEC_RESULTS_DIR)")
    report.add_argument("--format", choices=("html", "json", "markdown"), default="html", help="default: html")
    report.add_argument(
        "-o", "--out", metavar="FILE", help="where to write (default: RESULTS_DIR/report.html for html, stdout otherwise)"
    )

    init = commands.add_parser(
        "init",
        help="start a project: a spec, an app module, pyproject settings, a test",
        description=(
            "Write a starter project into DIR (default: the working directory): specs/desk.agentspec, "
            "the app module its handler lives in (desk_app/tools.py), a unit test, and the [tool.agentspec] "
            "table of pyproject.toml (created, or added to an existing one). Nothing is ever overwritten: "
            "if any of these exists, init writes nothing."
        ),
    )
    init.add_argument("directory", nargs="?", default=".", metavar="DIR", help="where to start (default: .)")

    graph = commands.add_parser(
        "graph",
        help="draw a spec's topology (Mermaid, Graphviz DOT or SVG)",
        description=(
            "Print the topology of one spec file and its imports: agents by role, routes, tools with their "
            "approval policy, plans, the dispatcher and services. Mermaid (what GitHub draws in Markdown) by "
            "default, Graphviz DOT, or SVG through Graphviz's `dot` when it is installed."
        ),
    )
    graph.add_argument("spec", metavar="SPEC", help="the spec file")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg"), default="mermaid", help="default: mermaid")
    graph.add_argument("-o", "--out", metavar="FILE", help="write to FILE instead of stdout")

    commands.add_parser(
        "lsp",
        help="run the language server on stdio",
        description="Start a Language Server Protocol server speaking JSON-RPC on stdin/stdout.",
    )
    return parser


def run(argv: list[str]) -> int:
    if argv == ["--version"]:  # answered before argparse loads: a version check should cost no more than Python
        print(f"agentspec {__version__}")
        return EXIT_OK
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "check":
        from agentspec.commands.check import check_command

        return check_command(args.paths, output_format=args.format, pythonpath=args.pythonpath)
    if args.command == "compile":
        from agentspec.commands.compile import compile_command

        return compile_command(
            args.paths, args.out, check_only=args.check, harness=args.harness, output_format=args.format
        )
    if args.command == "fmt":
        from agentspec.commands.fmt import fmt_command

        return fmt_command(args.paths, check_only=args.check, show_diff=args.diff)
    if args.command == "record":
        from agentspec.commands.record import record_command

        return record_command(args.spec, args.scenario, source=args.source, run=args.run)
    if args.command == "report":
        from agentspec.commands.report import report_command

        return report_command(args.results, output_format=args.format, out=args.out)
    if args.command == "init":
        from agentspec.commands.init import init_command

        return init_command(args.directory)
    if args.command == "graph":
        from agentspec.commands.graph import graph_command

        return graph_command(args.spec, output_format=args.format, out=args.out)
    if args.command == "lsp":
        from agentspec.commands.lsp import lsp_command

        return lsp_command()
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


def _tolerate_narrow_terminals() -> None:
    """Never fail to print: a diagnostic quotes spec text, which may not fit the
    terminal's encoding (``PYTHONIOENCODING=ascii``, a C locale). Characters
    that do not fit are printed as backslash escapes instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # absent on a replaced stream
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    _tolerate_narrow_terminals()
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`agentspec fmt --diff | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except SystemExit:
        raise
    except Exception as exc:
        # A spec author must never see a traceback; developers can ask for one.
        print(
            f"agentspec: internal error ({type(exc).__name__}: {exc}).\n"
            "This is a bug in agentspec, not in your spec. Please report it at\n"
            f"{ISSUES_URL} with the command you ran and the spec files;\n"
            "run again with AGENTSPEC_DEBUG=1 to include the Python traceback.",
            file=sys.stderr,
        )
        if os.environ.get("AGENTSPEC_DEBUG"):
            import traceback

            traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
