"""``agentspec report RESULTS_DIR``: saved eval artifacts as a page people want to look at.

``results`` reads the result sets, ``figures`` turns the latest into the
numbers to show (``--format json``), ``html_page`` renders them as one static
HTML file (default) and ``markdown`` as a table for CI summaries.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from .figures import figures
from .html_page import render_html
from .markdown import render_markdown
from .results import ResultsError, load_results

FORMATS = ("html", "json", "markdown")


def _write(path: Path, text: str) -> None:
    """Write atomically: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def render(results_dir: Path, output_format: str) -> str:
    data = figures(load_results(results_dir))
    if output_format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output_format == "markdown":
        return render_markdown(data)
    return render_html(data)


def report_command(results_dir: str, *, output_format: str = "html", out: str | None = None) -> int:
    """Exit 0 with the report written (HTML: ``--out`` or RESULTS_DIR/report.html; else stdout), 1 if unreadable."""
    directory = Path(results_dir)
    try:
        text = render(directory, output_format)
    except ResultsError as exc:
        print(f"agentspec report: {exc}", file=sys.stderr)
        return 1
    target = Path(out) if out else (directory / "report.html" if output_format == "html" else None)
    if target is None:
        sys.stdout.write(text)
    else:
        _write(target, text)
        print(f"wrote {target}", file=sys.stderr)
    return 0
