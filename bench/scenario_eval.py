"""What the pytest plugin's back end costs per scenario beside the generated test, in process.

    .venv/bin/python bench/scenario_eval.py [--files 10] [--scenarios 100] [--rounds 9] [--against OLD/execute.py]

Builds the shared bench tree (bench/scenario_tree.py), compiles it, and runs
every scenario in rounds, each side in turn: ``codegen.execute.run_test`` over
the lowered IR (what a ``pytest specs/`` item runs) and the generated test
function (what ``pytest`` over ``agentspec compile`` output runs). The same
again with every module name replaced by a do-nothing stub measures the
evaluator alone against the generated body alone. ``--against`` loads another
tree's ``execute.py`` beside ours (it must import what ours imports) as a third
side, to compare a change. Prints each side's CPU µs per scenario (median, min)
and how many objects per scenario the cycle collector had to free: a generated
test leaves none.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import importlib.util
import io
import os
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from agentspec.codegen import execute  # noqa: E402
from agentspec.commands.compile import compile_command  # noqa: E402
from agentspec.spec_units import unit_for  # noqa: E402
from scenario_tree import write_tree  # noqa: E402


class Stub:
    """Any module name: calls, attributes and ``passed`` all answer at once."""

    passed = True

    def __call__(self, *args: Any, **kwargs: Any) -> Stub:
        return self

    def __getattr__(self, name: str) -> Stub:
        return self


def load_execute(path: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("execute_against", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--scenarios", type=int, default=100, help="scenarios per file")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--against", help="another tree's compiler/agentspec/codegen/execute.py")
    options = parser.parse_args()
    os.environ["AGENTSPEC_NO_CACHE"] = "1"
    with tempfile.TemporaryDirectory(prefix="agentspec-bench-") as tmp:
        os.chdir(tmp)
        write_tree(Path("specs"), options.files, options.scenarios)
        with contextlib.redirect_stdout(io.StringIO()):
            if compile_command(["specs"], "out") != 0:
                raise SystemExit("compile failed")
        sys.path.insert(0, os.path.abspath("out"))
        lowered = [unit_for(f"specs/lookup_{n:03d}.agentspec").lowered for n in range(options.files)]
        tests = []
        for lo in lowered:
            scope = execute.test_namespace(lo.tests, lo.runtime.module, execute.runtime_namespace(lo.runtime))
            tests += [(test, scope) for test in lo.tests.tests]
        stubbed = [(test, {name: Stub() for name in scope}) for test, scope in tests]
        modules = [importlib.import_module(f"test_lookup_{n:03d}") for n in range(options.files)]
        functions = [getattr(m, name) for m in modules for name in vars(m) if name.startswith("test_")]
        stub_functions = []
        for m in modules:
            stub_globals = {name: Stub() for name in vars(m) if not name.startswith("__")}
            stub_globals["__builtins__"] = __builtins__
            mine = [f for f in functions if f.__module__ == m.__name__]
            stub_functions += [types.FunctionType(f.__code__, stub_globals) for f in mine]

        def plugin(run_test: Callable[..., None], work: list[Any]) -> Callable[[], None]:
            def run() -> None:
                for test, scope in work:
                    run_test(test, scope)

            return run

        def generated(work: list[Callable[[], None]]) -> Callable[[], None]:
            def run() -> None:
                for function in work:
                    function()

            return run

        backends = {"run_test": execute.run_test}
        if options.against:
            backends["against"] = load_execute(options.against).run_test
        sides = {
            "real": {**{k: plugin(r, tests) for k, r in backends.items()}, "generated": generated(functions)},
            "stubbed": {**{k: plugin(r, stubbed) for k, r in backends.items()}, "generated": generated(stub_functions)},
        }
        freed = [0]

        def count_freed(phase: str, info: dict[str, int]) -> None:
            if phase == "stop":
                freed[0] += info["collected"]

        gc.callbacks.append(count_freed)
        count = len(tests)
        print(f"{count} scenarios, {options.rounds} rounds after a warm-up, sides in turn; CPU µs per scenario")
        for label, runs in sides.items():
            times: dict[str, list[float]] = {k: [] for k in runs}
            garbage: dict[str, list[float]] = {k: [] for k in runs}
            for round_ in range(options.rounds + 1):
                for name, run in runs.items():
                    before, started = freed[0], time.process_time()
                    run()
                    if round_:
                        times[name].append((time.process_time() - started) / count * 1e6)
                        garbage[name].append((freed[0] - before) / count)
            for name in runs:
                print(
                    f"  {label:8} {name:10} median {statistics.median(times[name]):6.1f}  min {min(times[name]):6.1f}"
                    f"  cycle-collected objects/scenario {statistics.median(garbage[name]):.1f}"
                )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
