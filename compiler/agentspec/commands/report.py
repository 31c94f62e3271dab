"""``agentspec report RESULTS_DIR``: saved eval artifacts rendered (``agentspec.report``).

HTML goes to ``--out`` or RESULTS_DIR/report.html, JSON and Markdown to
stdout unless ``--out`` is given; files are written atomically. Exit 0, or 1
when the results cannot be read (the message names the file and why).
"""

from __future__ import annotations

import sys
from pathlib import Path

from agentspec.atomic import write_atomic
from agentspec.commands.common import EXIT_FAILED, EXIT_OK
from agentspec.report import render
from agentspec.report.results import ResultsError


def report_command(results_dir: str, *, output_format: str = "html", out: str | None = None) -> int:
    directory = Path(results_dir)
    try:
        text = render(directory, output_format)
    except ResultsError as exc:
        print(f"agentspec report: {exc}", file=sys.stderr)
        return EXIT_FAILED
    target = Path(out) if out else (directory / "report.html" if output_format == "html" else None)
    if target is None:
        sys.stdout.write(text)
        return EXIT_OK
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text.encode("utf-8"))
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK
