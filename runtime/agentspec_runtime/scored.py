"""Generated tests: a scenario's ``score`` block run as an eval (agentspec extension).

:func:`score_scenario` runs the scenario's test case with ``run_eval_sync``
on a fresh runtime, writes the artifact as JSON under the results directory
(``$AGENTSPEC_RESULTS_DIR``, else ``./agentspec-results``) and returns a
:class:`ScoreOutcome`. The generated test asserts ``outcome.passed`` — the
case's aggregate reaches the threshold (and pass@k does, with ``pass_at``) —
and shows ``score_report(outcome, location)`` when it does not: every run's
aggregate and component scores, and where the artifact was written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the eval surface is imported on first use (see _EVAL_NAMES in __init__)
    from .evals import EvalArtifact, EvalConfig, EvalTestCase

RESULTS_DIR_ENV = "AGENTSPEC_RESULTS_DIR"
DEFAULT_RESULTS_DIR = "agentspec-results"


def results_dir() -> Path:
    """Where artifacts go: ``$AGENTSPEC_RESULTS_DIR`` or ``./agentspec-results``."""
    return Path(os.environ.get(RESULTS_DIR_ENV) or DEFAULT_RESULTS_DIR)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "case"


def artifact_path(spec: str, case_id: str) -> Path:
    """``<results>/<spec stem>--<case slug>.json``."""
    return results_dir() / f"{_slug(Path(spec).stem)}--{_slug(case_id)}.json"


def write_artifact(artifact: EvalArtifact, path: Path) -> Path:
    """Write the artifact's wire JSON atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(artifact.model_dump(by_alias=True, mode="json"), indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@dataclass(frozen=True)
class ScoreOutcome:
    """One scored scenario: its artifact, what it had to reach, where it was saved."""

    artifact: EvalArtifact
    threshold: float
    pass_at: int | None
    path: Path

    @property
    def aggregate(self) -> float:
        return self.artifact.test_cases[0].aggregate_score

    def pass_at_k(self) -> float | None:
        """pass@k for ``pass_at`` (the unbiased estimate; the simple one when it is undefined)."""
        if self.pass_at is None:
            return None
        for result in self.artifact.test_cases[0].pass_at_k:
            if result.k == self.pass_at:
                return result.unbiased_estimate if result.unbiased_estimate is not None else result.simple_estimate
        return None

    @property
    def passed(self) -> bool:
        k_score = self.pass_at_k()
        return self.aggregate >= self.threshold and (self.pass_at is None or (k_score is not None and k_score >= self.threshold))

    def report(self, location: str) -> str:
        """Why the score failed: aggregate vs threshold, then each run's component scores."""
        case = self.artifact.test_cases[0]
        lines = [f"score {self.aggregate:.3f} (threshold {self.threshold:g}) for {case.test_case_id!r}"]
        if self.pass_at is not None:
            lines.append(f"  pass@{self.pass_at} = {self.pass_at_k()}")
        for sample in case.samples:
            verdict = "passed" if sample.passed else "failed"
            lines.append(f"  run {sample.sample_index + 1}: {sample.aggregate_score:.3f} {verdict}")
            for component in sample.component_scores:
                if component.scorer_name != "composite":
                    lines.append(f"    {component.scorer_name}: {component.score:.3f}{_why(component.details)}")
            if sample.error:
                lines.append(f"    error: {sample.error}")
        lines.append(f"  artifact: {self.path}")
        lines.append(f"  at {location}")
        return "\n".join(lines)


def _why(details: dict[str, Any] | None) -> str:
    """A short reason from a component's details (what was missing or unexpected)."""
    if not details:
        return ""
    parts = []
    for key in ("missing", "unexpected"):
        if details.get(key):
            parts.append(f"{key} {details[key]}")
    if details.get("issues"):
        parts.extend(details["issues"])
    if details.get("requiredFailed"):
        parts.append(f"required failed {details['requiredFailed']}")
    for scorer in details.get("responseScorers", []):
        if not scorer["passed"]:
            parts.append(f"{scorer['id']}: {scorer['reason']}")
    if details.get("error"):
        parts.append(str(details["error"]))
    return f" ({'; '.join(parts)})" if parts else ""


def score_report(outcome: ScoreOutcome, location: str) -> str:
    """The failure message of a generated score test (``outcome.report(location)``)."""
    return outcome.report(location)


def score_scenario(
    runtime_factory: Callable[[], Any],
    case: EvalTestCase,
    config: EvalConfig,
    *,
    spec: str,
    pass_at: int | None = None,
) -> ScoreOutcome:
    """Run ``case`` as an eval on a fresh runtime and save the artifact (see module docstring)."""
    from .evals import define_eval_request, run_eval_sync

    runtime = runtime_factory()
    request = define_eval_request(runtime, workspace_id=spec, config=config, test_cases=[case])
    artifact = run_eval_sync(runtime, request)
    path = write_artifact(artifact, artifact_path(spec, case.id))
    return ScoreOutcome(artifact, config.pass_threshold, pass_at, path)
