"""Coverage-guided fuzzing of one target with atheris (optional: ``pip install atheris``).

atheris (libFuzzer for Python) mutates bytes toward new coverage of the
instrumented code; hypothesis turns each byte string into a structured input
of the target's strategy (``fuzz_one_input``), so every target works
unchanged. Failures are counted, and the first of each kind saved to
``fuzz/regressions/`` exactly as the hypothesis engine does (not shrunk).
The run ends (and prints its summary) when the budget is spent.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from fuzz.runner import REGRESSIONS, Finding, Hang, Stats, failure_key, save_regression, watchdog
from fuzz.targets import Target


def available() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def run(
    target: Target,
    *,
    count: int | None,
    seconds: float | None,
    hang_seconds: float | None,
    save: bool = True,
    regressions: Path = REGRESSIONS,
) -> None:
    """Fuzz ``target`` until libFuzzer's -runs / -max_total_time; exits the process (status 1 on findings)."""
    import atheris

    stats = Stats(target.name)
    known: set[str] = set()
    if target.warm_up is not None:
        target.warm_up()
    started = time.monotonic()

    def one(value) -> None:
        if (count is not None and stats.inputs >= count) or (seconds is not None and time.monotonic() - started >= seconds):
            report()  # the budget is spent: libFuzzer's own exit would skip the summary
        stats.inputs += 1
        began = time.process_time()
        try:
            with watchdog(hang_seconds):
                outcome = target.check(value)
        except Hang as exc:
            stats.hangs += 1
            if stats.hangs == 1:
                stats.findings.append(Finding("hang", "hang", str(exc), value))
                if save:
                    stats.findings[-1].saved = save_regression(target.name, value, str(exc), "hang", regressions)
        except Exception as exc:
            stats.internal_errors += 1
            key = failure_key(exc)
            if key not in known:
                known.add(key)
                error = f"{type(exc).__name__}: {exc}"
                stats.findings.append(Finding("internal error", key, error, value))
                if save:
                    stats.findings[-1].saved = save_regression(target.name, value, error, "internal error", regressions)
        else:
            stats.outcomes[outcome] += 1
        finally:
            stats.slowest = max(stats.slowest, time.process_time() - began)

    test = settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))(given(target.strategy())(one))

    def report() -> None:
        stats.seconds = time.monotonic() - started
        print(stats.summary(hang_seconds), flush=True)
        for finding in stats.findings:
            print(f"  {finding.kind}: {finding.key}: {finding.error[:300]} -> {finding.saved}", flush=True)
        sys.stdout.flush()
        os._exit(0 if stats.clean else 1)

    atheris.instrument_all()  # everything imported so far (the warm-up imported the code under test)
    args = [sys.argv[0], "-print_final_stats=0", "-rss_limit_mb=4096", "-max_len=4096"]
    atheris.Setup(args, test.hypothesis.fuzz_one_input)
    atheris.Fuzz()
