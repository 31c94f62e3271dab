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
from agentspec.commands.common import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, FORMATS, usage
from agentspec.project import DOCS, ISSUES

if TYPE_CHECKING:
    import argparse

DESCRIPTION = """\
Declarative, deterministic behavioural tests for multi-agent LLM systems.

Describe tenants, tools, agents, scripts and expectations in .agentspec files;
agentspec checks them and compiles each into Python runtime definitions and a
pytest module that drives the harness and checks every scenario with agentgate.
"""

EPILOG = f"""\
typical use:
  agentspec init my-project                   start: a spec, an app module, pyproject settings, a test
  agentspec check specs/                      report every problem, with file:line:col
  agentspec compile specs/ -o generated/      write <name>_runtime.py and test_<name>.py
  python -m pytest generated/                 run the scenarios
  agentspec compile specs/ -o generated/ --check   in CI: fail if generated/ is stale
  agentspec check specs/ --format sarif       diagnostics for code scanning (also json, github)
  agentspec fmt specs/                        rewrite specs in the canonical layout
  agentspec check specs/ --watch              check again on every save (also compile, fmt)
  agentspec record specs/x.agentspec --scenario NAME --from run.jsonl   a run becomes a regression test
  agentspec report agentspec-results          scored scenarios' results as an HTML page
  agentspec graph specs/travel.agentspec      the spec's agents, tools, plans as a Mermaid diagram

Defaults for PATHs, -o, --strict and the Python path come from [tool.agentspec]
in the nearest pyproject.toml; flags override them.
exit codes: 0 ok, 1 spec errors (or warnings with --strict) / stale outputs /
unformatted files, 2 usage error, 3 internal error.
Documentation: {DOCS}/language.md
"""


PATHS_HELP = "spec files or directories (searched recursively); default: [tool.agentspec] specs"


def build_parser() -> argparse.ArgumentParser:
    import argparse  # here, not at the top: `agentspec --version` never needs it

    parser = argparse.ArgumentParser(
        prog="agentspec",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _version(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check specs and report diagnostics (writes nothing)",
        description="Parse and check spec files; report every problem at once, sorted by location.",
        epilog=f"Every diagnostic code: {DOCS}/diagnostics.md",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help=PATHS_HELP + "; - reads one spec from stdin")
    _diagnostic_options(check, "a JSON list")
    check.add_argument(
        "--pythonpath",
        action="append",
        default=[],
        metavar="DIR",
        help="also look up the specs' import paths in DIR (repeatable; before [tool.agentspec] pythonpath)",
    )
    check.add_argument(
        "--stdin-filename", metavar="PATH", help="the path a spec read from stdin stands for (its imports are relative to it)"
    )
    _watch(check)

    compile_ = commands.add_parser(
        "compile",
        help="compile specs into runtime definitions and pytest modules",
        description=(
            "Compile each spec file into OUTDIR/<name>_runtime.py and OUTDIR/test_<name>.py. "
            "Nothing is written when any spec has errors. Files are written atomically, "
            "unchanged files are left untouched, and a file in OUTDIR that agentspec did not "
            "generate is never overwritten. Generated files name their specs relative to the "
            "project root, so the output is the same from any directory."
        ),
    )
    compile_.add_argument("paths", nargs="*", metavar="PATH", help=PATHS_HELP)
    compile_.add_argument(
        "-o", "--out", metavar="OUTDIR", help="directory for the generated files (default: [tool.agentspec] out)"
    )
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
    _diagnostic_options(compile_, "one JSON document (diagnostics, files written, unchanged, removed)")
    _watch(compile_)

    fmt = commands.add_parser(
        "fmt",
        help="rewrite specs in the canonical layout",
        description="Format spec files in place, keeping every comment. Files with syntax errors are left untouched.",
    )
    fmt.add_argument(
        "paths", nargs="*", metavar="PATH", help=PATHS_HELP + "; - formats stdin onto stdout"
    )
    mode = fmt.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 and list files that would change")
    mode.add_argument("--diff", action="store_true", help="write nothing; print a unified diff of the changes")
    _watch(fmt)
    _version(fmt)

    record = commands.add_parser(
        "record",
        help="write a run of a scenario into the spec as its run block",
        description=(
            "Run a scenario against a model (the live interpreter AGENTSPEC_INTERPRETER selects), or read "
            "a saved run with --from, and write what the agents did into the scenario's run block, so the "
            f"scenario replays it deterministically. See {DOCS}/live.md."
        ),
    )
    record.add_argument("spec", metavar="SPEC", help="the spec file to write into")
    record.add_argument("--scenario", required=True, metavar="NAME", help="the scenario's name")
    record.add_argument(
        "--from", dest="source", metavar="FILE",
        help="a saved event log (.jsonl, AGENTSPEC_EVENT_LOG) or an agentgate trace (.json) instead of a live run",
    )
    record.add_argument("--run", type=int, metavar="N", help="which run of the log to record (default: the first that passed)")
    _version(record)

    report = commands.add_parser(
        "report",
        help="render saved eval results as an HTML page (or JSON / Markdown)",
        description=(
            "Read the eval artifacts scored scenarios wrote (RESULTS_DIR, and each subdirectory as an earlier "
            "saved result set) and render the latest set: per case and run the aggregate and component scores, "
            "pass@k, tokens, cost and latency, and each case's score trend across the sets. "
            f"See {DOCS}/evals.md."
        ),
    )
    report.add_argument("results", metavar="RESULTS_DIR", help="the results directory (AGENTSPEC_RESULTS_DIR)")
    report.add_argument("--format", choices=("html", "json", "markdown"), default="html", help="default: html")
    report.add_argument(
        "-o", "--out", metavar="FILE", help="where to write (default: RESULTS_DIR/report.html for html, stdout otherwise)"
    )
    _version(report)

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
    _version(init)

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
    _version(graph)

    lsp = commands.add_parser(
        "lsp",
        help="run the language server on stdio",
        description="Start a Language Server Protocol server speaking JSON-RPC on stdin/stdout.",
    )
    _version(lsp)
    return parser


def _version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"agentspec {__version__}")


