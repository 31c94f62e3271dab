"""Parser and checker: any text gives sorted, located, printable diagnostics."""

from __future__ import annotations

from fuzz.corpus import seeds_text
from fuzz.targets import Target, Violation

DIRECTORY = "fuzz-virtual/specs"
PATH = f"{DIRECTORY}/fuzzed.agentspec"


def overrides(text: str) -> dict[str, str]:
    """The fuzzed file and every example spec beside it, all in memory: its imports
    resolve without touching the disk (a missing one is still E007)."""
    from fuzz.corpus import seeds

    files = {f"{DIRECTORY}/{seed.name.rsplit('/', 1)[-1]}": seed.text for seed in seeds() if seed.name.startswith("specs/")}
    files[PATH] = text
    return files


def check(text: str) -> str:
    from agentspec.checker import check as check_program
    from agentspec.diagnostics import render, sort_diagnostics, to_json
    from agentspec.loader import load

    program = load([PATH], overrides=overrides(text))
    diagnostics = sort_diagnostics(list(program.diagnostics) + list(check_program(program)))
    for d in diagnostics:
        if d.severity not in ("error", "warning") or not d.code or not d.message:
            raise Violation(f"malformed diagnostic {d!r}")
        if d.span.line < 1 or d.span.column < 1:
            raise Violation(f"diagnostic outside the file: {d!r}")
        render(d, program.sources.get(d.path, ""))
    to_json(diagnostics)
    if PATH not in program.files:
        return "syntax error"
    return "errors" if any(d.is_error for d in diagnostics) else "clean"


def _strategy():
    from fuzz.strategies import spec_texts

    return spec_texts


TARGET = Target("checker", "parser + checker + diagnostic rendering on mutated specs", _strategy, check, lambda: check(seeds_text()))
