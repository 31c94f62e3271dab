"""The example specs run live: generated tests, and spec files through the pytest plugin,
against a fake model, through the real SDKs.

Each run is a separate pytest process over generated/ with a live interpreter
selected — by ``AGENTSPEC_INTERPRETER`` or by ``--agentspec-interpreter`` —
and the ``live_spec_player`` plugin, which serves both providers' APIs on
127.0.0.1 (``ANTHROPIC_BASE_URL`` / ``OPENAI_BASE_URL``) and plays each
scenario's own script as model turns. Nothing in the specs or the generated
tests changes. A player that answers nonsense makes the same tests fail, so
the live runs really are checked by the scenarios' expectations; and the API
key appears nowhere in the output, debug logs included.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from live_support import KEY

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

pytestmark = pytest.mark.slow


def run_generated(*options: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTSPEC_", "ANTHROPIC_", "OPENAI_"))}
    environment.update(env)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), environment.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pytest", "generated", "-p", "live_spec_player", "-p", "no:cacheprovider", *options]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)


def counts(output: str) -> dict[str, int]:
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|error)", output)}


@pytest.mark.parametrize("wire", ["anthropic", "openai"])
def test_every_example_scenario_passes_live_selected_by_the_environment(wire: str) -> None:
    done = run_generated(
        "-v", "-o", "log_cli=true", "--log-cli-level=DEBUG",  # every log line goes to the output
        env={"AGENTSPEC_INTERPRETER": wire, "ANTHROPIC_API_KEY": KEY, "OPENAI_API_KEY": KEY},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    tally = counts(done.stdout.splitlines()[-3] + done.stdout.splitlines()[-1])
    assert tally.get("passed", 0) >= 10 and "failed" not in tally
    served = int(re.search(r"live_spec_player: (\d+) model requests served", output).group(1))
    assert served > tally["passed"]  # every scenario called the model, most several times
    assert f"agentspec: live interpreter {wire}" in output
    assert KEY not in output


def test_the_pytest_option_selects_live_mode_and_a_wrong_model_fails_the_scenarios() -> None:
    good = run_generated("-q", "--agentspec-interpreter=anthropic", env={"ANTHROPIC_API_KEY": KEY})
    assert good.returncode == 0, (good.stdout + good.stderr)[-4000:]
    muted = run_generated(
        "-q", "--agentspec-interpreter=anthropic", env={"ANTHROPIC_API_KEY": KEY, "LIVE_SPEC_PLAYER_NONSENSE": "1"}
    )
    assert muted.returncode == 1
    assert counts(muted.stdout).get("failed", 0) >= 10
    assert KEY not in muted.stdout + muted.stderr


def test_a_bad_interpreter_name_is_a_usage_error() -> None:
    done = run_generated("-q", env={"AGENTSPEC_INTERPRETER": "claude"})
    assert done.returncode == 4
    assert "AGENTSPEC_INTERPRETER='claude' is not an interpreter; choose one of scripted, anthropic, openai" in done.stderr


def test_spec_files_run_live_through_the_pytest_plugin() -> None:
    """`pytest specs/x.agentspec --agentspec-interpreter anthropic`: the plugin's items run live too."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTSPEC_", "ANTHROPIC_", "OPENAI_"))}
    environment["ANTHROPIC_API_KEY"] = KEY
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), environment.get("PYTHONPATH")]))
    specs = ["specs/travel.agentspec", "specs/inventory.agentspec"]
    options = ["-p", "live_spec_player", "-p", "no:cacheprovider", "-q", "--agentspec-interpreter=anthropic"]
    command = [sys.executable, "-m", "pytest", *specs, *options]
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    tally = counts(done.stdout)
    assert tally.get("passed", 0) >= 7 and "failed" not in tally
    served = int(re.search(r"live_spec_player: (\d+) model requests served", output).group(1))
    assert served > tally["passed"]  # the scenarios called the (fake) model
    assert KEY not in output
    environment["LIVE_SPEC_PLAYER_NONSENSE"] = "1"  # a model that ignores the task fails them
    muted = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)
    assert muted.returncode == 1 and counts(muted.stdout).get("failed", 0) >= 5, muted.stdout[-3000:]
