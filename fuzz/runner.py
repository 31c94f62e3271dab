"""Run one fuzz target for a number of inputs or minutes, and keep what fails.

Hypothesis generates the inputs, in chunks (one ``@given`` run each, with its
own seed) until the budget is spent. Every input runs under a watchdog: one
that has used ``hang_seconds`` of CPU time is a hang, and so is one still
running after ``WALL_FACTOR`` times as long by the clock (blocked, not
computing). CPU time, because on a loaded machine the clock says more about
the neighbours than about the input. An exception escaping the
target is an internal error; hypothesis shrinks the first one of each kind
(exception type and where it was raised) to a small input, which is saved as
a regression file (``fuzz/regressions/<target>-<hash>.json``) that the test
suite replays. Later inputs failing the same way are only counted.
"""

from __future__ import annotations

import hashlib
import json
import signal
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from fuzz.targets import Target

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
CHUNK = 500
WALL_FACTOR = 12


class Hang(BaseException):
    """Raised by the watchdog in the middle of a target (a BaseException, so no
    ``except Exception`` in the code under test can swallow it)."""


@dataclass
class Finding:
    kind: str  # "internal error" | "hang"
    key: str  # exception type and where it was raised
    error: str
    input: Any
    saved: Path | None = None


@dataclass
class Stats:
    target: str
    inputs: int = 0
    internal_errors: int = 0
    hangs: int = 0
    slowest: float = 0.0  # CPU seconds of the costliest input
    seconds: float = 0.0
    outcomes: Counter = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.internal_errors and not self.hangs

    def summary(self, hang_seconds: float | None) -> str:
        limit = f" (> {hang_seconds:g} s of CPU)" if hang_seconds else ""
        outcomes = ", ".join(f"{label}: {n}" for label, n in sorted(self.outcomes.items()))
        return (
            f"{self.target}: {self.inputs} inputs, {self.internal_errors} internal errors, "
            f"{self.hangs} hangs{limit}; slowest input {self.slowest:.2f} s of CPU; {self.seconds:.0f} s in all"
            + (f"\n  outcomes: {outcomes}" if outcomes else "")
        )


@contextmanager
def watchdog(seconds: float | None):
    """Raise ``Hang`` in this thread if the block uses ``seconds`` of CPU time, or
    runs ``WALL_FACTOR * seconds`` by the clock."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_cpu(signum, frame):
        raise Hang(f"used {seconds:g} s of CPU time")

    def on_clock(signum, frame):
        raise Hang(f"still running after {seconds * WALL_FACTOR:g} s")

    previous = signal.signal(signal.SIGPROF, on_cpu), signal.signal(signal.SIGALRM, on_clock)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, previous[0])
        signal.signal(signal.SIGALRM, previous[1])


def failure_key(exc: BaseException) -> str:
    """Type and innermost project frame: one bug, one key (a broken property: its message)."""
    from fuzz.targets import Violation

    if isinstance(exc, Violation):
        return f"Violation: {str(exc)[:60]}"
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/agentspec" in f.filename or "/fuzz/" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


def save_regression(target: str, value: Any, error: str, kind: str, directory: Path = REGRESSIONS) -> Path:
    body = json.dumps(value, sort_keys=True, ensure_ascii=True)
    name = f"{target}-{hashlib.sha256(body.encode()).hexdigest()[:12]}.json"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    record = {"target": target, "kind": kind, "error": error, "input": value}
    path.write_text(json.dumps(record, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    return path


def run_target(
    target: Target,
    *,
    count: int | None = None,
    seconds: float | None = None,
    hang_seconds: float | None = 5.0,
    base_seed: int = 0,
    save: bool = True,
    regressions: Path = REGRESSIONS,
    progress: Callable[[Stats], None] | None = None,
) -> Stats:
    """Fuzz ``target`` until ``count`` inputs have run or ``seconds`` have passed."""
    if count is None and seconds is None:
        raise ValueError("give a count, a time, or both")
    stats = Stats(target.name)
    strategy = target.strategy()
    if target.warm_up is not None:
        target.warm_up()  # imports and parser tables: paid once, not by the first input's watchdog
    started = time.monotonic()
    known: set[str] = set()  # failure kinds already saved: only counted from now on
    state: dict[str, Any] = {}

    def one(value: Any) -> None:
        shrinking = state.get("key")
        if not shrinking:
            stats.inputs += 1
        began = time.process_time()
        try:
            with watchdog(hang_seconds):
                outcome = target.check(value)
        except Hang as exc:
            if shrinking:
                return
            stats.hangs += 1
            if stats.hangs == 1:  # the first is kept; not shrunk: every attempt would cost the whole limit
                finding = Finding("hang", "hang", str(exc), value)
                if save:
                    finding.saved = save_regression(target.name, value, str(exc), "hang", regressions)
                stats.findings.append(finding)
            return
        except Exception as exc:
            key = failure_key(exc)
            if shrinking:
                if key == shrinking:
                    state["last"] = (value, f"{type(exc).__name__}: {exc}")
                    raise
                return
            stats.internal_errors += 1
            if key in known:
                return
            state["key"], state["last"] = key, (value, f"{type(exc).__name__}: {exc}")
            raise  # let hypothesis shrink it
        else:
            if not shrinking:
                stats.outcomes[outcome] += 1
        finally:
            elapsed = time.process_time() - began
            if not shrinking:
                stats.slowest = max(stats.slowest, elapsed)

    chunk_index = 0
    while True:
        elapsed = time.monotonic() - started
        if (count is not None and stats.inputs >= count) or (seconds is not None and elapsed >= seconds):
            break
        size = CHUNK if count is None else max(1, min(CHUNK, count - stats.inputs))
        state.clear()
        run = settings(
            max_examples=size,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate, Phase.shrink],
            report_multiple_bugs=False,
        )(seed(base_seed * 1_000_003 + chunk_index)(given(strategy)(one)))
        chunk_index += 1
        before = stats.inputs
        try:
            run()
        except Exception:
            if "key" not in state:
                raise  # an error of the fuzzer itself, not of the target
            value, error = state["last"]
            known.add(state["key"])
            finding = Finding("internal error", state["key"], error, value)
            if save:
                finding.saved = save_regression(target.name, value, error, "internal error", regressions)
            stats.findings.append(finding)
        if progress:
            stats.seconds = time.monotonic() - started
            progress(stats)
        if stats.inputs == before:
            break  # the strategy is exhausted
    stats.seconds = time.monotonic() - started
    return stats


def replay(path: Path, hang_seconds: float | None = None) -> str:
    """Run a saved regression input through its target again; raises if it still fails."""
    from fuzz.targets import load

    record = json.loads(path.read_text(encoding="utf-8"))
    target = load(record["target"])
    with watchdog(hang_seconds):
        return target.check(record["input"])
