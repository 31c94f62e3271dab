"""Compiler speed and memory on generated spec trees of 1,000 and 10,000 scenarios.

    .venv/bin/python bench/compile.py [--sizes 1000,10000] [--scenarios 20]

For each size, writes SIZE/SCENARIOS spec files of SCENARIOS scenarios each
(plus a shared imported file) into a temporary directory and prints:

- as `agentspec compile` processes (interpreter start-up and imports
  included; wall time, CPU time and peak RSS of that one process, read from
  its own rusage): a **cold** compile (empty cache, empty OUTDIR), a **no-op**
  recompile (nothing changed), and a recompile after **one edit** (one
  scenario's input changed in one file);
- the same three in-process (no start-up), plus parse + check throughput and
  code generation alone (templates and layout; no black: the output is
  black-stable by construction).

Compile records go to a fresh temporary directory per size, so the first
compile is cold. The machine's load average is printed: on a shared machine
wall time moves with the load, CPU time much less.

Figures only; nothing is asserted (timings belong in notes, not in tests).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from agentspec.checker import check
from agentspec.codegen import generate
from agentspec.commands.compile import compile_command
from agentspec.loader import load
from agentspec.paths import discover

COMMON = """\
# shared by every generated file
tenant bench version "v1"
provider anthropic { api_key_env "ANTHROPIC_API_KEY" }
service ledger "travel_app.services:make_ledger"

tool lookup(customer_id: str) {
  description "Find a customer"
  returns { customer_id: "C-1", tier: "gold" }
}
"""

HEAD = """\
import "common.agentspec"

tool search_{n}(origin: str, destination: str, date: str? = null, cabins: list[str] = ["economy"]) {{
  description "Find flights, variant {n}"
  returns {{ flights: [{{ id: "NH{n}", price: {price} }}, {{ id: "JL{n}", price: {price2} }}] }}
}}

tool book_{n}(flight_id: str, passenger: str?) {{
  description "Book a seat"
  approval always
  returns {{ booking_id: "BK-{n}", status: "confirmed" }}
}}

tool rates_{n}(currency: str) {{
  fails "rate service unavailable"
}}

coordinator desk_{n} {{
  model "claude-sonnet-4-6"
  prompt \"\"\"
    Route bookings to the booker.
    Route customer questions to the concierge.
  \"\"\"
  routes [booker_{n}]
}}

specialist booker_{n} {{
  model "claude-haiku-4-5"
  prompt "Search first, then book."
  tools [search_{n}, book_{n}, rates_{n}, lookup]
}}

script cheapest_{n} {{
  search_{n}(origin: "SFO", destination: "NRT")
  book_{n}(flight_id: "NH{n}", passenger: "Ada")
}}
"""

SCENARIOS = [
    """\
scenario "book {n}-{i}" {{
  input "Book flight {i}"
  via desk_{n}
  timeout 30s
  max_steps 20
  run {{ call booker_{n} cheapest_{n} }}
  on approval book_{n}: approve "ok {i}"
  expect {{
    tool_call search_{n}(origin: "SFO") before book_{n}
    tool_order [search_{n}, book_{n}]
    no_tool_call rates_{n}
    output contains "BK-{n}"
    output matches /NH\\d+/
    no_error
    max_tokens 5000
  }}
}}
""",
    """\
scenario "reject {n}-{i}" {{
  input "Book flight {i}, then change my mind"
  agent booker_{n}
  run cheapest_{n}
  on approval book_{n}: reject "no"
  expect {{
    approval book_{n} rejected
    output not_contains "BK-"
    policy "never book unapproved" forbidden_outputs ["confirmed"]
  }}
}}
""",
    """\
scenario "retry {n}-{i}" {{
  input "Rates {i}"
  agent booker_{n}
  given search_{n} returns {{ flights: [] }}
  run {{
    rates_{n}(currency: "JPY")
    rates_{n}(currency: "JPY")
    search_{n}(origin: "SFO", destination: "NRT", cabins: ["economy", "business"])
  }}
  expect {{
    on_tool_failure rates_{n} expect retry
    tool_call rates_{n} min_times 2
    milestone "searched" tool search_{n} weight 0.5
  }}
}}
""",
    """\
