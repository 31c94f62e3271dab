"""Edit one scenario → results: agentspec against promptfoo, side by side.

    .venv/bin/python bench/edit_loop.py [--files 10] [--scenarios 100] [--rounds 5]
                                        [--promptfoo-dir DIR] [--no-promptfoo]

Builds 1,000 equivalent scenarios (FILES × SCENARIOS) for both tools — one
tool call, then the output checked with contains / not contains — and times,
round after round, what a user waits for after editing one scenario:

- **agentspec, compile + pytest**: ``agentspec compile specs -o generated``
  then ``python -m pytest generated`` (two processes);
- **agentspec, pytest plugin**: ``python -m pytest specs`` (the plugin runs the
  .agentspec files directly), when the installed agentspec has the plugin;
- **promptfoo 0.118.0**: ``promptfoo eval`` on a config of the same 1,000 test
  cases; its provider is a local JavaScript provider that makes the same one
  tool call (a lookup returning ``{tier: "gold"}``) and answers with its
  result, as the scripted interpreter does. promptfoo is installed from npm
  into ``--promptfoo-dir`` (default: ``~/.cache/agentspec-bench``) on first
  use; without Node/npm, or if the install fails, the script prints our
  figures and says why the peer is missing;
- **the pytest floor**, for reference: ``python -m pytest`` over 1,000
  trivial tests (``assert True``) in as many files, edited and run the same
  way. Any path that gives each scenario a pytest item (one item per scenario
  is what users rely on) pays at least this much; promptfoo / floor is the
  best ratio such a path could reach in this environment.

Each round edits one scenario (its input text; the promptfoo case's variable)
in every tool's tree, then runs each tool once, in turn, so a change in the
machine's speed hits all of them. One warm-up round first (bytecode caches,
compile records, promptfoo's first start). Child processes run with bytecode
caching on, as users have it, whatever this process's environment says.
Prints min and median wall time over the rounds, the median CPU time (user +
system, of the processes themselves: less sensitive to a busy machine), the
median of the per-round wall-time ratios promptfoo / agentspec and the ratio
of median CPU times (promptfoo uses more than one core: on an idle machine its
wall time gains from that, on a busy one it does not), and the machine's load
average before and after.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scenario_tree import edit_one, write_tree  # noqa: E402

PROMPTFOO_VERSION = "0.118.0"

PROVIDER = """\
// The local equivalent of a scripted agentspec scenario: one tool call
// (a customer lookup), then the answer is the tool's result.
function lookup(customerId) {
  return { customer_id: customerId, tier: "gold" };
}

class LookupProvider {
  id() {
    return "lookup";
  }

  async callApi(prompt, context) {
    return { output: JSON.stringify(lookup(context.vars.customer)) };
  }
}

module.exports = LookupProvider;
"""

CONFIG = """\
description: 1,000 scenarios, each one tool call and two output checks
prompts:
  - "What tier is customer {{customer}}?"
providers:
  - file://provider.js
tests: file://tests.yaml
"""

CASE = """\
- vars:
    customer: C-{i}
  assert:
    - type: contains
      value: gold
    - type: not-contains
      value: error
"""


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def child_env(root: Path) -> dict[str, str]:
    env = {**os.environ, "AGENTSPEC_CACHE_DIR": str(root / "cache")}
    for name in ("PYTHONDONTWRITEBYTECODE", "AGENTSPEC_NO_CACHE"):
        env.pop(name, None)
    env.update(
        PROMPTFOO_DISABLE_TELEMETRY="1",
        PROMPTFOO_DISABLE_UPDATE="1",
        PROMPTFOO_CONFIG_DIR=str(root / "promptfoo-home"),
        NO_COLOR="1",
    )
    return env


def run(commands: list[list[str]], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s of the processes) for ``commands`` run one after the other; each must succeed."""
    started = time.perf_counter()
    cpu = 0.0
    for command in commands:
        with tempfile.TemporaryFile() as output:
            process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage (its children included once reaped)
            process.returncode = os.waitstatus_to_exitcode(status)
            cpu += usage.ru_utime + usage.ru_stime
            if process.returncode != 0:
                output.seek(0)
                tail = "\n".join(output.read().decode(errors="replace").strip().splitlines()[-15:])
                raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{tail}")
    return time.perf_counter() - started, cpu


