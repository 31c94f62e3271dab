"""``--watch``: check, compile and fmt run again when a spec is saved (watchfiles), until Ctrl-C."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from agentspec.commands.watch import watched_directories
from codegen_support import PREAMBLE, PYTHON, write_spec

pytestmark = pytest.mark.slow

GOOD = PREAMBLE + 'coordinator front { model "claude-sonnet-4-6"  routes [helper] }\nspecialist helper { model "claude-haiku-4-5" }\n'
BAD = PREAMBLE + 'coordinator front { model "claude-sonnet-4-6"  routes [nobody] }\n'
WAIT = 60  # seconds before a test gives up waiting for a line (a deadline, not a measurement)


def _ctrl_c_as_on_a_terminal() -> None:
    """In the child, before it runs: SIGINT at its default, so Python turns it into KeyboardInterrupt.

    A suite started in the background of a non-interactive shell (``cmd &``, ``nohup``) inherits
    SIGINT ignored, and so would ``--watch``: it would rightly ignore the Ctrl-C these tests send,
    as any background job does, and never stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Watching:
    """``agentspec ARGS --watch`` in a subprocess, its output lines in a queue (stderr merged
    into stdout, so the lines keep the order they were written in)."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "agentspec", *args, "--watch"], cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "AGENTSPEC_NO_CACHE": "1", "NO_COLOR": "1"},
            preexec_fn=_ctrl_c_as_on_a_terminal,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def until(self, text: str) -> list[str]:
        """Every line up to and including the first that contains ``text``."""
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r} after {seen}") from None
            seen.append(line)
            if text in line:
                return seen

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_spec(tmp_path, "specs/app.agentspec", GOOD)
    return tmp_path


def test_check_runs_again_when_a_spec_is_saved(project: Path) -> None:
    watching = Watching(project, "check", "specs")
    try:
        assert "no problems in 1 file" in watching.until("watching for changes")
        (project / "specs/app.agentspec").write_text(BAD)
        seen = watching.until("watching for changes")
        assert any("changed: specs/app.agentspec" in line for line in seen)
        assert any("error[E102]: unknown agent `nobody`" in line for line in seen)
        (project / "specs/app.agentspec").write_text(GOOD)
        assert "no problems in 1 file" in watching.until("no problems")[-1]
    finally:
        assert watching.stop() == 0  # Ctrl-C ends watching, not in error


def test_compile_picks_up_a_new_spec_and_never_reacts_to_its_own_output(project: Path) -> None:
    watching = Watching(project, "compile", "specs", "-o", "specs/out")  # output inside the watched tree
    try:
        watching.until("watching for changes")
        write_spec(project, "specs/more.agentspec", GOOD.replace("front", "other"))
        seen = watching.until("watching for changes")
        assert "wrote specs/out/more_runtime.py" in seen
        assert not any("changed: specs/out" in line for line in seen)
    finally:
        watching.stop()


def test_fmt_reformats_a_saved_spec(project: Path) -> None:
    watching = Watching(project, "fmt", "specs")
    try:
        watching.until("watching for changes")
        (project / "specs/app.agentspec").write_text(GOOD.replace("front {", "front   {"))
        assert "reformatted specs/app.agentspec" in watching.until("reformatted")[-1]
    finally:
        watching.stop()
    assert (project / "specs/app.agentspec").read_text().startswith('tenant acme version "v1"\n\nprovider')


def test_watched_directories() -> None:
    assert watched_directories(["specs/a.agentspec", "specs", "other/b.agentspec"]) == sorted(
        {os.path.abspath("specs"), os.path.abspath("other")}
    )


def test_stdin_cannot_be_watched(capsys) -> None:
    from agentspec.cli import main

    assert main(["check", "-", "--watch"]) == 2
