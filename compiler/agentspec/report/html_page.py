"""``--format html``: one static page, no network — CSS and charts (SVG) are inline.

Each case of the latest result set gets a card: verdict, aggregate against
the threshold, pass@k, tokens, cost and latency, a bar per run with its
component scores, and — with more than one saved set — the trend of its
aggregate as a small line chart. Every figure carries ``data-figure`` so tests
(and scripts) can find it in the rendered page.
"""

from __future__ import annotations

from html import escape
from typing import Any

_CSS = """
:root { --ok: #1a7f37; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; --bar: #0969da; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; background: var(--bg); color: #1f2328; }
header { background: #24292f; color: #fff; padding: 20px 32px; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; color: #c9d1d9; }
main { padding: 24px 32px; max-width: 1200px; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 24px; }
.total { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 140px; }
.total b { display: block; font-size: 22px; }
.total span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.case { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; }
.case h2 { margin: 0; font-size: 16px; display: flex; align-items: center; gap: 8px; }
.case .spec { color: var(--muted); font-size: 12px; margin-bottom: 12px; }
.pill { font-size: 12px; border-radius: 999px; padding: 2px 10px; color: #fff; }
.pill.pass { background: var(--ok); } .pill.fail { background: var(--bad); } .pill.unknown { background: var(--muted); }
.row { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
.figure { min-width: 120px; }
.figure .label { color: var(--muted); font-size: 12px; }
.figure .value { font-size: 18px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin-top: 12px; }
th, td { text-align: left; padding: 6px 8px; border-top: 1px solid var(--line); vertical-align: middle; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
.components { display: flex; flex-direction: column; gap: 2px; }
.component { display: flex; align-items: center; gap: 6px; font-size: 12px; }
.component .name { width: 120px; color: var(--muted); }
.error { color: var(--bad); font-size: 12px; }
.chips span { display: inline-block; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 1px 6px; margin-right: 4px; font-size: 12px; }
"""


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:.4f}"


def _bar(score: float, threshold: float | None = None, width: int = 160, height: int = 12) -> str:
    """A horizontal score bar in [0, 1], with the threshold as a tick."""
    filled = round(max(0.0, min(1.0, score)) * width, 1)
    color = "#1a7f37" if threshold is None or score >= threshold else "#cf222e"
    tick = ""
    if threshold is not None:
        x = round(threshold * width, 1)
        tick = f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#24292f" stroke-width="2"/>'
    return (
        f'<svg class="bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="score {score:.3f}"><rect width="{width}" height="{height}" rx="3" fill="#eaeef2"/>'
        f'<rect data-figure="bar" width="{filled}" height="{height}" rx="3" fill="{color}"/>{tick}</svg>'
    )


def _trend(points: list[dict[str, Any]], threshold: float | None, width: int = 220, height: int = 56) -> str:
    """A line chart of the aggregate across saved sets (oldest left)."""
    pad = 6
    if len(points) < 2:
        return '<span class="label">one result set: no trend yet</span>'
    step = (width - 2 * pad) / (len(points) - 1)

    def y(value: float) -> float:
        return round(height - pad - value * (height - 2 * pad), 1)

    coords = [(round(pad + i * step, 1), y(p["aggregate"])) for i, p in enumerate(points)]
    line = " ".join(f"{x},{yy}" for x, yy in coords)
    dots = "".join(
        f'<circle data-figure="trend-point" cx="{x}" cy="{yy}" r="3" fill="#0969da">'
        f"<title>{escape(p['set'])}: {p['aggregate']:.3f}</title></circle>"
        for (x, yy), p in zip(coords, points)
    )
    guide = ""
    if threshold is not None:
        guide = (
            f'<line x1="{pad}" y1="{y(threshold)}" x2="{width - pad}" y2="{y(threshold)}" '
            'stroke="#cf222e" stroke-dasharray="3 3" stroke-width="1"/>'
        )
    return (
        f'<svg data-figure="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="score trend over {len(points)} result sets">'
        f'<rect width="{width}" height="{height}" rx="4" fill="#f6f8fa"/>{guide}'
        f'<polyline points="{line}" fill="none" stroke="#0969da" stroke-width="2"/>{dots}</svg>'
    )


