"""What each spec file uses, and the W101/W104 warnings decided from it across files.

Whether an agent or a script is used at all is judged over every file of a
run (a library file's specialist counts as used when another file's scenario
starts at it), so the compile cache and the pytest plugin's spec units keep,
per file, what it uses (``FileUses``, made by ``checker.usage.file_uses``) and
the warnings its unused declarations would get, and decide them here when
they know the run's files. Plain data and two functions, apart from the
checker: deciding from cached results needs neither the parser nor the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from agentspec.diagnostics import Diagnostic


@dataclass
class FileUses:
    """What one file contributes to use across the program: agents it routes to
    or starts scenarios at, its scripts' bodies, and the scripts its scenarios run."""

    agents: set[str] = field(default_factory=set)
    bodies: dict[str, list[list[str]]] = field(default_factory=dict)  # script -> scripts each body calls
    runs: list[str] = field(default_factory=list)


def combined_uses(per_file: Iterable[FileUses]) -> tuple[set[str], set[str]]:
    """(agents, scripts) used across the files whose :class:`FileUses` are given: what
    ``checker.usage.used_names`` finds in a whole program, from what caches keep per file."""
    agents: set[str] = set()
    bodies: dict[str, list[list[str]]] = {}
    pending: list[str] = []
    for uses in per_file:
        agents |= uses.agents
        for name, calls in uses.bodies.items():
            bodies.setdefault(name, []).extend(calls)
        pending += uses.runs
    scripts: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in scripts:
            scripts.add(name)
            for calls in bodies.get(name, []):
                pending += calls
    return agents, scripts


def unreachable(candidates: list[tuple[str, Diagnostic]], used_agents: set[str], used_scripts: set[str]) -> list[Diagnostic]:
    """The candidates' warnings whose agent or script nothing uses."""
    return [
        diagnostic
        for name, diagnostic in candidates
        if name not in (used_agents if diagnostic.code == "W101" else used_scripts)
    ]
