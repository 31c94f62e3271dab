"""Whatever the checker accepts, code generation compiles: mutated example specs
either get diagnostics or produce valid Python (never an exception), already
in black's layout (black, the verifier, changes nothing)."""

from __future__ import annotations

import ast

import black

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agentspec.checker import check
from agentspec.codegen import generate
from agentspec.diagnostics import has_errors
from agentspec.loader import load
from codegen_support import REPO

SOURCES = {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO / "specs").glob("*.agentspec"))}
BLACK = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=100)
NAMES = ["class", "None", "def", "build_runtime", "RUNTIME_SPEC", "scenario", "script", "returns", "x" * 80, "T"]


@st.composite
def mutated(draw) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(n for n in SOURCES if n != "common.agentspec")))
    lines = SOURCES[name].splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "rename", "string"]))
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "rename":
            words = [w for w in lines[index].replace("(", " ").replace(")", " ").split() if w.isidentifier()]
            if words:
                lines[index] = lines[index].replace(draw(st.sampled_from(words)), draw(st.sampled_from(NAMES)))
        else:
            lines[index] = lines[index].replace('"', '"\\\\ {{ \\" \\u{1F600} ', 1)
        if not lines:
            lines = [""]
    return name, "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutated())
def test_checked_specs_always_compile(tmp_path_factory, case: tuple[str, str]) -> None:
    name, text = case
    work = tmp_path_factory.mktemp("fuzz")
    (work / "common.agentspec").write_text(SOURCES["common.agentspec"], encoding="utf-8")
    (work / name).write_text(text, encoding="utf-8")
    program = load([str(work / name)])
    if has_errors(program.diagnostics + check(program)):
        event("rejected by the checker")
        return
    event("compiled")
    for output in generate(program):
        ast.parse(output.content)
        assert black.format_str(output.content, mode=BLACK) == output.content, f"black would reformat {output.name}"
