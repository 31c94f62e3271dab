"""Loading and checking specs against reading the same content as YAML.

    .venv/bin/python bench/load_vs_yaml.py [--files 10] [--scenarios 100] [--rounds 5]

Writes the shared bench tree (bench/scenario_tree.py) and the same content as
YAML files (tenant, provider, tool, agent, and per scenario its input, agent,
scripted call and the two output checks), then times, round after round:

- ``agentspec.loader.load`` + ``agentspec.checker.check`` of the spec files
  (parse, syntax tree, imports, every semantic rule);
- ``yaml.load(..., Loader=yaml.CSafeLoader)`` of the YAML files (libyaml's C
  parser building plain dicts; no checking at all).

Prints each side's min and median over the rounds and the ratio of medians
with the machine's load average. Needs PyYAML built with libyaml
(``pip install pyyaml``); without it the script says so.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scenario_tree import write_tree  # noqa: E402

COMMON_YAML = """\
tenant: {id: bench, version: v1}
providers:
  anthropic: {api_key_env: ANTHROPIC_API_KEY}
tools:
  lookup:
    description: Find a customer
    args: {customer_id: str}
    returns: {customer_id: C-1, tier: gold}
agents:
  concierge:
    role: specialist
    model: claude-haiku-4-5
    prompt: Look the customer up.
    tools: [lookup]
"""

SCENARIO_YAML = """\
  - name: lookup {n}-{i}
    input: What tier is customer C-{i}?
    agent: concierge
    run:
      - lookup: {{customer_id: C-{i}}}
    expect:
      - output: {{contains: gold}}
      - output: {{not_contains: error}}
"""


def write_yaml(root: Path, files: int, scenarios: int) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = [root / "common.yaml"]
    paths[0].write_text(COMMON_YAML)
    for n in range(files):
        path = root / f"lookup_{n:03d}.yaml"
        body = "".join(SCENARIO_YAML.format(n=n, i=n * scenarios + i) for i in range(scenarios))
        path.write_text("imports: [common.yaml]\nscenarios:\n" + body)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--scenarios", type=int, default=100, help="scenarios per file")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    try:
        import yaml

        loader = yaml.CSafeLoader
    except (ImportError, AttributeError):
        raise SystemExit("PyYAML with libyaml is not installed (pip install pyyaml): nothing to compare against")

    from agentspec.checker import check
    from agentspec.loader import load
    from agentspec.paths import discover

    with tempfile.TemporaryDirectory(prefix="agentspec-bench-") as tmp:
        root = Path(tmp)
        write_tree(root / "specs", options.files, options.scenarios)
        yaml_files = write_yaml(root / "yaml", options.files, options.scenarios)
        os.chdir(root)
        specs = discover(["specs"])
        spec_bytes = sum(Path(p).stat().st_size for p in specs)
        yaml_bytes = sum(p.stat().st_size for p in yaml_files)

        def ours() -> float:
            started = time.perf_counter()
            program = load(specs)
            problems = [d for d in program.diagnostics + check(program) if d.is_error]
            elapsed = time.perf_counter() - started
            assert not problems, problems[:3]
            return elapsed

        def theirs() -> float:
            started = time.perf_counter()
            for path in yaml_files:
                yaml.load(path.read_text(), Loader=loader)
            return time.perf_counter() - started

        ours(), theirs()  # warm-up: imports, the parser's tables
        mine, peer = [], []
        for _ in range(options.rounds):
            mine.append(ours())
            peer.append(theirs())
    load_average = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    count = options.files * options.scenarios
    print(f"{count} scenarios ({spec_bytes:,} bytes of specs, {yaml_bytes:,} of YAML), {options.rounds} rounds; "
          f"load average {load_average} on {os.cpu_count()} CPUs")
    print(f"  load + check (agentspec)   min {min(mine):6.3f} s  median {statistics.median(mine):6.3f} s")
    print(f"  yaml.CSafeLoader           min {min(peer):6.3f} s  median {statistics.median(peer):6.3f} s")
    ratios = [a / b for a, b in zip(mine, peer)]
    print(f"  ratio: {statistics.median(mine) / statistics.median(peer):.2f}x "
          f"(round by round: min {min(ratios):.2f}x, max {max(ratios):.2f}x)")


if __name__ == "__main__":
    main()
