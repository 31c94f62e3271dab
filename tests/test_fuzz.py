"""The standing fuzz budget in CI: a short run of every target, and a replay of
every input the fuzzer ever saved (fuzz/regressions/). The long run is
``python -m fuzz --minutes 30`` (docs/fuzzing.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from fuzz.runner import REGRESSIONS, replay, run_target
from fuzz.targets import NAMES, Target, Violation, load

SHORT_RUN = 60  # inputs per target: a few seconds each; the seed is fixed, so CI runs the same inputs every time


@pytest.mark.parametrize("name", NAMES)
def test_short_fuzz_run_finds_nothing(name: str) -> None:
    stats = run_target(load(name), count=SHORT_RUN, hang_seconds=None, save=False)
    found = "\n".join(f"{f.kind}: {f.error}\n  input: {json.dumps(f.input)[:2000]}" for f in stats.findings)
    assert stats.clean, found
    assert stats.inputs == SHORT_RUN
    assert sum(stats.outcomes.values()) == SHORT_RUN


REGRESSION_FILES = sorted(REGRESSIONS.glob("*.json"))


def test_there_are_regression_inputs_to_replay() -> None:
    # the defects of issue 14 that a target reaches are kept as regression inputs
    assert {json.loads(p.read_text())["target"] for p in REGRESSION_FILES} >= {"runtime", "lsp", "checker"}


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=[p.stem for p in REGRESSION_FILES])
def test_saved_inputs_no_longer_fail(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["target"] in NAMES and record["kind"] in ("internal error", "hang")
    assert replay(path)  # an outcome label; raises if the input still fails


# ---- the runner itself ----------------------------------------------------------------


def _fake(check) -> Target:
    from hypothesis import strategies as st

    return Target("fake", "a target that fails on purpose", lambda: st.text(alphabet="abcxyz", max_size=30), check)


def test_a_failing_input_is_shrunk_saved_and_replayable(tmp_path: Path, monkeypatch) -> None:
    def check(text: str) -> str:
        if "x" in text and len(text) > 3:
            raise KeyError("boom")
        return "ok"

    target = _fake(check)
    stats = run_target(target, count=300, hang_seconds=None, regressions=tmp_path)
    assert stats.internal_errors >= 1 and not stats.clean
    (finding,) = stats.findings  # one kind of failure: saved once, later ones only counted
    assert finding.kind == "internal error" and finding.key.startswith("KeyError at ")
    assert len(finding.input) == 4 and "x" in finding.input  # shrunk to a minimal failing input
    saved = json.loads(finding.saved.read_text())
    assert saved == {"target": "fake", "kind": "internal error", "error": "KeyError: 'boom'", "input": finding.input}
    monkeypatch.setattr("fuzz.targets.LOADERS", {"fake": lambda: target})
    with pytest.raises(KeyError):
        replay(finding.saved)


def test_a_violated_property_counts_as_a_failure(tmp_path: Path) -> None:
    def check(text: str) -> str:
        if text.count("a") >= 2:
            raise Violation("two a's")
        return "ok"

    stats = run_target(_fake(check), count=200, hang_seconds=None, regressions=tmp_path)
    assert [f.error for f in stats.findings] == ["Violation: two a's"]
    assert stats.findings[0].input == "aa"


def test_an_input_that_never_finishes_is_a_hang_and_saved(tmp_path: Path) -> None:
    def check(text: str) -> str:
        if "z" in text:
            time.sleep(60)  # the watchdog interrupts it
        return "ok"

    stats = run_target(_fake(check), count=100, hang_seconds=0.2, regressions=tmp_path)
    assert stats.hangs >= 1 and stats.internal_errors == 0
    assert stats.findings[0].kind == "hang" and "z" in stats.findings[0].input
    assert json.loads(stats.findings[0].saved.read_text())["kind"] == "hang"
