"""Scores in specs: the `score` block parsed, checked, formatted, completed, compiled and run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentspec.checker.scores import ACTION_BUCKETS, PAYLOAD_MATCHES, TRAJECTORY_MODES
from agentspec.lsp.cursor import cursor_context
from agentspec.syntax.parser import parse
from agentspec_runtime.evals.cases import PAYLOAD_MATCH_MODES
from agentspec_runtime.evals.cases import TRAJECTORY_MODES as RUNTIME_MODES
from codegen_support import PREAMBLE, compile_in, imported, write_spec
from test_checker_rules import codes, found

BLOCK = """scenario "s" {
  input "Book"
  score {
    trajectory subsequence [search_flights, book_flight] sub_agents ignore [cancel_booking] weight 2
    actions executed subset [reorder { quantity: 5.0 }, "hold"] weight 1
    response contains "NH7" ignore_case weight 2 required
    response matches /NH[0-9]+/
    response equals "done"
    response_threshold 0.5
    response_weight 3
    threshold 0.8
    runs 3
    pass_at 2
    aggregate pass_rate
  }
}
"""


def test_the_block_parses_into_one_node_per_line() -> None:
    result = parse(BLOCK)
    assert result.diagnostics == []
    score = result.spec.declarations[0].score
    assert score.trajectory.mode.name == "subsequence"
    assert [t.name for t in score.trajectory.tools] == ["search_flights", "book_flight"]
    assert score.trajectory.options.sub_agents and [t.name for t in score.trajectory.options.ignore] == ["cancel_booking"]
    assert score.trajectory.options.weight == 2
    (actions,) = score.actions
    assert (actions.bucket.name, actions.match.name) == ("executed", "subset")
    assert [(a.type, a.payload) for a in actions.actions] == [("reorder", {"quantity": 5.0}), ("hold", {})]
    assert [(r.method, r.text) for r in score.responses] == [("contains", "NH7"), ("matches", "NH[0-9]+"), ("equals", "done")]
    first = score.responses[0].options
    assert first.ignore_case and first.required and first.weight == 2
    assert (score.response_threshold, score.response_weight, score.threshold, score.runs, score.pass_at) == (0.5, 3, 0.8, 3, 2)
    assert score.aggregate.name == "pass_rate"


def test_the_checker_knows_the_runtimes_words() -> None:
    assert TRAJECTORY_MODES == RUNTIME_MODES
    assert set(PAYLOAD_MATCHES) == set(PAYLOAD_MATCH_MODES)
    assert ACTION_BUCKETS == ("planned", "executed")


def test_a_complete_block_is_clean(tmp_path: Path) -> None:
    assert codes(tmp_path, BLOCK) == []


def scored(body: str) -> str:
    return 'scenario "s" {\n  input "x"\n  score {\n    ' + body + "\n  }\n}\n"


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ("trajectory strict [serch_flights]", "E101", "unknown tool `serch_flights`"),
        ("trajectory strict [book_flight] ignore [cal_agent]", "E101", "unknown tool `cal_agent`"),
        ("trajectory orderd [book_flight]", "E109", "unknown trajectory mode `orderd`"),
        ("actions done [reorder]", "E109", "unknown action bucket `done`"),
        ("actions executed partial [reorder]", "E109", "unknown payload match `partial`"),
        ('response contains "x"\n    aggregate median', "E109", "unknown aggregation `median`"),
        ("actions executed [reorder] required", "E322", "`required` does not apply to a `actions` line"),
        ('response matches /x/ ignore_case', "E322", "`ignore_case` applies only to `response contains`"),
        ('response contains "x" sub_agents', "E322", "`sub_agents` does not apply to a `response` line"),
        ("actions executed []", "E323", "needs at least one expected action"),
        ("trajectory strict []\n    response_threshold 0.5", "E323", "`response_threshold` without a `response` line"),
        ("runs 2", "E323", "scores nothing"),
        ('response contains "x"\n    threshold 1.5', "E210", "`threshold` must be between 0 and 1, got 1.5"),
        ('response contains "x"\n    response_threshold -0.5', "E210", "`response_threshold` must be between 0 and 1"),
        ('response contains "x" weight 0', "E210", "a weight must be above 0, got 0"),
        ("trajectory strict [] weight -2", "E210", "a weight must be above 0, got -2"),
        ('response contains "x"\n    response_weight 0', "E210", "`response_weight` must be above 0"),
        ('response contains "x"\n    runs 0', "E210", "`runs` must be at least 1"),
        ('response contains "x"\n    pass_at 2', "E210", "`pass_at 2` needs at least 2 runs, the score has 1"),
        ('response contains ""', "E210", "needs non-empty text"),
        ('response matches /a(/', "E004", "invalid regular expression"),
        ('response contains "x"\n    response contains "y" weight 1 weight 2', "E005", "`weight` is given twice"),
        ("trajectory strict []\n    trajectory unordered []", "E005", "`trajectory` is set twice"),
    ],
)
def test_mistakes_are_reported(tmp_path: Path, body: str, code: str, message: str) -> None:
    diagnostics = found(tmp_path, scored(body))
    assert any(c == code and message in m for c, _, m in diagnostics), diagnostics


def test_a_score_counts_as_checking_the_scenario(tmp_path: Path) -> None:
    assert "W103" not in codes(tmp_path, scored('response contains "x"'))
    assert "W103" in codes(tmp_path, 'scenario "s" {\n  input "x"\n  mock_response "y"\n}\n')


def test_completion_offers_score_lines_options_and_tools() -> None:
    inside = 'scenario "s" {\n  score {\n    '
    assert {"trajectory", "actions", "response", "threshold", "runs", "pass_at"} <= set(cursor_context(inside, len(inside)).keywords)
    after_line = inside + "trajectory strict [a] "
    assert {"ignore", "sub_agents", "weight"} <= set(cursor_context(after_line, len(after_line)).keywords)
    for text in (inside + "trajectory strict [", inside + "trajectory strict [a] ignore ["):
        assert cursor_context(text, len(text)).name_kind == "tool"
    scenario = 'scenario "s" {\n  '
    assert "score" in cursor_context(scenario, len(scenario)).keywords


SPEC = PREAMBLE + """
tool search(q: str) { returns { hits: ["NH7"] } }
coordinator desk { model "claude-sonnet-4-6" tools [search] routes [helper] }
specialist helper { model "claude-haiku-4-5" }