scenario "mock {n}-{i}" {{
  input "hello {i}"
  mock_response "Hello {i}! How can I help?"
  expect {{
    output contains "How can I help"
    max_steps 4
  }}
}}
""",
]


def write_tree(root: Path, files: int, scenarios: int) -> int:
    """Write the spec tree; returns its total number of lines."""
    (root / "common.agentspec").write_text(COMMON)
    lines = COMMON.count("\n")
    for n in range(files):
        parts = [HEAD.format(n=n, price=900 + n, price2=1000 + n)]
        parts += [SCENARIOS[i % len(SCENARIOS)].format(n=n, i=i) for i in range(scenarios)]
        parts.append("suite { runs 1  scenario_timeout 30s }\n")
        text = "\n".join(parts)
        (root / f"flights_{n:03d}.agentspec").write_text(text)
        lines += text.count("\n")
    return lines


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def quietly(action):
    def run():
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            result = action()
        assert result == 0, f"compile failed with exit code {result}"

    return run


#: Runs a command and reports its CPU time and peak RSS. The command is started
#: from this small process, not from the benchmark: on Linux a child's ru_maxrss
#: starts at the RSS of the process it was forked from.
PROBE = """\
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def child(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one process running ``command``."""
    done = subprocess.run([sys.executable, "-c", PROBE, *command], env=env, capture_output=True, text=True)
    code, wall, cpu, rss = done.stdout.split()
    if done.returncode != 0 or code != "0":
        raise SystemExit(f"{' '.join(command)} failed ({code}): {done.stderr}")
    return float(wall), float(cpu), int(rss) / 1024  # Linux: ru_maxrss is in KiB


def edit(specs: Path, mark: str) -> None:
    """Change one scenario's input in one file."""
    edited = specs / "flights_000.agentspec"
    text = edited.read_text()
    new = text.replace('input "Book flight ', f'input "Book flight {mark}', 1)
    assert new != text
    edited.write_text(new)


def one_size(size: int, per_file: int) -> None:
    files = max(1, size // per_file)
    with tempfile.TemporaryDirectory(prefix="agentspec-bench-") as tmp:
        root = Path(tmp)
        specs = root / "specs"
        specs.mkdir()
        lines = write_tree(specs, files, per_file)
        os.chdir(root)
        print(f"\n{files * per_file} scenarios: {files + 1} files, {lines} lines")

        env = {**os.environ, "AGENTSPEC_CACHE_DIR": str(root / "cache-process")}
        env.pop("AGENTSPEC_NO_CACHE", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode caching on, as users have it
        command = [sys.executable, "-m", "agentspec", "compile", "specs", "-o", "out-process"]
        print("  as processes (`agentspec compile`):    wall s   CPU s   peak RSS")
        for name, prepare in (("cold", None), ("no-op", None), ("one edit", lambda: edit(specs, "p"))):
            if prepare:
                prepare()
            wall, cpu, rss = child(command, env)
            print(f"    {name:34} {wall:7.3f} {cpu:7.3f} {rss:7.0f} MB")

        os.environ["AGENTSPEC_CACHE_DIR"] = str(root / "cache")
        os.environ.pop("AGENTSPEC_NO_CACHE", None)
        print("  in-process:                            wall s   CPU s")

        def show(name: str, action) -> None:
            cpu = time.process_time()
            wall = timed(action)
            print(f"    {name:34} {wall:7.3f} {time.process_time() - cpu:7.3f}")

        def parse_and_check() -> None:
            program = load(discover(["specs"]))
            problems = [d for d in program.diagnostics + check(program) if d.is_error]
            assert not problems, problems[:3]

        show(f"parse + check ({lines:,} lines)", parse_and_check)
        show("cold compile", quietly(lambda: compile_command(["specs"], "out")))
        show("no-op", quietly(lambda: compile_command(["specs"], "out")))
        edit(specs, "q")
        show("one edit", quietly(lambda: compile_command(["specs"], "out")))
        os.environ["AGENTSPEC_NO_CACHE"] = "1"
        program = load(discover(["specs"]))
        show("generate (templates + layout)", lambda: generate(program))
        os.environ.pop("AGENTSPEC_NO_CACHE")
        os.chdir("/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="scenario counts, comma-separated")
    parser.add_argument("--scenarios", type=int, default=20, help="scenarios per file")
    args = parser.parse_args()
    load_average = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load_average} on {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    for size in (int(s) for s in args.sizes.split(",")):
        one_size(size, args.scenarios)
    load_average = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nload average at the end {load_average}")


if __name__ == "__main__":
    main()
