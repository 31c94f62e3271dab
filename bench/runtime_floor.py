"""Runtime cost per scripted scenario against agentgate's own floor, in one process.

    .venv/bin/python bench/runtime_floor.py [--files 10] [--scenarios 100] [--rounds 5] [--profile]

Compiles the shared bench tree (bench/scenario_tree.py: one tool call, output
contains / not contains per scenario), imports the generated test modules and
times, round after round:

- **ours**: every generated test function, called as pytest would call it
  (the generated test body: runtime, scripted run, bridge, agentgate check);
- **floor**: agentgate alone on the same trajectories — for each scenario, the
  trace our run produced, replayed by agentgate's ``MockAgent`` through
  ``TestSuite.run`` against the same scenario object, without a scenario
  timeout (agentgate then calls the agent directly: its cheapest path);
- for reference, the same replay with agentgate's default scenario timeout
  (60 s), for which agentgate runs the agent in a worker thread.

The floor reuses the scenario objects the test bodies built (it does not pay
for building them), so the ratio errs against us. It prints each side's
per-scenario cost (min and median over the rounds) and the ratio of ours to
the floor, with the machine's load average. ``--profile`` prints a cProfile of
one round of ours instead.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from agentgate import MockAgent, TestSuite  # noqa: E402

from agentspec.commands.compile import compile_command  # noqa: E402
from scenario_tree import write_tree  # noqa: E402


def compile_tree(root: Path, files: int, scenarios: int) -> list:
    """The generated test functions of a fresh tree, imported."""
    write_tree(root / "specs", files, scenarios)
    os.chdir(root)
    with contextlib.redirect_stdout(io.StringIO()):
        code = compile_command(["specs"], "out")
    if code != 0:
        raise SystemExit(f"compile failed with exit code {code}")
    sys.path.insert(0, str(root / "out"))
    tests = []
    for path in sorted((root / "out").glob("test_*.py")):
        module = importlib.import_module(path.stem)
        tests += [getattr(module, name) for name in dir(module) if name.startswith("test_")]
    return tests


def capture(tests: list) -> list:
    """(scenario, trace) of each test: the scenario it built and the trace its run produced."""
    from agentspec_runtime.testing import runner

    seen = []
    real = runner.run_scenario

    def recording(scenario, adapter, **options):
        result = real(scenario, adapter, **options)
        seen.append((scenario, result.trace))
        return result

    for test in tests:
        test.__globals__["run_scenario"] = recording
        try:
            test()
        finally:
            test.__globals__["run_scenario"] = real
    return seen


def ours(tests: list) -> float:
    started = time.perf_counter()
    for test in tests:
        test()
    return time.perf_counter() - started


def floor(pairs: list, **run_options) -> float:
    started = time.perf_counter()
    for scenario, trace in pairs:
        suite = TestSuite(scenario.name)
        suite.add(scenario)
        result = suite.run(MockAgent(default_trace=trace), **run_options)
        if not result.results[0].passed:
            raise SystemExit(f"the replayed trajectory of {scenario.name!r} did not pass")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--scenarios", type=int, default=100, help="scenarios per file")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one round of ours")
    options = parser.parse_args()
    os.environ["AGENTSPEC_CACHE_DIR"] = tempfile.mkdtemp(prefix="agentspec-bench-cache-")
    with tempfile.TemporaryDirectory(prefix="agentspec-bench-") as tmp:
        tests = compile_tree(Path(tmp), options.files, options.scenarios)
        pairs = capture(tests)
        count = len(tests)
        if options.profile:
            profile = cProfile.Profile()
            profile.runcall(ours, tests)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            return
        ours_s, floor_s, threaded_s = [], [], []
        for _ in range(options.rounds):  # side by side, so a drift in the machine's speed hits all three
            ours_s.append(ours(tests) / count)
            floor_s.append(floor(pairs, scenario_timeout=0) / count)
            threaded_s.append(floor(pairs) / count)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{count} scenarios, {options.rounds} rounds; load average {load} on {os.cpu_count()} CPUs")
    sides = (
        ("ours (generated test body)", ours_s),
        ("floor (MockAgent replay, no timeout)", floor_s),
        ("agentgate defaults (60 s timeout)", threaded_s),
    )
    for name, figures in sides:
        print(
            f"  {name:36} min {min(figures) * 1e6:8.0f} µs  median {statistics.median(figures) * 1e6:8.0f} µs per scenario"
        )
    ratios = [a / b for a, b in zip(ours_s, floor_s)]
    print(
        f"  ratio ours/floor: median of medians {statistics.median(ours_s) / statistics.median(floor_s):.2f}x "
        f"(round by round: min {min(ratios):.2f}x, max {max(ratios):.2f}x)"
    )


if __name__ == "__main__":
    main()
