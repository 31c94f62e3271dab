"""``--format markdown``: a table for CI summaries (e.g. ``$GITHUB_STEP_SUMMARY``)."""

from __future__ import annotations

from typing import Any

_BLOCKS = "▁▂▃▄▅▆▇█"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _sparkline(trend: list[dict[str, Any]]) -> str:
    return "".join(_BLOCKS[min(7, int(p["aggregate"] * 8))] for p in trend)


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:.4f}"


def render_markdown(data: dict[str, Any]) -> str:
    totals = data["totals"]
    lines = [
        f"## agentspec eval report — {_cell(data['latest'])}",
        "",
        f"{totals['cases']} cases: {totals['passed']} passed, {totals['failed']} failed · "
        f"tokens {totals['inputTokens']} in / {totals['outputTokens']} out · cost {_money(totals['costUsd'])} · "
        f"{totals['latencyMs']} ms",
        "",
        "| | case | score | threshold | pass@k | runs | tokens in/out | cost | latency | trend |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case in data["cases"]:
        mark = {True: "✅", False: "❌", None: "·"}[case["passed"]]
        threshold = "—" if case["threshold"] is None else f"{case['threshold']:g}"
        pass_at = ", ".join(f"@{p['k']} {p['estimate']:.2f}" for p in case["passAtK"]) or "—"
        lines.append(
            f"| {mark} | {_cell(case['case'])} ({_cell(case['spec'])}) | {case['aggregate']:.3f} | {threshold} | {pass_at} "
            f"| {len(case['runs'])} | {case['inputTokens']}/{case['outputTokens']} | {_money(case['costUsd'])} "
            f"| {case['latencyMs']} ms | {_sparkline(case['trend'])} |"
        )
    lines.append("")
    for case in data["cases"]:
        lines.append(f"**{_cell(case['case'])}**")
        for run in case["runs"]:
            parts = ", ".join(f"{name} {score:.2f}" for name, score in run["components"].items())
            error = f" — error: {_cell(run['error'])}" if run["error"] else ""
            lines.append(f"- run {run['run']}: {run['aggregate']:.3f} ({parts or 'no scores'}){error}")
        lines.append("")
    return "\n".join(lines)
