"""Compiler throughput on a generated 1,000-scenario spec tree.

    .venv/bin/python bench/compile.py [--files 50] [--scenarios 20]

Writes FILES spec files of SCENARIOS scenarios each (plus a shared imported
file) into a temporary directory and prints:

- parse + check throughput (lines per second), in-process;
- full compile throughput (parse, check, generate, write), in-process;
- a no-op recompile (every output unchanged), in-process;
- an incremental recompile after editing one scenario of one file, in-process;
- the same full compile and no-op recompile as `agentspec compile` processes,
  i.e. including interpreter start-up and imports;
- code generation alone (templates and layout; no black: the output is
  black-stable by construction).

Compile records go to a fresh temporary directory, so
the first compile is cold. Run it on an idle machine: the figures are wall time.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--scenarios", type=int, default=20, help="scenarios per file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="agentspec-bench-") as tmp:
        root = Path(tmp)
        specs = root / "specs"
        specs.mkdir()
        lines = write_tree(specs, args.files, args.scenarios)
        total = args.files * args.scenarios
        os.chdir(root)
        os.environ["AGENTSPEC_CACHE_DIR"] = str(root / "cache")
        os.environ.pop("AGENTSPEC_NO_CACHE", None)
        print(f"spec tree: {args.files + 1} files, {total} scenarios, {lines} lines")

        def parse_and_check() -> None:
            program = load(discover(["specs"]))
            problems = [d for d in program.diagnostics + check(program) if d.is_error]
            assert not problems, problems[:3]

        seconds = timed(parse_and_check)
        print(f"parse + check:          {seconds:6.3f} s  {lines / seconds:10,.0f} lines/s")

        seconds = timed(quietly(lambda: compile_command(["specs"], "out")))
        outputs = len(list((root / "out").glob("*.py")))
        print(f"full compile:           {seconds:6.3f} s  {lines / seconds:10,.0f} lines/s  ({outputs} files written)")

        seconds = timed(quietly(lambda: compile_command(["specs"], "out")))
        print(f"no-op recompile:        {seconds:6.3f} s  (outputs unchanged)")

        edited = specs / "flights_000.agentspec"
        edited.write_text(edited.read_text().replace('input "Book flight 0"', 'input "Book flight zero"'))
        seconds = timed(quietly(lambda: compile_command(["specs"], "out")))
        print(f"one scenario edited:    {seconds:6.3f} s  (1 file rewritten)")

        command = [sys.executable, "-m", "agentspec", "compile", "specs", "-o"]

        def process(*extra: str, cache: str = "cache2") -> None:
            env = {**os.environ, "AGENTSPEC_CACHE_DIR": str(root / cache)}
            subprocess.run([*command, *extra], check=True, capture_output=True, env=env)

        seconds = timed(lambda: process("out2"))
        print(f"`agentspec compile`:    {seconds:6.3f} s  (a fresh process, cold caches, full compile)")
        seconds = timed(lambda: process("out2"))
        print(f"  no-op, as a process:  {seconds:6.3f} s")
        seconds = timed(lambda: process("out2", "--check"))
        print(f"  --check, as a process:{seconds:6.3f} s")
        seconds = timed(lambda: process("out3"))
        print(f"  into an empty OUTDIR: {seconds:6.3f} s  (a full compile in a fresh process, record of another OUTDIR)")

        os.environ["AGENTSPEC_NO_CACHE"] = "1"
        program = load(discover(["specs"]))
        seconds = timed(lambda: generate(program))
        print(f"generate (templates + layout): {seconds:6.3f} s")

if __name__ == "__main__":
    main()
