"""The spec tree the speed benchmarks share: FILES files of SCENARIOS scenarios,
each one tool call followed by an output check (contains / not contains).

It is the tree promptfoo's side of bench/edit_loop.py mirrors: the same number
of test cases, each one call and the same two assertions.
"""

from __future__ import annotations

from pathlib import Path

COMMON = """\
tenant bench version "v1"
provider anthropic { api_key_env "ANTHROPIC_API_KEY" }

tool lookup(customer_id: str) {
  description "Find a customer"
  returns { customer_id: "C-1", tier: "gold" }
}

specialist concierge {
  model "claude-haiku-4-5"
  prompt "Look the customer up."
  tools [lookup]
}
"""

SCENARIO = """\
scenario "lookup {n}-{i}" {{
  input "What tier is customer C-{i}?"
  agent concierge
  run {{
    lookup(customer_id: "C-{i}")
  }}
  expect {{
    output contains "gold"
    output not_contains "error"
  }}
}}
"""

#: the scenario bench/edit_loop.py edits, and the edit (the input's text changes)
EDITED_FILE = "lookup_000.agentspec"
EDIT_FROM, EDIT_TO = 'input "What tier is customer C-0?"', 'input "Which tier is customer C-0?"'


def write_tree(root: Path, files: int, scenarios: int) -> int:
    """Write ``common.agentspec`` and the scenario files into ``root``; returns the line count."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "common.agentspec").write_text(COMMON)
    lines = COMMON.count("\n")
    for n in range(files):
        text = 'import "common.agentspec"\n\n' + "\n".join(
            SCENARIO.format(n=n, i=n * scenarios + i) for i in range(scenarios)
        )
        (root / f"lookup_{n:03d}.agentspec").write_text(text)
        lines += text.count("\n")
    return lines


def edit_one(root: Path, back: bool = False) -> None:
    """Edit (or, with ``back``, undo the edit of) one scenario's input."""
    path = root / EDITED_FILE
    old, new = (EDIT_TO, EDIT_FROM) if back else (EDIT_FROM, EDIT_TO)
    text = path.read_text()
    assert old in text, f"{path} does not hold {old!r}"
    path.write_text(text.replace(old, new))
