"""The live-run summary: per scenario, pass rate, tokens, estimated cost and latency.

A live model varies from run to run and costs money, so after a live pytest
run the user sees, per scenario: how many runs passed (against the suite's
``min_pass_rate``), the tokens the model calls used, what that cost at the
prices of :data:`DEFAULT_PRICES` (or the user's own), and latency p50/p95 —
of whole runs and of single model calls. ``run_scenario`` hands every result
to :func:`collect`; the pytest plugin (``summary_plugin``) prints the table and
writes the JSON. Everything here is pure arithmetic on the runs' events, so it
is tested with events that carry usage.

Percentiles are nearest-rank: p-th percentile of n sorted values is the value
at rank ceil(p/100 * n) — always a latency that was observed.

Prices are US dollars per million tokens, ``{"model": {"input": X, "output": Y}}``;
a model id is priced by its own entry, else by the longest entry it starts
with (``claude-sonnet-4`` prices ``claude-sonnet-4-6``). Override or extend
them with a JSON or TOML file named by ``AGENTSPEC_PRICES``, or in
``pyproject.toml`` under ``[tool.agentspec.prices]``.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

PRICES_ENV = "AGENTSPEC_PRICES"
SUMMARY_ENV = "AGENTSPEC_SUMMARY"
DEFAULT_SUMMARY_PATH = "agentspec-live-summary.json"

#: Published list prices (USD per million tokens) when this table was written; estimates only.
DEFAULT_PRICES: dict[str, dict[str, float]] = {
    "claude-opus-4": {"input": 15.0, "output": 75.0},
    "claude-sonnet-4": {"input": 3.0, "output": 15.0},
    "claude-haiku-4": {"input": 1.0, "output": 5.0},
    "claude-3-5-haiku": {"input": 0.8, "output": 4.0},
    "gpt-4o": {"input": 2.5, "output": 10.0},
    "gpt-4o-mini": {"input": 0.15, "output": 0.6},
    "gpt-4.1": {"input": 2.0, "output": 8.0},
    "gpt-4.1-mini": {"input": 0.4, "output": 1.6},
    "gpt-4.1-nano": {"input": 0.1, "output": 0.4},
    "o3": {"input": 2.0, "output": 8.0},
    "o4-mini": {"input": 1.1, "output": 4.4},
}


class PriceTableError(ValueError):
    """A price file that cannot be used; the message names it and says why."""


# ---- prices ---------------------------------------------------------------------------


def _checked(table: Any, source: str) -> dict[str, dict[str, float]]:
    if not isinstance(table, Mapping):
        raise PriceTableError(f"{source}: prices must be a table of models")
    checked: dict[str, dict[str, float]] = {}
    for model, price in table.items():
        if not isinstance(price, Mapping) or set(price) != {"input", "output"}:
            raise PriceTableError(f'{source}: {model!r} needs exactly "input" and "output" (USD per million tokens)')
        values = {}
        for key in ("input", "output"):
            value = price[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise PriceTableError(f"{source}: {model!r} {key} price must be a number >= 0, got {value!r}")
            values[key] = float(value)
        checked[str(model)] = values
    return checked


def load_prices(cwd: Path | None = None) -> dict[str, dict[str, float]]:
    """The default prices, updated by pyproject's ``[tool.agentspec.prices]``, then by ``$AGENTSPEC_PRICES``."""
    prices = {model: dict(price) for model, price in DEFAULT_PRICES.items()}
    pyproject = (cwd or Path.cwd()) / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise PriceTableError(f"{pyproject}: {exc}") from None
        table = data.get("tool", {}).get("agentspec", {}).get("prices")
        if table is not None:
            prices.update(_checked(table, f"{pyproject} [tool.agentspec.prices]"))
    named = os.environ.get(PRICES_ENV, "").strip()
    if named:
        path = Path(named)
        try:
            text = path.read_text(encoding="utf-8")
            table = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise PriceTableError(f"{PRICES_ENV}={named}: cannot read it ({exc})") from None
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise PriceTableError(f"{PRICES_ENV}={named}: not valid {'TOML' if path.suffix == '.toml' else 'JSON'} ({exc})") from None
        if isinstance(table, Mapping) and "prices" in table and len(table) == 1:
            table = table["prices"]
        prices.update(_checked(table, f"{PRICES_ENV}={named}"))
    return prices


