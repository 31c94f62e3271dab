"""Reading saved eval results: result sets of artifacts, and each case's history.

A results directory holds artifacts (``*.json``, as generated score tests
write them). Each subdirectory that holds artifacts is one saved result set;
artifacts directly in the directory are one more set, the latest. Sets are
ordered by name (subdirectories first), so ``results/2026-01-05/``,
``results/2026-01-06/``, ... read as a history. A case is identified by its
workspace (the spec) and test case id; its trend is its aggregate in every
set that has it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from agentspec_runtime.evals import EvalArtifact, SampleArtifact, TestCaseArtifact


class ResultsError(Exception):
    """The results directory cannot be read; the message says which file and why."""


@dataclass(frozen=True)
class CaseResult:
    """One case in one result set."""

    spec: str
    case: TestCaseArtifact
    threshold: float | None
    run_id: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.spec, self.case.test_case_id)

    @property
    def passed(self) -> bool | None:
        return None if self.threshold is None else self.case.aggregate_score >= self.threshold

    @property
    def samples(self) -> list[SampleArtifact]:
        return self.case.samples


@dataclass
class ResultSet:
    name: str
    cases: list[CaseResult] = field(default_factory=list)


@dataclass
class Results:
    """Every set, oldest first; the last one is reported in detail."""

    sets: list[ResultSet]

    @property
    def latest(self) -> ResultSet:
        return self.sets[-1]

    def trend(self, key: tuple[str, str]) -> list[tuple[str, float]]:
        """(set name, aggregate) of the case in every set that has it, oldest first."""
        points = []
        for result_set in self.sets:
            for case in result_set.cases:
                if case.key == key:
                    points.append((result_set.name, case.case.aggregate_score))
        return points


def _read_artifact(path: Path) -> EvalArtifact:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{path}: cannot read it ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        return EvalArtifact.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        raise ResultsError(f"{path}: not an eval artifact ({where}: {first['msg']})") from None


def _read_set(name: str, files: list[Path]) -> ResultSet:
    result_set = ResultSet(name)
    for path in files:
        artifact = _read_artifact(path)
        metadata = artifact.summary.metadata or {}
        threshold = metadata.get("passThreshold")
        for case in artifact.test_cases:
            result_set.cases.append(
                CaseResult(artifact.workspace_id, case, threshold if isinstance(threshold, (int, float)) else None, artifact.run_id)
            )
    result_set.cases.sort(key=lambda c: c.key)
    return result_set


def _artifacts(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.json") if p.is_file())


def load_results(directory: Path) -> Results:
    """The result sets under ``directory`` (see module docstring); raises :class:`ResultsError`."""
    if not directory.is_dir():
        raise ResultsError(f"{directory}: no such directory")
    sets = [
        _read_set(sub.name, _artifacts(sub))
        for sub in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))
        if _artifacts(sub)
    ]
    if _artifacts(directory):
        sets.append(_read_set(directory.name or str(directory), _artifacts(directory)))
    if not sets:
        raise ResultsError(
            f"{directory}: no eval artifacts (*.json) in it or its subdirectories; "
            "scored scenarios write them when their tests run (AGENTSPEC_RESULTS_DIR)"
        )
    return Results(sets)
