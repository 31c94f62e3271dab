"""The runtime's pytest plugin freezes the cycle collector's heap after collection,
only in sessions that run agentspec scenarios, unfreezes it when the session ends,
and freezes it again when the process exits (after pytest's final collections)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegen_support import ONE_LOOKUP

pytestmark = pytest.mark.slow  # each test runs pytest in a subprocess

#: a plugin module printing the freeze count while each test runs, after the session and at exit
#: (its exit handler is registered at import, before the runtime plugin's: handlers run in reverse)
PROBE = """\
import atexit
import gc
import os

atexit.register(lambda: os.write(1, f"at exit: {gc.get_freeze_count()}\\n".encode()))

def pytest_runtest_call(item):
    print("during test:", gc.get_freeze_count())

def pytest_unconfigure(config):
    print("after session:", gc.get_freeze_count())
"""

SPEC = ONE_LOOKUP


def _freeze_counts(tmp_path: Path, name: str, text: str, at_exit: list[int] | None = None) -> tuple[int, int]:
    (tmp_path / "gcprobe.py").write_text(PROBE)
    (tmp_path / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "AGENTSPEC_INTERPRETER"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-p", "gcprobe", name],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    during = int(done.stdout.split("during test:")[1].split()[0])
    after = int(done.stdout.split("after session:")[1].split()[0])
    if at_exit is not None:
        at_exit.append(int(done.stdout.split("at exit:")[1].split()[0]))
    return during, after


def test_a_generated_test_module_has_the_collected_heap_frozen_until_the_session_ends(tmp_path: Path) -> None:
    text = "from agentspec_runtime.testing.runner import run_scenario\n\n\ndef test_probe():\n    pass\n"
    at_exit: list[int] = []
    during, after = _freeze_counts(tmp_path, "test_probe.py", text, at_exit)
    assert during > 0 and after == 0
    assert at_exit[0] > 0  # frozen again for the interpreter's finalization


def test_scenarios_the_compilers_plugin_collects_have_it_frozen_too(tmp_path: Path) -> None:
    at_exit: list[int] = []
    during, after = _freeze_counts(tmp_path, "probe.agentspec", SPEC, at_exit)
    assert during > 0 and after == 0 and at_exit[0] > 0


def test_a_session_without_scenarios_is_left_alone(tmp_path: Path) -> None:
    at_exit: list[int] = []
    assert _freeze_counts(tmp_path, "test_probe.py", "def test_probe():\n    pass\n", at_exit) == (0, 0)
    assert at_exit == [0]


def test_a_session_run_inside_another_leaves_the_outer_freeze_alone(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "test_inner.py").write_text(
        "from agentspec_runtime.testing.runner import run_scenario\n\n\ndef test_inner():\n    pass\n"
    )
    text = (
        "import gc\n\nimport pytest\n\nfrom agentspec_runtime.testing.runner import run_scenario\n\n\n"
        "def test_outer():\n"
        "    frozen = gc.get_freeze_count()\n"
        "    assert pytest.main(['-q', '-p', 'no:cacheprovider', 'inner']) == 0\n"
        "    assert frozen > 0 and gc.get_freeze_count() > 0  # still frozen (frozen objects may be freed)\n"
    )
    during, after = _freeze_counts(tmp_path, "test_probe.py", text)
    assert during > 0 and after == 0