def price_of(model: str, prices: Mapping[str, Mapping[str, float]]) -> Mapping[str, float] | None:
    if model in prices:
        return prices[model]
    matches = [key for key in prices if model.startswith(key)]
    return prices[max(matches, key=len)] if matches else None


def cost(usage_by_model: Mapping[str, tuple[int, int]], prices: Mapping[str, Mapping[str, float]]) -> tuple[float | None, list[str]]:
    """USD for ``{model: (input_tokens, output_tokens)}``; None and the unpriced models if any is unknown."""
    total = 0.0
    unpriced = []
    for model, (inp, out) in sorted(usage_by_model.items()):
        price = price_of(model, prices)
        if price is None:
            unpriced.append(model)
            continue
        total += inp * price["input"] / 1_000_000 + out * price["output"] / 1_000_000
    return (None if unpriced else total), unpriced


# ---- figures --------------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest-rank percentile (see the module docstring); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {p}")
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[rank - 1]


@dataclass
class RunFigures:
    """What one run of a scenario used."""

    passed: bool
    duration_ms: float
    call_latencies_ms: list[float] = field(default_factory=list)
    usage_by_model: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def input_tokens(self) -> int:
        return sum(inp for inp, _ in self.usage_by_model.values())

    @property
    def output_tokens(self) -> int:
        return sum(out for _, out in self.usage_by_model.values())


def run_figures(events: list[dict[str, Any]], passed: bool, duration_ms: float, models: Mapping[str, str]) -> RunFigures:
    """A run's figures from its ``data-latency-summary`` event: one entry per model call,
    with ``usage`` and ``durationMs``; its model is ``turn["model"]``, else the model of
    ``turn["agent"]`` in ``models``, else ``"unknown"``."""
    figures = RunFigures(passed=passed, duration_ms=duration_ms)
    for event in events:
        if event.get("type") != "data-latency-summary":
            continue
        for turn in (event.get("data") or {}).get("turns") or []:
            usage = turn.get("usage") or {}
            model = turn.get("model") or models.get(str(turn.get("agent")), "unknown")
            inp, out = figures.usage_by_model.get(model, (0, 0))
            figures.usage_by_model[model] = (
                inp + int(usage.get("promptTokens", 0)),
                out + int(usage.get("completionTokens", 0)),
            )
            figures.call_latencies_ms.append(float(turn.get("durationMs", 0.0)))
    return figures


@dataclass
class ScenarioFigures:
    name: str
    min_pass_rate: float
    runs: list[RunFigures] = field(default_factory=list)

    def as_dict(self, prices: Mapping[str, Mapping[str, float]]) -> dict[str, Any]:
        usage: dict[str, tuple[int, int]] = {}
        for run in self.runs:
            for model, (inp, out) in run.usage_by_model.items():
                total_in, total_out = usage.get(model, (0, 0))
                usage[model] = (total_in + inp, total_out + out)
        dollars, unpriced = cost(usage, prices)
        durations = [run.duration_ms for run in self.runs]
        calls = [latency for run in self.runs for latency in run.call_latencies_ms]
        passed = sum(1 for run in self.runs if run.passed)
        return {
            "scenario": self.name,
            "runs": len(self.runs),
            "passed": passed,
            "pass_rate": passed / len(self.runs) if self.runs else 0.0,
            "min_pass_rate": self.min_pass_rate,
            "input_tokens": sum(inp for inp, _ in usage.values()),
            "output_tokens": sum(out for _, out in usage.values()),
            "tokens_by_model": {m: {"input": i, "output": o} for m, (i, o) in sorted(usage.items())},
            "cost_usd": None if dollars is None else round(dollars, 6),
            "unpriced_models": unpriced,
            "run_latency_ms": {"p50": percentile(durations, 50), "p95": percentile(durations, 95)},
            "model_call_latency_ms": {"p50": percentile(calls, 50), "p95": percentile(calls, 95), "calls": len(calls)},
        }


def scenario_figures(result: Any, models: Mapping[str, str]) -> ScenarioFigures:
    """Figures of an agentgate ``ScenarioResult`` whose traces keep their events (the bridge's)."""
    figures = ScenarioFigures(result.scenario_name, float(result.min_pass_rate))
    runs = [(r.trace, r.passed, r.duration_ms) for r in result.run_results] or [
        (result.trace, result.passed, result.duration_ms)
    ]
    for trace, passed, duration in runs:
        events = (trace.metadata or {}).get("events", []) if trace is not None else []
        took = trace.total_duration_ms if trace is not None and trace.total_duration_ms else duration
        figures.runs.append(run_figures(events, bool(passed), float(took or 0.0), models))
    return figures


