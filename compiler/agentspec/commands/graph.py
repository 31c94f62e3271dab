"""``agentspec graph SPEC``: the spec's topology as Mermaid (default), Graphviz DOT or SVG.

The graph (``agentspec.topology``) is built from what the checker resolved, so
a spec with errors is refused with its diagnostics, as ``compile`` does. Mermaid
is what GitHub and most Markdown viewers draw; DOT is for Graphviz; SVG runs
Graphviz's ``dot`` when it is installed and says how to get it when it is not.
Output goes to stdout, or atomically to ``--out``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from agentspec.commands.common import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, UsageError, discover, usage

FORMATS = ("mermaid", "dot", "svg")

# Node shapes: (Mermaid opening, closing), Graphviz attributes.
_MERMAID_SHAPES = {
    "agent": ("[", "]"),
    "tool": ("([", "])"),
    "gated_tool": ("{{", "}}"),  # a tool that may need a human's approval
    "plan": ("[[", "]]"),
    "dispatcher": ("[/", "/]"),
    "service": ("[(", ")]"),
    "policy": (">", "]"),
}
_DOT_SHAPES = {
    "agent": 'shape=box, style="rounded"',
    "tool": "shape=ellipse",
    "gated_tool": "shape=hexagon",
    "plan": "shape=note",
    "dispatcher": "shape=component",
    "service": "shape=cylinder",
    "policy": "shape=octagon",
}


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: quotes and markup as entity codes."""
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def mermaid(graph) -> str:
    from agentspec.topology import GROUPS

    # the title is YAML front matter: a JSON string is a YAML string, whatever the path holds
    lines = ["---", f"title: {json.dumps(graph.title, ensure_ascii=False)}", "---", "flowchart LR"]
    for group, title in GROUPS:
        members = graph.in_group(group)
        if not members:
            continue
        lines.append(f'  subgraph {group}_group["{title}"]')
        for node in members:
            opening, closing = _MERMAID_SHAPES[node.shape]
            label = "<br/>".join(_mermaid_text(line) for line in node.lines)
            lines.append(f'    {node.id}{opening}"{label}"{closing}')
        lines.append("  end")
    for edge in graph.edges:
        arrow = f"-->|{edge.label}|" if edge.label else "-->"
        lines.append(f"  {edge.source} {arrow} {edge.target}")
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(graph) -> str:
    from agentspec.topology import GROUPS

    lines = [
        f"digraph {_dot_string(graph.title)} {{",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for group, title in GROUPS:
        members = graph.in_group(group)
        if not members:
            continue
        lines.append(f"  subgraph cluster_{group} {{")
        lines.append(f"    label={_dot_string(title)};")
        for node in members:
            label = "\\n".join(_dot_string(line)[1:-1] for line in node.lines)
            lines.append(f'    {node.id} [{_DOT_SHAPES[node.shape]}, label="{label}"];')
        lines.append("  }")
    for edge in graph.edges:
        label = f" [label={_dot_string(edge.label)}]" if edge.label else ""
        lines.append(f"  {edge.source} -> {edge.target}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


class GraphvizMissing(Exception):
    """``dot`` is not on PATH."""


def svg(graph) -> str:
    """The DOT graph laid out by Graphviz's ``dot``."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(
            "--format svg needs Graphviz's `dot` on PATH, and it is not installed "
            "(https://graphviz.org/download/, e.g. `apt install graphviz` or `brew install graphviz`); "
            "--format mermaid and --format dot need nothing"
        )
    done = subprocess.run([program, "-Tsvg"], input=dot(graph), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"Graphviz's dot failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def render(graph, output_format: str) -> str:
    return {"mermaid": mermaid, "dot": dot, "svg": svg}[output_format](graph)


def graph_command(spec: str, output_format: str = "mermaid", out: str | None = None) -> int:
    """Print (or write to ``out``) the topology of one spec file and its imports."""
    from agentspec.atomic import write_atomic
    from agentspec.commands.check import load_and_check
    from agentspec.commands.reporting import make_report, print_report
    from agentspec.diagnostics import has_errors
    from agentspec.topology import topology

    if output_format not in FORMATS:
        return usage(f"unknown graph format {output_format!r}; choose one of {', '.join(FORMATS)}")
    try:
        files = discover([spec])
    except UsageError as exc:
        return usage(str(exc))
    if len(files) != 1 or Path(spec).is_dir():
        return usage(f"graph draws one spec file; {spec} names {len(files)}")
    program, diagnostics = load_and_check(files)
    if has_errors(diagnostics):
        print_report(make_report(program, diagnostics), "text", sys.stderr)
        return EXIT_FAILED
    try:
        text = render(topology(program, files[0]), output_format)
    except GraphvizMissing as exc:
        return usage(str(exc))
    except RuntimeError as exc:
        print(f"agentspec graph: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    if out is None:
        sys.stdout.write(text)
        return EXIT_OK
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, text.encode("utf-8"))
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK
