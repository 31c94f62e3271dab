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
per-scenario cost (wall min and median over the rounds, and the median CPU
time of the process, all threads: on a busy machine wall time also counts
waiting for a core) and the ratios of ours to the floor, with the machine's
load average. ``--profile`` prints a cProfile of one round of ours instead.

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


def ours(tests: list) -> tuple[float, float]:
    """(wall s, CPU s of this process, all threads) for one call of every test."""
    started, cpu = time.perf_counter(), time.process_time()
    for test in tests:
        test()
    return time.perf_counter() - started, time.process_time() - cpu


def floor(pairs: list, **run_options) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    for scenario, trace in pairs:
        suite = TestSuite(scenario.name)
        suite.add(scenario)
        result = suite.run(MockAgent(default_trace=trace), **run_options)
        if not result.results[0].passed:
            raise SystemExit(f"the replayed trajectory of {scenario.name!r} did not pass")
    return time.perf_counter() - started, time.process_time() - cpu


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
            profile.runcall(ours, tests)  # (wall, CPU) ignored: the profile is the figure
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            return
        sides = {
            "ours (generated test body)": lambda: ours(tests),
            "floor (MockAgent replay, no timeout)": lambda: floor(pairs, scenario_timeout=0),
            "agentgate defaults (60 s timeout)": lambda: floor(pairs),
        }
        wall: dict[str, list[float]] = {name: [] for name in sides}
        cpu: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(options.rounds):  # side by side, so a drift in the machine's speed hits all three
            for name, side in sides.items():
                seconds, cpu_seconds = side()
                wall[name].append(seconds / count)
                cpu[name].append(cpu_seconds / count)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{count} scenarios, {options.rounds} rounds; load average {load} on {os.cpu_count()} CPUs")
    print(f"  {'per scenario':36}  wall: min µs  median µs   CPU: median µs")
    for name in sides:
        print(
            f"  {name:36} {min(wall[name]) * 1e6:12.0f} {statistics.median(wall[name]) * 1e6:10.0f}"
            f" {statistics.median(cpu[name]) * 1e6:15.0f}"
        )
    ours_name, floor_name = list(sides)[:2]
    for what, figures in (("wall", wall), ("CPU", cpu)):
        ratios = [a / b for a, b in zip(figures[ours_name], figures[floor_name])]
        print(
            f"  ratio ours/floor, {what}: {statistics.median(figures[ours_name]) / statistics.median(figures[floor_name]):.2f}x "
            f"(medians; round by round: min {min(ratios):.2f}x, max {max(ratios):.2f}x)"
        )

if __name__ == "__main__":
    main()
