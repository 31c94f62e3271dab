"""Edit one scenario → results: agentspec against promptfoo, side by side.

    .venv/bin/python bench/edit_loop.py [--files 10] [--scenarios 100] [--rounds 5]
                                        [--promptfoo-dir DIR] [--no-promptfoo] [--venv DIR | --user-venv]

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
- **two pytest floors**, for reference, edited and run the same way (same
  interpreter and environment). *Trivial tests*: ``python -m pytest`` over
  1,000 ``def test_N(): assert True`` in as many modules, what a path of one
  pytest *function* per scenario (the compiled tests) pays at least. *Bare
  items*: pytest over 1,000 items of a minimal plugin (a conftest whose
  ``pytest.File`` makes an item per line of ``*.case`` files, ``runtest`` a
  no-op), what any path of one pytest *item* per scenario (the plugin
  included) pays at least; promptfoo / that floor is the best wall-time ratio
  such a path could reach in this environment.

With ``--venv DIR`` or ``--user-venv`` our side (compile, both pytest paths,
both floors) runs in a venv holding only ``agentspec`` and
``agentspec-runtime[testing]``, as a user installs them, rather than in this
interpreter's (whose test extras, hypothesis above all, pytest loads into
every run): see bench/user_venv.py. The header line names the interpreter.

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
from user_venv import CACHE_ROOT, interpreter  # noqa: E402
from user_venv import add_options as add_venv_options  # noqa: E402

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


#: The bare floor's plugin: the least a pytest plugin can do to give each case of a data file its own item
#: (read the file, one item per line, a report location) with nothing run.
BARE_CONFTEST = """\
import pytest


class Case(pytest.Item):
    def __init__(self, *, line, **kwargs):
        super().__init__(**kwargs)
        self.line = line

    def runtest(self):
        pass

    def reportinfo(self):
        return self.path, self.line, self.name


class CaseFile(pytest.File):
    def collect(self):
        for line, text in enumerate(self.path.read_text().splitlines()):
            yield Case.from_parent(self, name=text.split()[0], line=line)


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".case":
        return CaseFile.from_parent(parent, path=file_path)
"""

#: the bare floor's edit: one case's text, as a scenario's input
BARE_EDIT = ("case-0 What tier is customer C-0?\n", "case-0 Which tier is customer C-0?\n")


def write_bare(root: Path, files: int, cases: int) -> None:
    """The bare floor's tree: the conftest and ``files`` data files of ``cases`` lines each."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conftest.py").write_text(BARE_CONFTEST)
    for n in range(files):
        numbers = range(n * cases, (n + 1) * cases)
        (root / f"cases_{n:03d}.case").write_text("".join(f"case-{i} What tier is customer C-{i}?\n" for i in numbers))


def edit_bare(root: Path, back: bool) -> None:
    path = root / "cases_000.case"
    old, new = BARE_EDIT[::-1] if back else BARE_EDIT
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def has_spec_plugin(python: str, env: dict[str, str]) -> bool:
    """Whether the agentspec ``python`` imports has the pytest plugin (older checkouts do not)."""
    done = subprocess.run([python, "-c", "import agentspec.pytest_plugin"], env=env, capture_output=True)
    return done.returncode == 0


#: row name → (the commands run one after the other, their working directory)
Paths = dict[str, tuple[list[list[str]], Path]]


def our_paths(root: Path, python: str, env: dict[str, str], files: int, scenarios: int) -> Paths:
    """Write our tree and both floors' trees under ``root``; the commands that time them, by row name."""
    count = files * scenarios
    ours = root / "agentspec"
    write_tree(ours / "specs", files, scenarios)
    pytest = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    paths: Paths = {
        "agentspec compile + pytest": (
            [[python, "-m", "agentspec", "compile", "specs", "-o", "generated"], [*pytest, "generated"]],
            ours,
        ),
    }
    if has_spec_plugin(python, env):
        paths["agentspec pytest plugin"] = ([[*pytest, "specs"]], ours)
    else:
        print("the pytest plugin is not in this agentspec: only the compile + pytest path is measured")
    write_trivial(root / "floor", files, scenarios)
    paths[f"pytest floor ({count} trivial tests)"] = ([[*pytest, "."]], root / "floor")
    write_bare(root / "bare", files, scenarios)
    paths[f"pytest floor ({count} bare items)"] = ([[*pytest, "."]], root / "bare")
    return paths


