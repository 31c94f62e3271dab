"""``agentspec record SPEC --scenario NAME``: a run becomes the scenario's ``run`` block.

The work — reading a saved run or making a live one, and rewriting the spec —
is ``agentspec.record``'s; this is the command around it. The spec is
rewritten atomically, keeping its permissions.
"""

from __future__ import annotations

import os
import sys

from agentspec import trajectory as tj
from agentspec.atomic import write_atomic
from agentspec.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from agentspec.record import RecordError, check_recorded, find_scenario, read_saved, rewrite, run_live


def record_command(spec: str, scenario: str, source: str | None = None, run: int | None = None) -> int:
    """Record a run of ``scenario`` into ``spec``; returns the exit code."""
    try:
        return _record(spec, scenario, source, run)
    except RecordError as exc:
        print(f"agentspec record: {exc}", file=sys.stderr)
        if exc.code == EXIT_FAILED:
            print("nothing was written", file=sys.stderr)
        return exc.code


def _record(spec: str, scenario_name: str, source: str | None, run: int | None) -> int:
    from agentspec.diagnostics import has_errors, render_all
    from agentspec.source_files import read_source

    if not os.path.isfile(spec):
        raise RecordError(f"no such spec file: {spec}", EXIT_USAGE)
    text, problem = read_source(spec)
    if text is None:
        raise RecordError(problem.message if problem else f"cannot read {spec}", EXIT_USAGE)
    from agentspec.syntax.parser import parse

    parsed = parse(text, spec)
    if parsed.spec is None:
        raise RecordError(f"{spec} has syntax errors; fix them first:\n{render_all(parsed.diagnostics, {spec: text})}")
    line = find_scenario(parsed.spec, scenario_name, spec).span.line  # fail before running anything; as codegen locates it
    recorded = read_saved(source, scenario_name, run) if source else run_live(spec, scenario_name, line)
    new_text, notes = rewrite(text, spec, scenario_name, recorded)
    diagnostics, program = check_recorded(spec, new_text)
    if has_errors(diagnostics):
        sources = dict(program.sources)
        print("the spec as it would be recorded:\n" + render_all(diagnostics, sources) + "\n", file=sys.stderr)
        raise RecordError(
            f"the recorded run of {scenario_name!r} does not fit {spec} (is the log from another spec?)"
        )
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    steps = _count(recorded.steps)
    if new_text == text:
        print(f"{spec}: scenario {scenario_name!r} already replays this run ({steps} steps); nothing changed")
        return EXIT_OK
    write_atomic(spec, new_text.encode("utf-8"), mode=os.stat(spec).st_mode & 0o7777)
    print(f"recorded {steps} step{'s' if steps != 1 else ''} into scenario {scenario_name!r} of {spec}")
    return EXIT_OK


def _count(steps: list[tj.Step]) -> int:
    return sum(1 + _count(s.steps) if isinstance(s, tj.AgentCall) else 1 for s in steps)
