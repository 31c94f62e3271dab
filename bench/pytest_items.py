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
``--venv DIR`` / ``--user-venv`` every side's pytest runs in a venv holding only
what a user installs (bench/user_venv.py), not in this interpreter's.

A third side, **C: agentgate alone**, is as many pytest tests that each do
what agentgate itself needs for such a scenario and nothing of ours: build the
agentgate ``Scenario`` with the same two output expectations, replay a fixed
trajectory (the tool call and the answer) with ``MockAgent`` through
``TestSuite.run`` without a scenario timeout (its cheapest path), and assert
that it passed. Every generated test checks its scenario with agentgate, so
C/B is the least such a test can cost over a trivial one here, whatever the
runtime costs; A/C is what the runtime, our imports and the bridge add.

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


#: One test of side C: agentgate's own work for a scenario of the bench tree, as a user of agentgate writes it.
AGENTGATE_TEST = """\
def test_{i}() -> None:
    scenario = Scenario("lookup {i}", input="What tier is customer C-{i}?")
    scenario.expect_output(contains="gold")
    scenario.expect_output(not_contains="error")
    step = AgentStep(kind=StepKind.TOOL_CALL, name="lookup", input={{"customer_id": "C-{i}"}}, output=ANSWER)
    trace = AgentTrace(input=scenario.input, output=json.dumps(ANSWER), steps=[step])
    suite = TestSuite(scenario.name)
    suite.add(scenario)
    assert suite.run(MockAgent(default_trace=trace), scenario_timeout=0).passed
"""

AGENTGATE_HEADER = """\
import json

from agentgate import AgentStep, AgentTrace, MockAgent, Scenario, StepKind, TestSuite

ANSWER = {"customer_id": "C-1", "tier": "gold"}
"""


def write_tests(folder: Path, files: int, tests: int, header: str, test: str) -> None:
    """``files`` test modules of ``tests`` tests each: ``header``, then ``test`` formatted with each test's number."""
    folder.mkdir()
    for n in range(files):
        body = "\n\n".join(test.format(i=n * tests + i) for i in range(tests))
        (folder / f"test_{folder.name}_{n:03d}.py").write_text(f"{header}\n\n{body}" if header else body)


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
        write_tests(root / "triv", options.files, options.scenarios, "", "def test_{i}() -> None:\n    assert True\n")
        write_tests(root / "agentgate", options.files, options.scenarios, AGENTGATE_HEADER, AGENTGATE_TEST)
        sides = {"out": [], "triv": [], "agentgate": []}  # A, B, C: (CPU s, wall s) of each run
        for folder in sides:
            pytest_run(python, folder, env)  # warm-up: bytecode caches, assertion rewriting
        for _ in range(options.pairs):  # in turn, so a drift in the machine's speed hits every side
            for folder, runs in sides.items():
                runs.append(pytest_run(python, folder, env))
        ours, theirs, agentgate = sides.values()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    count = options.files * options.scenarios
    print(f"{count} tests, {options.pairs} pairs after a warm-up; load average {load} on {os.cpu_count()} CPUs")
    print("pytest -q -p no:cacheprovider over A out/ (generated), B triv/ (trivial), C agentgate/ (agentgate alone)")
    print(f"pytest run with {which}")
    print(f"  {'':22} {'min':>8} {'median':>8} {'max':>8}")
    rows = {
        "A generated, CPU s": [c for c, _ in ours],
        "B trivial, CPU s": [c for c, _ in theirs],
        "A/B CPU": [a[0] / b[0] for a, b in zip(ours, theirs)],
        "A/B wall": [a[1] / b[1] for a, b in zip(ours, theirs)],
        # what our tests cost on top of pytest's own per-item cost, whatever the floor is
        "(A-B)/test, CPU µs": [(a[0] - b[0]) / count * 1e6 for a, b in zip(ours, theirs)],
        "C agentgate, CPU s": [c for c, _ in agentgate],
        "C/B CPU": [c[0] / b[0] for c, b in zip(agentgate, theirs)],
        "A/C CPU": [a[0] / c[0] for a, c in zip(ours, agentgate)],
        "(C-B)/test, CPU µs": [(c[0] - b[0]) / count * 1e6 for c, b in zip(agentgate, theirs)],
    }
    for name, values in rows.items():
        digits = 0 if "µs" in name else 3
        print(f"  {name:22} {min(values):8.{digits}f} {statistics.median(values):8.{digits}f} {max(values):8.{digits}f}")


if __name__ == "__main__":
    main()