def edit_all(root: Path, back: bool) -> None:
    """One scenario's edit (or its undoing) in every tree under ``root``."""
    edit_one(root / "agentspec" / "specs", back=back)
    edit_trivial(root / "floor", back=back)
    edit_bare(root / "bare", back=back)
    if (root / "promptfoo").exists():
        edit_promptfoo(root / "promptfoo", back=back)


def measure(paths: Paths, root: Path, env: dict[str, str], rounds: int) -> tuple[dict[str, list[float]], ...]:
    """(wall s, CPU s) per row name over ``rounds`` rounds after a warm-up, each tool once a round, in turn."""
    figures: dict[str, list[float]] = {name: [] for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    for round_ in range(rounds + 1):
        edit_all(root, back=round_ % 2 == 1)
        for name, (commands, cwd) in paths.items():
            seconds, cpu_seconds = run(commands, cwd, env)
            if round_ > 0:  # round 0 is the warm-up
                figures[name].append(seconds)
                cpu[name].append(cpu_seconds)
    return figures, cpu


def report(figures: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    print(f"{'edit one scenario → results':36}  wall: min s  median s   CPU: median s")
    for name, values in figures.items():
        print(f"  {name:34} {min(values):13.2f} {statistics.median(values):9.2f} {statistics.median(cpu[name]):15.2f}")
    peer_name = f"promptfoo {PROMPTFOO_VERSION}"
    if peer_name not in figures:
        return
    for name, values in figures.items():
        if name != peer_name:
            ratios = [p / o for p, o in zip(figures[peer_name], values)]
            cpu_ratio = statistics.median(cpu[peer_name]) / statistics.median(cpu[name])
            print(
                f"  promptfoo / {name}: median {statistics.median(ratios):.2f}x wall "
                f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)}), {cpu_ratio:.2f}x CPU"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--scenarios", type=int, default=100, help="scenarios per file")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--promptfoo-dir", type=Path, default=CACHE_ROOT, help="where promptfoo (and --user-venv) live")
    parser.add_argument("--no-promptfoo", action="store_true", help="measure agentspec only")
    add_venv_options(parser)
    options = parser.parse_args()
    count = options.files * options.scenarios

    if options.no_promptfoo:
        promptfoo, missing = None, "--no-promptfoo given"
    else:
        promptfoo, missing = install_promptfoo(options.promptfoo_dir)
    python, which = interpreter(options, options.promptfoo_dir)
    print(
        f"load average {load()} on {os.cpu_count()} CPUs; {count} scenarios; {options.rounds} rounds after a warm-up; "
        f"ours run with {which}"
    )
    with tempfile.TemporaryDirectory(prefix="agentspec-edit-loop-") as tmp:
        root = Path(tmp)
        env = child_env(root)
        paths = our_paths(root, python, env, options.files, options.scenarios)
        if promptfoo is not None:
            write_promptfoo(root / "promptfoo", count)
            command = [str(promptfoo), "eval", "-c", "promptfooconfig.yaml", "--no-cache", "--no-write",
                       "--no-table", "--no-progress-bar"]
            paths[f"promptfoo {PROMPTFOO_VERSION}"] = ([command], root / "promptfoo")
        else:
            print(f"promptfoo is not measured: {missing}")
        figures, cpu = measure(paths, root, env, options.rounds)
    report(figures, cpu)
    print(f"load average at the end {load()}")


if __name__ == "__main__":
    main()
