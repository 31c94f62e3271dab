"""agentspec report: saved eval artifacts read as result sets and rendered as HTML, JSON and Markdown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentspec.cli import main
from agentspec.report import render
from agentspec.report.results import ResultsError, load_results
from agentspec_runtime import (
    ResponseScorer,
    create_runtime,
    define_coordinator,
    define_eval_config,
    define_eval_request,
    define_final_response_eval,
    define_runtime,
    define_specialist,
    define_tenant,
    define_test_case,
    run_eval_sync,
)
from agentspec_runtime.scored import write_artifact


def artifact_for(reply: str, runs: int = 2):
    """An eval of one case whose response scorers pass 1, 2 or 3 of 4 weights, depending on ``reply``."""
    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[
            define_coordinator("desk", model="claude-sonnet-4-6", prompt="Answer.", routes=["helper"]),
            define_specialist("helper", model="claude-haiku-4-5"),
        ],
        providers=["anthropic"],
    )
    runtime = create_runtime(spec, testing={"mock_response": reply})
    case = define_test_case(
        "greets <politely>",
        "hello",
        final_response=define_final_response_eval(
            scorers=[
                ResponseScorer.contains(id="hello", text="Hello", weight=2),
                ResponseScorer.contains(id="help", text="help", weight=1),
                ResponseScorer.contains(id="trip", text="trip", weight=1),
            ],
            pass_threshold=0.5,
        ),
    )
    config = define_eval_config(
        samples_per_case=runs, pass_threshold=0.7, k_values=[1, 2], aggregation_strategy="meanScore",
        score_weights={"final_response": 1},
    )
    return run_eval_sync(runtime, define_eval_request(runtime, workspace_id="specs/demo.agentspec", config=config, test_cases=[case]))


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """Three saved sets: 0.5, 0.75, then 1.0 (top level = the latest)."""
    root = tmp_path / "results"
    write_artifact(artifact_for("Hello there"), root / "2026-01-01" / "demo--greets.json")
    write_artifact(artifact_for("Hello, can I help?"), root / "2026-01-02" / "demo--greets.json")
    write_artifact(artifact_for("Hello! How can I help with your trip?"), root / "demo--greets.json")
    return root


def test_sets_are_subdirectories_oldest_first_and_the_top_level_is_latest(results: Path) -> None:
    loaded = load_results(results)
    assert [s.name for s in loaded.sets] == ["2026-01-01", "2026-01-02", "results"]
    key = loaded.latest.cases[0].key
    assert key == ("specs/demo.agentspec", "greets <politely>")
    assert [round(v, 3) for _, v in loaded.trend(key)] == [0.5, 0.75, 1.0]


def test_json_format_has_every_figure(results: Path) -> None:
    data = json.loads(render(results, "json"))
    (case,) = data["cases"]
    assert case["aggregate"] == 1.0 and case["threshold"] == 0.7 and case["passed"] is True
    assert [p["k"] for p in case["passAtK"]] == [1, 2]
    assert len(case["runs"]) == 2 and case["runs"][0]["components"] == {"final_response": 1.0}
    assert case["inputTokens"] > 0 and case["outputTokens"] > 0 and case["costUsd"] is None
    assert [round(p["aggregate"], 2) for p in case["trend"]] == [0.5, 0.75, 1.0]
    assert data["totals"]["passed"] == 1 and data["totals"]["failed"] == 0


def test_markdown_format_is_a_table_with_a_sparkline(results: Path) -> None:
    text = render(results, "markdown")
    assert "| ✅ | greets <politely> (specs/demo.agentspec) | 1.000 | 0.7 | @1 1.00, @2 1.00 | 2 |" in text
    assert "▅▇█" in text
    assert "- run 1: 1.000 (final_response 1.00)" in text


def test_html_is_self_contained_and_escapes_spec_text(results: Path) -> None:
    page = render(results, "html")
    assert "greets &lt;politely&gt;" in page and "<politely>" not in page
    assert "http://" not in page and "https://" not in page and "<script" not in page  # no network, no CDN
    assert page.count('data-figure="trend-point"') == 3
    assert 'data-figure="aggregate">1.000<' in page


def test_the_report_is_deterministic(results: Path) -> None:
    assert render(results, "html") == render(results, "html")


def test_cli_writes_report_html_into_the_results_directory(results: Path, capsys) -> None:
    assert main(["report", str(results)]) == 0
    assert (results / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert main(["report", str(results), "--format", "markdown"]) == 0
    assert "agentspec eval report" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "no eval artifacts"),
        (lambda d: (d / "x.json").write_text("{nope"), "not JSON"),
        (lambda d: (d / "x.json").write_text('{"runId": 1}'), "not an eval artifact"),
    ],
)
def test_unreadable_results_are_a_clear_error(tmp_path: Path, capsys, setup, message) -> None:
    setup(tmp_path)
    assert main(["report", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="no such directory"):
        load_results(tmp_path / "absent")
