"""Diagnostics as ``check`` and ``compile`` show them: text or JSON, then a summary line.

Diagnostics are printed sorted, every one of them; warnings alone never fail
a command. A ``Report`` is what was shown, kept so that a no-op recompile
(``agentspec.cache``) can show it again without loading anything.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass
class Report:
    """What a compile printed about the specs: rendered diagnostics, JSON, summary line."""

    text: str = ""
    json: str = "[]"
    summary: str = ""
    has_diagnostics: bool = False


def make_report(program, diagnostics) -> Report:
    from agentspec.diagnostics import render_all, summary_line, to_json

    files = len(program.sources)
    return Report(
        text=render_all(diagnostics, program.sources) if diagnostics else "",
        json=to_json(diagnostics),
        summary=f"{summary_line(diagnostics)} in {files} file{'s' if files != 1 else ''}",
        has_diagnostics=bool(diagnostics),
    )


def print_report(report: Report, output_format: str, stream) -> None:
    """Diagnostics as text (source lines, carets) on ``stream``, or as JSON on
    stdout; then the summary line."""
    if output_format == "json":
        print(report.json, file=sys.stdout)
        print(report.summary, file=sys.stderr)
        return
    if report.text:
        print(report.text + "\n", file=stream)
    print(report.summary, file=stream)