def _diagnostic_options(parser: argparse.ArgumentParser, json_is: str) -> None:
    import argparse

    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help=f"diagnostics as text, {json_is}, a SARIF 2.1.0 log (code scanning) or GitHub annotations (default: text)",
    )
    parser.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="warnings fail too (default: [tool.agentspec] strict, else off)",
    )
    _version(parser)


def _watch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--watch", action="store_true", help="run again whenever a spec under PATH changes (Ctrl-C stops)")


def run(argv: list[str]) -> int:
    if argv == ["--version"]:  # answered before argparse loads: a version check should cost no more than Python
        print(f"agentspec {__version__}")
        return EXIT_OK
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command in ("check", "compile", "fmt"):
        return _spec_command(args)
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


def _spec_command(args: argparse.Namespace) -> int:
    """check, compile and fmt: flags over [tool.agentspec], then once or under --watch."""
    from agentspec.config import ConfigError, load_config

    program = f"agentspec {args.command}"
    try:
        config = load_config()
    except ConfigError as exc:
        return usage(str(exc), program)
    paths = args.paths or config.specs
    if not paths:
        return usage("no PATH given, and no `specs` in [tool.agentspec] of a pyproject.toml", program)
    if "-" in paths and (len(paths) > 1 or getattr(args, "watch", False)):
        return usage("- (stdin) must be the only PATH, and cannot be watched", program)
    strict = config.strict if getattr(args, "strict", None) is None else args.strict

    if args.command == "check":
        from agentspec.commands.check import check_command

        def once() -> int:
            return check_command(
                paths, output_format=args.format, pythonpath=args.pythonpath, strict=strict,
                stdin_filename=args.stdin_filename,
            )
    elif args.command == "compile":
        from agentspec.commands.compile import compile_command

        out = args.out or config.out
        if out is None:
            return usage("no output directory: give -o OUTDIR, or `out` in [tool.agentspec]", program)

        def once() -> int:
            return compile_command(
                paths, out, check_only=args.check, harness=args.harness, output_format=args.format, strict=strict
            )
    else:
        from agentspec.commands.fmt import fmt_command

        def once() -> int:
            return fmt_command(paths, check_only=args.check, show_diff=args.diff)

    from agentspec import interpreter_mode

    previous = interpreter_mode.set_default(config.interpreter)  # below AGENTSPEC_INTERPRETER
    try:
        if not args.watch:
            return once()
        from agentspec.commands.watch import watch

        return watch(paths, once)
    finally:
        interpreter_mode.set_default(previous)


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
            f"{ISSUES} with the command you ran and the spec files;\n"
            "run again with AGENTSPEC_DEBUG=1 to include the Python traceback.",
            file=sys.stderr,
        )
        if os.environ.get("AGENTSPEC_DEBUG"):
            import traceback

            traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
