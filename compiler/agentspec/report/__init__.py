"""Eval reports: saved eval artifacts as a page people want to look at.

``results`` reads the result sets, ``figures`` turns the latest into the
numbers to show (``--format json``), ``html_page`` renders them as one static
HTML file (default) and ``markdown`` as a table for CI summaries. The
``agentspec report`` command is ``agentspec.commands.report``.
"""

from __future__ import annotations

import json
from pathlib import Path

from .figures import figures
from .html_page import render_html
from .markdown import render_markdown
from .results import load_results

FORMATS = ("html", "json", "markdown")


def render(results_dir: Path, output_format: str) -> str:
    """The report of ``results_dir`` in ``output_format``; raises ``results.ResultsError``."""
    data = figures(load_results(results_dir))
    if output_format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output_format == "markdown":
        return render_markdown(data)
    return render_html(data)
