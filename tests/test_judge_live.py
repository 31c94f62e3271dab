"""The model-backed judge in a live run: the real SDK against a local fake of the provider's
HTTP API answers both the agent and the judge; the verdict decides the expectation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentspec_runtime.judge import JUDGE_SYSTEM_PROMPT

from codegen_support import run_cli, write_spec

pytest.importorskip("openai")
fake_providers = pytest.importorskip("fake_providers")

pytestmark = pytest.mark.slow  # compiles and runs pytest in subprocesses

SPEC = """\
tenant acme version "v1"
provider openai { api_key_env "OPENAI_API_KEY" }

specialist helper {
  model "gpt-4o-mini"
  prompt "Help the user."
}

scenario "helps" {
  input "hi"
  agent helper
  expect {
    output contains "help"
    judge "The reply offers help"
  }
}
"""


def run_live(tmp_path: Path, verdict: str):
    def model(request):
        if request.system == JUDGE_SYSTEM_PROMPT:
            return fake_providers.Turn(text=verdict)
        return fake_providers.Turn(text="Happy to help!")

    write_spec(tmp_path, "helps.agentspec", SPEC)
    compiled = run_cli("compile", "helps.agentspec", "-o", "out", cwd=tmp_path, env={"AGENTSPEC_INTERPRETER": "openai"})
    assert compiled.returncode == 0, compiled.stderr
    with fake_providers.FakeProvider("openai", model) as fake:
        env = dict(os.environ, AGENTSPEC_INTERPRETER="openai", OPENAI_API_KEY="sk-fake-judge", OPENAI_BASE_URL=fake.base_url)
        ran = subprocess.run(
            [sys.executable, "-m", "pytest", "out", "-q", "-p", "no:cacheprovider"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )
        judged = [r.request for r in fake.requests if r.request.system == JUDGE_SYSTEM_PROMPT]
    return ran, judged


def test_the_model_judges_at_temperature_0_and_its_verdict_decides(tmp_path: Path) -> None:
    ran, judged = run_live(tmp_path, '{"pass": true, "score": 0.9, "reason": "It offers help."}')
    assert ran.returncode == 0, ran.stdout + ran.stderr
    (request,) = judged
    assert request.model == "gpt-4o-mini" and request.tools == []
    assert request.body["temperature"] == 0
    assert "The reply offers help" in request.first_user_text and "Happy to help!" in request.first_user_text


def test_a_malformed_verdict_fails_the_test(tmp_path: Path) -> None:
    ran, judged = run_live(tmp_path, "Sure, that looks helpful to me.")
    assert len(judged) == 1
    assert ran.returncode == 1
    assert "malformed judge verdict (not a JSON object); the judge fails closed" in ran.stdout