def _figure(label: str, value: str, name: str) -> str:
    return f'<div class="figure"><div class="label">{escape(label)}</div><div class="value" data-figure="{name}">{value}</div></div>'


def _run_row(run: dict[str, Any], threshold: float | None) -> str:
    components = "".join(
        f'<div class="component"><span class="name">{escape(name)}</span>{_bar(score, None, 100, 8)}'
        f'<span data-figure="component" data-name="{escape(name)}">{score:.3f}</span></div>'
        for name, score in run["components"].items()
    )
    error = f'<div class="error" data-figure="error">{escape(run["error"])}</div>' if run["error"] else ""
    verdict = "pass" if run["passed"] else "fail"
    return (
        f"<tr><td>{run['run']}</td>"
        f'<td>{_bar(run["aggregate"], threshold)} <span data-figure="run-aggregate">{run["aggregate"]:.3f}</span> '
        f'<span class="pill {verdict}">{verdict}</span></td>'
        f'<td><div class="components">{components or "—"}</div>{error}</td>'
        f'<td data-figure="tokens">{run["inputTokens"]} / {run["outputTokens"]}</td>'
        f'<td data-figure="latency">{run["latencyMs"]} ms</td>'
        f'<td data-figure="cost">{_money(run["costUsd"])}</td></tr>'
    )


def _case(case: dict[str, Any]) -> str:
    verdict = {True: "pass", False: "fail", None: "unknown"}[case["passed"]]
    threshold = case["threshold"]
    pass_at = "".join(f'<span data-figure="pass-at-k">pass@{p["k"]} {p["estimate"]:.2f}</span>' for p in case["passAtK"]) or "—"
    rows = "".join(_run_row(run, threshold) for run in case["runs"])
    return (
        f'<section class="case" data-case="{escape(case["case"])}">'
        f'<h2><span class="pill {verdict}">{verdict}</span>{escape(case["case"])}</h2>'
        f'<div class="spec">{escape(case["spec"])}</div>'
        '<div class="row">'
        + _figure("score", f'{_num(case["aggregate"])}', "aggregate")
        + f'<div class="figure"><div class="label">against threshold {_num(threshold, 2)}</div>{_bar(case["aggregate"], threshold, 200, 14)}</div>'
        + f'<div class="figure"><div class="label">pass@k</div><div class="chips">{pass_at}</div></div>'
        + _figure("tokens in / out", f'{case["inputTokens"]} / {case["outputTokens"]}', "case-tokens")
        + _figure("cost", _money(case["costUsd"]), "case-cost")
        + _figure("latency", f'{case["latencyMs"]} ms', "case-latency")
        + f'<div class="figure"><div class="label">trend</div>{_trend(case["trend"], threshold)}</div>'
        + "</div>"
        "<table><thead><tr><th>run</th><th>aggregate</th><th>component scores</th><th>tokens in / out</th>"
        f"<th>latency</th><th>cost</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def render_html(data: dict[str, Any]) -> str:
    totals = data["totals"]
    mean = sum(c["aggregate"] for c in data["cases"]) / len(data["cases"]) if data["cases"] else None
    cards = "".join(
        f'<div class="total"><span>{escape(label)}</span><b data-figure="{name}">{value}</b></div>'
        for label, value, name in (
            ("cases", str(totals["cases"]), "total-cases"),
            ("passed", str(totals["passed"]), "total-passed"),
            ("failed", str(totals["failed"]), "total-failed"),
            ("mean score", _num(mean), "total-mean"),
            ("tokens in / out", f'{totals["inputTokens"]} / {totals["outputTokens"]}', "total-tokens"),
            ("cost", _money(totals["costUsd"]), "total-cost"),
            ("latency", f'{totals["latencyMs"]} ms', "total-latency"),
        )
    )
    sets = len(data["sets"])
    body = "".join(_case(c) for c in data["cases"])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>agentspec eval report — {escape(data['latest'])}</title><style>{_CSS}</style></head>"
        f"<body><header><h1>agentspec eval report</h1><p>result set <b>{escape(data['latest'])}</b>"
        f" · {sets} saved set{'s' if sets != 1 else ''}</p></header>"
        f'<main><div class="totals">{cards}</div>{body}</main></body></html>\n'
    )
