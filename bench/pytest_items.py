"""pytest over the generated tests against pytest over as many trivial tests, as whole processes.

    .venv/bin/python bench/pytest_items.py [--files 10] [--scenarios 100] [--pairs 5] [--venv DIR | --user-venv]

Compiles the shared bench tree (bench/scenario_tree.py: one tool call, output
contains / not contains per scenario) and writes as many trivial tests
(``def test_N() -> None: assert True``, in as many files), then runs
``pytest -q -p no:cacheprovider`` over each in turn (A B A B …, after one
warm-up of each), with bytecode caching on as users have it. Prints the CPU
time (user + system of the pytest process, from its rusage) and wall time of
each side — min, median, max — and the ratio A/B of each pair, with the
machine's load average. The ratio is what issue 12 targets (≤ 1.3×): what our
tests cost on top of pytest's own per-item cost; the last row is that cost in
microseconds per test (the CPU difference of a pair over the number of tests),
which does not move when the trivial side gets cheaper or dearer. With
``--venv DIR`` / ``--user-venv`` both sides' pytest runs in a venv holding only
what a user installs (bench/user_venv.py), not in this interpreter's.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from agentspec.commands.compile import compile_command  # noqa: E402
from scenario_tree import write_tree  # noqa: E402
from user_venv import add_options as add_venv_options  # noqa: E402
from user_venv import interpreter  # noqa: E402

#: Runs pytest and reports its CPU time and wall time, read in a small process
#: of its own (a child's rusage, not this benchmark's).
PROBE = """\
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, wall, usage.ru_utime + usage.ru_stime)
"""


def pytest_run(python: str, folder: str, env: dict[str, str]) -> tuple[float, float]:
    """(CPU s, wall s) of one pytest process, run by ``python``, over ``folder``."""
    command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", folder]
    done = subprocess.run([sys.executable, "-c", PROBE, *command], env=env, capture_output=True, text=True)
    code, wall, cpu = done.stdout.split()
    if code != "0":
        raise SystemExit(f"pytest {folder} failed ({code}): {done.stderr}")
    return float(cpu), float(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--scenarios", type=int, default=100, help="scenarios per file")
    parser.add_argument("--pairs", type=int, default=5)
    add_venv_options(parser)
    options = parser.parse_args()
    python, which = interpreter(options)
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode caching on, as users have it
    env.pop("AGENTSPEC_EVENT_LOG", None)
    with tempfile.TemporaryDirectory(prefix="agentspec-bench-") as tmp:
        root = Path(tmp)
        env["AGENTSPEC_CACHE_DIR"] = str(root / "cache")
        write_tree(root / "specs", options.files, options.scenarios)
        os.chdir(root)
        with contextlib.redirect_stdout(io.StringIO()):
            if compile_command(["specs"], "out") != 0:
                raise SystemExit("compile failed")
        trivial = root / "triv"
        trivial.mkdir()
        for n in range(options.files):
            body = "".join(f"def test_{i}() -> None:\n    assert True\n\n\n" for i in range(options.scenarios))
            (trivial / f"test_trivial_{n:03d}.py").write_text(body.rstrip() + "\n")
        pytest_run(python, "out", env), pytest_run(python, "triv", env)  # warm-up: bytecode caches, assertion rewriting
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        for _ in range(options.pairs):
            ours.append(pytest_run(python, "out", env))
            theirs.append(pytest_run(python, "triv", env))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    count = options.files * options.scenarios
    print(f"{count} tests, {options.pairs} pairs after a warm-up; load average {load} on {os.cpu_count()} CPUs")
    print("pytest -q -p no:cacheprovider out/  vs  pytest -q -p no:cacheprovider triv/")
    print(f"pytest run with {which}")
    print(f"  {'':22} {'min':>8} {'median':>8} {'max':>8}")
    rows = {
        "A generated, CPU s": [c for c, _ in ours],
        "B trivial, CPU s": [c for c, _ in theirs],
        "A/B CPU": [a[0] / b[0] for a, b in zip(ours, theirs)],
        "A/B wall": [a[1] / b[1] for a, b in zip(ours, theirs)],
        # what our tests cost on top of pytest's own per-item cost, whatever the floor is
        "(A-B)/test, CPU µs": [(a[0] - b[0]) / count * 1e6 for a, b in zip(ours, theirs)],
    }
    for name, values in rows.items():
        digits = 0 if "µs" in name else 3
        print(f"  {name:22} {min(values):8.{digits}f} {statistics.median(values):8.{digits}f} {max(values):8.{digits}f}")


if __name__ == "__main__":
    main()
