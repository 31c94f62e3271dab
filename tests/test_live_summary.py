"""The live-run summary: percentiles, cost, pass rate, the price table, and the pytest output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from agentgate import AgentTrace
from agentgate.types import ScenarioResult, SingleRunResult

from agentspec_runtime import live_summary as ls

from codegen_support import ONE_LOOKUP, run_cli, write_spec


def turns(*entries: tuple[str | None, str, int, int, float]) -> dict:
    """A data-latency-summary event: (model, agent, input tokens, output tokens, ms) per model call."""
    data = []
    for model, agent, inp, out, ms in entries:
        turn = {"agent": agent, "durationMs": ms, "usage": {"promptTokens": inp, "completionTokens": out}}
        if model is not None:
            turn["model"] = model
        data.append(turn)
    return {"type": "data-latency-summary", "data": {"totalMs": sum(e[4] for e in entries), "turns": data, "tools": []}}


def test_percentiles_are_nearest_rank_observed_values() -> None:
    values = [float(v) for v in range(20, 0, -1)]  # 20..1, unsorted on purpose
    assert ls.percentile(values, 50) == 10.0
    assert ls.percentile(values, 95) == 19.0
    assert ls.percentile(values, 100) == 20.0
    assert ls.percentile([7.0], 50) == ls.percentile([7.0], 95) == 7.0
    assert ls.percentile([1.0, 2.0, 3.0, 100.0], 95) == 100.0
    assert ls.percentile([1.0, 2.0, 3.0, 100.0], 50) == 2.0
    assert ls.percentile([], 50) is None
    with pytest.raises(ValueError):
        ls.percentile([1.0], 0)


def test_cost_is_tokens_times_price_per_million_with_the_longest_matching_entry() -> None:
    prices = {"claude-sonnet-4": {"input": 3.0, "output": 15.0}, "gpt-4o": {"input": 2.5, "output": 10.0},
              "gpt-4o-mini": {"input": 0.15, "output": 0.6}}
    dollars, unpriced = ls.cost({"claude-sonnet-4-6": (1_000_000, 200_000)}, prices)
    assert dollars == pytest.approx(3.0 + 3.0) and unpriced == []
    dollars, _ = ls.cost({"gpt-4o-mini-2024": (2_000_000, 1_000_000)}, prices)
    assert dollars == pytest.approx(0.3 + 0.6)  # gpt-4o-mini, not gpt-4o
    dollars, unpriced = ls.cost({"claude-sonnet-4-6": (10, 10), "my-local-model": (5, 5)}, prices)
    assert dollars is None and unpriced == ["my-local-model"]


def test_a_scenarios_figures_over_its_runs() -> None:
    def run(passed: bool, ms: float, *calls) -> SingleRunResult:
        trace = AgentTrace(input="x", total_duration_ms=ms, metadata={"events": [{"type": "step-start"}, turns(*calls)]})
        return SingleRunResult(run_index=0, passed=passed, expectations=[], trace=trace, duration_ms=ms)

    runs = [
        run(True, 1000.0, ("claude-sonnet-4-6", "desk", 1000, 100, 400.0), (None, "booker", 500, 50, 300.0)),
        run(False, 3000.0, ("claude-sonnet-4-6", "desk", 2000, 200, 900.0)),
        run(True, 2000.0, (None, "booker", 100, 10, 100.0)),
    ]
    result = ScenarioResult(
        scenario_name="books", input="x", passed=False, expectations=[], trace=runs[-1].trace,
        run_results=runs, pass_rate=2 / 3, min_pass_rate=0.8,
    )
    figures = ls.scenario_figures(result, {"booker": "claude-haiku-4-5", "desk": "claude-sonnet-4-6"})
    data = figures.as_dict(ls.DEFAULT_PRICES)
    assert (data["runs"], data["passed"]) == (3, 2)
    assert data["pass_rate"] == pytest.approx(2 / 3) and data["min_pass_rate"] == 0.8
    assert data["tokens_by_model"] == {
        "claude-haiku-4-5": {"input": 600, "output": 60},
        "claude-sonnet-4-6": {"input": 3000, "output": 300},
    }
    assert (data["input_tokens"], data["output_tokens"]) == (3600, 360)
    expected = (600 * 1.0 + 60 * 5.0 + 3000 * 3.0 + 300 * 15.0) / 1_000_000
    assert data["cost_usd"] == pytest.approx(expected)
    assert data["run_latency_ms"] == {"p50": 2000.0, "p95": 3000.0}
    assert data["model_call_latency_ms"] == {"p50": 300.0, "p95": 900.0, "calls": 4}
    lines = ls.render(ls.summary([figures], ls.DEFAULT_PRICES))
    assert lines[0].startswith("books: 2/3 passed (67%, min 80%, BELOW min_pass_rate); tokens 3600 in / 360 out;")
    assert lines[-1].startswith("total: 2/3 runs passed")


def test_a_single_run_result_and_unknown_models() -> None:
    trace = AgentTrace(input="x", total_duration_ms=50.0, metadata={"events": [turns((None, "ghost", 10, 5, 20.0))]})
    result = ScenarioResult(scenario_name="one", input="x", passed=True, expectations=[], trace=trace)
    data = ls.scenario_figures(result, {}).as_dict(ls.DEFAULT_PRICES)
    assert (data["runs"], data["passed"], data["pass_rate"]) == (1, 1, 1.0)
    assert data["cost_usd"] is None and data["unpriced_models"] == ["unknown"]
    assert "(no price for unknown)" in ls.render(ls.summary([ls.scenario_figures(result, {})], {}))[0]


def test_collecting_keeps_figures_and_builds_a_runtime_only_for_a_turn_without_its_model(monkeypatch) -> None:
    class Adapter:
        def __init__(self) -> None:
            self.built = 0

        def runtime_factory(self):
            self.built += 1
            agent = type("Agent", (), {"name": "booker", "model_id": "claude-haiku-4-5"})()
            return type("Runtime", (), {"spec": type("Spec", (), {"agents": [agent]})()})()

    def result(model: str | None) -> ScenarioResult:
        trace = AgentTrace(input="x", total_duration_ms=5.0, metadata={"events": [turns((model, "booker", 10, 2, 4.0))]})
        return ScenarioResult(scenario_name="s", input="x", passed=True, expectations=[], trace=trace)

    monkeypatch.setattr(ls, "_collected", None)
    named, unnamed = Adapter(), Adapter()
    ls.collect(result("gpt-4o"), named)  # not collecting: nothing kept
    assert ls.collected() == [] and not ls.collecting()
    ls.start()
    ls.collect(result("gpt-4o"), named)
    ls.collect(result(None), unnamed)
    first, second = ls.collected()
    assert isinstance(first, ls.ScenarioFigures) and named.built == 0  # the turn named its model
    assert unnamed.built == 1
    assert first.runs[0].usage_by_model == {"gpt-4o": (10, 2)}
    assert second.runs[0].usage_by_model == {"claude-haiku-4-5": (10, 2)}


def test_prices_are_overridden_by_pyproject_then_by_a_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(ls.PRICES_ENV, raising=False)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.agentspec.prices]\n"claude-sonnet-4" = { input = 1.0, output = 2.0 }\n"my-model" = { input = 0.5, output = 0.5 }\n'
    )
    prices = ls.load_prices(tmp_path)
    assert prices["claude-sonnet-4"] == {"input": 1.0, "output": 2.0}
    assert prices["my-model"] == {"input": 0.5, "output": 0.5}
    assert prices["gpt-4o"] == ls.DEFAULT_PRICES["gpt-4o"]
    override = tmp_path / "prices.json"
    override.write_text(json.dumps({"my-model": {"input": 9, "output": 9}}))
    monkeypatch.setenv(ls.PRICES_ENV, str(override))
    assert ls.load_prices(tmp_path)["my-model"] == {"input": 9.0, "output": 9.0}
    toml = tmp_path / "prices.toml"
    toml.write_text('[prices]\n"my-model" = { input = 7, output = 8 }\n')
    monkeypatch.setenv(ls.PRICES_ENV, str(toml))
    assert ls.load_prices(tmp_path)["my-model"] == {"input": 7.0, "output": 8.0}


@pytest.mark.parametrize(
    "content, says",
    [
        ('{"m": {"input": 1}}', 'needs exactly "input" and "output"'),
        ('{"m": {"input": -1, "output": 1}}', "input price must be a number >= 0"),
        ('{"m": {"input": "1", "output": 1}}', "input price must be a number >= 0"),
        ("[1, 2]", "prices must be a table of models"),
        ("{nope", "not valid JSON"),
    ],
)
def test_a_bad_price_file_is_a_clear_error(tmp_path: Path, monkeypatch, content: str, says: str) -> None:
    path = tmp_path / "prices.json"
    path.write_text(content)
    monkeypatch.setenv(ls.PRICES_ENV, str(path))
    with pytest.raises(ls.PriceTableError, match="prices.json") as info:
        ls.load_prices(tmp_path)
    assert says in str(info.value)


@pytest.mark.slow
def test_pytest_prints_the_summary_and_writes_json_only_when_asked_in_a_scripted_run(tmp_path: Path) -> None:
    write_spec(tmp_path, "s.agentspec", ONE_LOOKUP + "suite { runs 3  min_pass_rate 1.0 }\n")
    assert run_cli("compile", "s.agentspec", "-o", "out", cwd=tmp_path).returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in ("AGENTSPEC_INTERPRETER", ls.SUMMARY_ENV, ls.PRICES_ENV)}

    def pytest_run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pytest", "out", "-q", "-p", "no:cacheprovider", *extra],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    # a probe: how many scenario results the session still keeps when it ends
    (tmp_path / "out" / "conftest.py").write_text(
        "from agentspec_runtime import live_summary\n\n"
        "def pytest_sessionfinish(session):\n"
        "    print('KEPT', len(live_summary._collected) if live_summary.collecting() else None)\n"
    )
    quiet = pytest_run("-s")
    assert quiet.returncode == 0 and "agentspec live summary" not in quiet.stdout
    assert "KEPT None" in quiet.stdout  # nothing to show, so no result (and its events) is kept
    asked = pytest_run("-s", "--agentspec-summary", "summary.json", "--agentspec-event-log", "logs")
    assert asked.returncode == 0, asked.stdout + asked.stderr
    assert "KEPT 1" in asked.stdout
    assert "agentspec live summary" in asked.stdout
    assert "looks up: 3/3 passed (100%, min 100%, ok); tokens" in asked.stdout
    data = json.loads((tmp_path / "summary.json").read_text())
    (scenario,) = data["scenarios"]
    assert scenario["runs"] == 3 and scenario["passed"] == 3
    assert list(scenario["tokens_by_model"]) == ["claude-haiku-4-5"]  # models found through the runtime's agents
    assert scenario["input_tokens"] > 0 and scenario["cost_usd"] > 0
    assert scenario["model_call_latency_ms"]["calls"] == 3
    log = (tmp_path / "logs" / "looks_up.jsonl").read_text().splitlines()
    assert [json.loads(line)["run"] for line in log if '"agentspec-run"' in line] == [1, 2, 3]


def test_the_agentspec_examples_in_docs_live_md_parse() -> None:
    import re

    from agentspec.syntax.parser import parse

    text = (Path(__file__).resolve().parent.parent / "docs" / "live.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```agentspec\n(.*?)```", text, re.S)
    assert blocks
    for index, block in enumerate(blocks):
        result = parse(block, f"docs/live.md#{index}")
        assert result.spec is not None and not result.diagnostics, result.diagnostics