scenario "search scores" {
  input "find NH7"
  run { search(q: "NH7") }
  score {
    trajectory strict [search]
    response contains "nh7" ignore_case
    threshold THRESHOLD
    runs 2
    pass_at 2
  }
}
"""


def compiled_score_test(tmp_path: Path, threshold: str, wrong_tool: bool = False):
    text = SPEC.replace("THRESHOLD", threshold)
    if wrong_tool:
        text = text.replace("trajectory strict [search]", "trajectory strict [search, search]")
    write_spec(tmp_path, "scored.agentspec", text)
    result = compile_in(tmp_path, "scored.agentspec")
    assert result.returncode == 0, result.stderr
    return tmp_path / "out"


def test_the_generated_test_scores_writes_the_artifact_and_passes(tmp_path: Path, monkeypatch) -> None:
    out = compiled_score_test(tmp_path, "1.0")
    source = (out / "test_scored.py").read_text()
    assert "def test_search_scores_score()" in source and "score_scenario(" in source
    results = tmp_path / "results"
    monkeypatch.setenv("AGENTSPEC_RESULTS_DIR", str(results))
    with imported(out, "scored_runtime", "test_scored") as (_, tests):
        tests.test_search_scores_score()
    artifact = json.loads((results / "scored--search-scores.json").read_text())
    case = artifact["testCases"][0]
    assert case["aggregateScore"] == 1.0 and len(case["samples"]) == 2
    assert [p["k"] for p in case["passAtK"]] == [1, 2]
    assert [c["scorerName"] for c in case["samples"][0]["componentScores"]] == ["trajectory", "final_response", "composite"]


def test_a_failing_score_shows_the_component_scores(tmp_path: Path, monkeypatch) -> None:
    out = compiled_score_test(tmp_path, "0.9", wrong_tool=True)
    monkeypatch.setenv("AGENTSPEC_RESULTS_DIR", str(tmp_path / "results"))
    with imported(out, "scored_runtime", "test_scored") as (_, tests):
        with pytest.raises(AssertionError) as failure:
            tests.test_search_scores_score()
    report = str(failure.value)
    # trajectory fails (0), the response passes (1): sequential defaults 0.5 / 0.5 -> 0.5
    assert "score 0.500 (threshold 0.9)" in report
    assert "trajectory: 0.000 (missing ['search'])" in report
    assert "final_response: 1.000" in report
    assert "scored.agentspec:" in report and "scored--search-scores.json" in report