# ---- collecting during a pytest session -------------------------------------------------

# the figures of each scenario result, computed as it is collected: keeping the results
# themselves (traces, events, adapters) would keep every run's objects alive for the whole
# session, for pytest's cycle collector to walk again and again
_collected: list[ScenarioFigures] | None = None


def start() -> None:
    """Begin collecting (the pytest plugin calls this when a session starts)."""
    global _collected
    _collected = []


def stop() -> None:
    """Stop collecting and forget what was collected (a session that will show no summary):
    no scenario's figures are worked out, and none are kept for a summary nobody reads."""
    global _collected
    _collected = None


def collecting() -> bool:
    return _collected is not None


def collected() -> list[ScenarioFigures]:
    """The figures of every scenario result collected so far."""
    return list(_collected or [])


def agent_models(adapter: Any) -> dict[str, str]:
    """Agent name -> model id, from a fresh runtime of a ``RuntimeAdapter`` (empty if unknown)."""
    factory = getattr(adapter, "runtime_factory", None)
    try:
        spec = factory().spec if factory is not None else None
    except Exception:  # a runtime that cannot be built fails its scenario anyway; no prices for it
        return {}
    return {agent.name: agent.model_id for agent in getattr(spec, "agents", [])}


class _AgentModels:
    """``agent_models(adapter)``, built on the first lookup: turns name their model, so a
    fresh runtime is built only for one that does not."""

    def __init__(self, adapter: Any) -> None:
        self._adapter = adapter
        self._models: dict[str, str] | None = None

    def get(self, agent: str, default: str) -> str:
        if self._models is None:
            self._models = agent_models(self._adapter)
        return self._models.get(agent, default)


def collect(result: Any, adapter: Any) -> None:
    """Keep a scenario result's figures for the summary, when collecting."""
    if _collected is not None:
        _collected.append(scenario_figures(result, _AgentModels(adapter)))  # type: ignore[arg-type]


def summary(figures: list[ScenarioFigures], prices: Mapping[str, Mapping[str, float]]) -> dict[str, Any]:
    scenarios = [f.as_dict(prices) for f in figures]
    costs = [s["cost_usd"] for s in scenarios]
    return {
        "scenarios": scenarios,
        "total": {
            "runs": sum(s["runs"] for s in scenarios),
            "passed": sum(s["passed"] for s in scenarios),
            "input_tokens": sum(s["input_tokens"] for s in scenarios),
            "output_tokens": sum(s["output_tokens"] for s in scenarios),
            "cost_usd": None if any(c is None for c in costs) else round(sum(costs), 6),
        },
        "prices_usd_per_million_tokens": {m: dict(p) for m, p in sorted(prices.items())},
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def render(data: dict[str, Any]) -> list[str]:
    """The summary as text lines, one per scenario, then the total."""
    lines = []
    for s in data["scenarios"]:
        dollars = "?" if s["cost_usd"] is None else f"${s['cost_usd']:.4f}"
        verdict = "ok" if s["pass_rate"] >= s["min_pass_rate"] else "BELOW min_pass_rate"
        lines.append(
            f"{s['scenario']}: {s['passed']}/{s['runs']} passed ({s['pass_rate']:.0%}, min {s['min_pass_rate']:.0%}, {verdict}); "
            f"tokens {s['input_tokens']} in / {s['output_tokens']} out; cost {dollars}; "
            f"run p50/p95 {_ms(s['run_latency_ms']['p50'])}/{_ms(s['run_latency_ms']['p95'])} ms; "
            f"model call p50/p95 {_ms(s['model_call_latency_ms']['p50'])}/{_ms(s['model_call_latency_ms']['p95'])} ms"
            + (f" (no price for {', '.join(s['unpriced_models'])})" if s["unpriced_models"] else "")
        )
    total = data["total"]
    dollars = "?" if total["cost_usd"] is None else f"${total['cost_usd']:.4f}"
    lines.append(
        f"total: {total['passed']}/{total['runs']} runs passed; tokens {total['input_tokens']} in / "
        f"{total['output_tokens']} out; estimated cost {dollars}"
    )
    return lines
