"""The README's main job scores the example specs and reports them: the generated
score tests write their artifacts to ./agentspec-results, and
`agentspec report agentspec-results` renders them as report.html."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codegen_support import REPO, run_cli

pytestmark = pytest.mark.slow

SCORED = {
    "specs/smoke.agentspec": "smoke: mocked coordinator",
    "specs/travel.agentspec": "Book SFO to NRT",
    "specs/inventory.agentspec": "An approved plan is executed",
}


def test_the_generated_score_tests_write_artifacts_and_the_report_shows_them(tmp_path: Path) -> None:
    env_free = {k: v for k, v in __import__("os").environ.items() if k != "AGENTSPEC_RESULTS_DIR"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(REPO / "generated"), "-k", "score"],
        cwd=tmp_path, env=env_free, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    results = tmp_path / "agentspec-results"
    artifacts = {json.loads(p.read_text())["workspaceId"]: json.loads(p.read_text()) for p in results.glob("*.json")}
    assert set(artifacts) == set(SCORED)
    for spec, case in SCORED.items():
        assert artifacts[spec]["testCases"][0]["testCaseId"] == case
        assert artifacts[spec]["summary"]["passed"] == 1
    report = run_cli("report", "agentspec-results", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    page = (results / "report.html").read_text(encoding="utf-8")
    for case in SCORED.values():
        assert f'data-case="{case}"' in page