def install_promptfoo(where: Path) -> tuple[Path | None, str]:
    """(the promptfoo executable, "") or (None, why it is missing)."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        return None, "Node.js and npm are not installed"
    home = where / f"promptfoo-{PROMPTFOO_VERSION}"
    executable = home / "node_modules" / ".bin" / "promptfoo"
    if not executable.exists():
        home.mkdir(parents=True, exist_ok=True)
        print(f"installing promptfoo {PROMPTFOO_VERSION} from npm into {home} ...", flush=True)
        env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}  # it would fetch a browser
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(home), f"promptfoo@{PROMPTFOO_VERSION}"],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode != 0 or not executable.exists():
            tail = " / ".join((done.stdout + done.stderr).strip().splitlines()[-3:])
            return None, f"npm could not install promptfoo {PROMPTFOO_VERSION}: {tail}"
    return executable, ""


def write_promptfoo(root: Path, count: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "provider.js").write_text(PROVIDER)
    (root / "promptfooconfig.yaml").write_text(CONFIG)
    (root / "tests.yaml").write_text("".join(CASE.format(i=i) for i in range(count)))


def edit_promptfoo(root: Path, back: bool) -> None:
    path = root / "tests.yaml"
    old, new = ("customer: C-0b\n", "customer: C-0\n") if back else ("customer: C-0\n", "customer: C-0b\n")
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def write_trivial(root: Path, files: int, tests: int) -> None:
    """The pytest floor's tree: ``files`` modules of ``tests`` trivial tests each."""
    root.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        body = "\n\n".join(f"def test_{i}() -> None:\n    assert True\n" for i in range(tests))
        (root / f"test_trivial_{n:03d}.py").write_text(body)


def edit_trivial(root: Path, back: bool) -> None:
    """The floor's edit: one test's body changes, as a scenario's input does."""
    path = root / "test_trivial_000.py"
    old, new = ("    assert 1\n", "    assert True\n") if back else ("    assert True\n", "    assert 1\n")
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def has_spec_plugin() -> bool:
    try:
        import agentspec.pytest_plugin  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--scenarios", type=int, default=100, help="scenarios per file")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--promptfoo-dir", type=Path, default=Path.home() / ".cache" / "agentspec-bench")
    parser.add_argument("--no-promptfoo", action="store_true", help="measure agentspec only")
    options = parser.parse_args()
    count = options.files * options.scenarios
    print(f"load average {load()} on {os.cpu_count()} CPUs; {count} scenarios; {options.rounds} rounds after a warm-up")

    promptfoo, missing = (None, "--no-promptfoo given") if options.no_promptfoo else install_promptfoo(options.promptfoo_dir)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="agentspec-edit-loop-") as tmp:
        root = Path(tmp)
        ours = root / "agentspec"
        write_tree(ours / "specs", options.files, options.scenarios)
        env = child_env(root)
        pytest = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        paths: dict[str, tuple[list[list[str]], Path]] = {
            "agentspec compile + pytest": (
                [[python, "-m", "agentspec", "compile", "specs", "-o", "generated"], [*pytest, "generated"]],
                ours,
            ),
        }
        if has_spec_plugin():
            paths["agentspec pytest plugin"] = ([[*pytest, "specs"]], ours)
        else:
            print("the pytest plugin is not in this agentspec: only the compile + pytest path is measured")
        floor_name = f"pytest floor ({count} trivial tests)"
        write_trivial(root / "floor", options.files, options.scenarios)
        paths[floor_name] = ([[*pytest, "."]], root / "floor")
        if promptfoo is not None:
            peer = root / "promptfoo"
            write_promptfoo(peer, count)
            command = [str(promptfoo), "eval", "-c", "promptfooconfig.yaml", "--no-cache", "--no-write",
                       "--no-table", "--no-progress-bar"]
            paths[f"promptfoo {PROMPTFOO_VERSION}"] = ([command], peer)
        else:
            print(f"promptfoo is not measured: {missing}")

        figures: dict[str, list[float]] = {name: [] for name in paths}
        cpu: dict[str, list[float]] = {name: [] for name in paths}
        for round_ in range(options.rounds + 1):
            back = round_ % 2 == 1
            edit_one(ours / "specs", back=back)
            edit_trivial(root / "floor", back=back)
            if promptfoo is not None:
                edit_promptfoo(root / "promptfoo", back=back)
            for name, (commands, cwd) in paths.items():
                seconds, cpu_seconds = run(commands, cwd, env)
                if round_ > 0:  # round 0 is the warm-up
                    figures[name].append(seconds)
                    cpu[name].append(cpu_seconds)

    print(f"{'edit one scenario → results':34}  wall: min s  median s   CPU: median s")
    for name, values in figures.items():
        print(f"  {name:32} {min(values):13.2f} {statistics.median(values):9.2f} {statistics.median(cpu[name]):15.2f}")
    peer_name = f"promptfoo {PROMPTFOO_VERSION}"
    if peer_name in figures:
        for name, values in figures.items():
            if name != peer_name:
                ratios = [p / o for p, o in zip(figures[peer_name], values)]
                cpu_ratio = statistics.median(cpu[peer_name]) / statistics.median(cpu[name])
                print(
                    f"  promptfoo / {name}: median {statistics.median(ratios):.2f}x wall "
                    f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)}), {cpu_ratio:.2f}x CPU"
                )
    print(f"load average at the end {load()}")


if __name__ == "__main__":
    main()
