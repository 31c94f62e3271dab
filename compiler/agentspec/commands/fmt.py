"""``agentspec fmt``: rewrite spec files in the canonical layout (``agentspec.formatter``)."""

from __future__ import annotations

import difflib
import os
import sys

from agentspec.atomic import write_atomic
from agentspec.commands.common import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, UsageError, discover, usage


def fmt_command(paths: list[str], check_only: bool = False, show_diff: bool = False) -> int:
    """Format the spec files under ``paths``.

    Writes changed files in place (unchanged files are not touched); with
    ``check_only`` lists the files that would change, with ``show_diff`` prints
    a unified diff; neither writes anything. Files with syntax errors are
    left untouched and their diagnostics printed.

    Exit code: 0 ok; 1 a file has syntax errors (or cannot be read), or with
    ``check_only`` a file would change; 2 a path does not exist or names no spec
    file (as for check and compile); 3 a formatter bug. ``paths == ["-"]``
    formats stdin onto stdout.
    """
    from agentspec.diagnostics import has_errors, render_all, sort_diagnostics
    from agentspec.formatter import FormatterBug, format_source
    from agentspec.source_files import read_source

    if paths == ["-"]:
        return _fmt_stdin(check_only, show_diff)
    try:
        files = discover(paths)
    except UsageError as exc:
        return usage(str(exc), "agentspec fmt")
    failed = internal = False
    changed: list[str] = []
    for path in files:
        text, problem = read_source(path)
        if problem is not None:
            print(render_all([problem], {}), file=sys.stderr)
            failed = True
            continue
        try:
            result = format_source(text, path)
        except FormatterBug as bug:
            print(f"agentspec fmt: internal error: {bug}; {path} left untouched.", file=sys.stderr)
            print("This is a bug in agentspec, not in your spec; please report it.", file=sys.stderr)
            internal = True
            continue
        if result.text is None:
            diagnostics = sort_diagnostics(result.diagnostics)
            print(render_all(diagnostics, {path: text}), file=sys.stderr)
            print(f"{path}: not formatted (syntax errors)", file=sys.stderr)
            failed = failed or has_errors(diagnostics)
            continue
        if result.text == text:
            continue
        changed.append(path)
        if show_diff:
            sys.stdout.write(_diff(path, text, result.text))
        elif check_only:
            print(f"would reformat {path}")
        else:
            # in place, keeping the file's permissions
            write_atomic(path, result.text.encode("utf-8"), mode=os.stat(path).st_mode & 0o7777)
            print(f"reformatted {path}")
    if check_only or show_diff:
        count = len(changed)
        summary = f"{count} file{'s' if count != 1 else ''} would be reformatted" if count else "all files formatted"
        print(f"{summary} ({len(files)} checked)", file=sys.stderr)
    if internal:
        return EXIT_INTERNAL
    if failed or (check_only and changed):
        return EXIT_FAILED
    return EXIT_OK


def _fmt_stdin(check_only: bool, show_diff: bool) -> int:
    """``agentspec fmt -``: the spec on stdin, formatted, on stdout (as an editor's
    format-on-save wants); with ``--check`` nothing is printed but whether it
    would change, with ``--diff`` the diff. A spec with syntax errors prints
    nothing on stdout and its diagnostics on stderr."""
    from agentspec.diagnostics import render_all, sort_diagnostics
    from agentspec.formatter import FormatterBug, format_source

    name = "<stdin>"
    text = sys.stdin.read()
    try:
        result = format_source(text, name)
    except FormatterBug as bug:
        print(f"agentspec fmt: internal error: {bug}", file=sys.stderr)
        return EXIT_INTERNAL
    if result.text is None:
        print(render_all(sort_diagnostics(result.diagnostics), {name: text}), file=sys.stderr)
        print(f"{name}: not formatted (syntax errors)", file=sys.stderr)
        return EXIT_FAILED
    if show_diff:
        sys.stdout.write(_diff(name, text, result.text))
    elif check_only:
        if result.text != text:
            print(f"would reformat {name}", file=sys.stderr)
            return EXIT_FAILED
    else:
        sys.stdout.write(result.text)
    return EXIT_OK


def _diff(path: str, before: str, after: str) -> str:
    lines = list(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{path} (original)",
            tofile=f"{path} (formatted)",
        )
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
