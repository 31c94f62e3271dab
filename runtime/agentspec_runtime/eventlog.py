"""Saved event logs: what each run of a scenario streamed, as JSON lines.

A live run is worth keeping: ``agentspec record --from LOG`` turns a saved run
into the scenario's ``run`` block. Saving is off unless a directory is chosen,
with the environment variable ``AGENTSPEC_EVENT_LOG=DIR`` or the pytest option
``--agentspec-event-log DIR`` (which sets the variable for the session).

One file per scenario, ``DIR/<slug of the scenario name>.jsonl``, rewritten
(atomically) each time the scenario runs. For each run it holds a header line

    {"type": "agentspec-run", "version": 1, "scenario": NAME, "run": 1,
     "passed": true, "agent": ENTRY_AGENT_OR_NULL, "input": INPUT}

followed by that run's runtime events, one per line, exactly as the stream
yielded them (docs/runtime.md). A header's ``type`` is not an event type, so a
reader can tell them apart; a file of bare events (no header) is one run.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

ENV_VAR = "AGENTSPEC_EVENT_LOG"
HEADER_TYPE = "agentspec-run"
VERSION = 1


class EventLogError(ValueError):
    """A log that cannot be read as runs of events; the message says where and why."""


@dataclass
class LoggedRun:
    """One run of one scenario as the log holds it."""

    scenario: str | None
    run: int
    events: list[dict[str, Any]] = field(default_factory=list)
    passed: bool | None = None
    agent: str | None = None
    input: str | None = None


def log_dir() -> Path | None:
    """The directory event logs are saved to, or None when saving is off."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def slug(name: str) -> str:
    """A file-name-safe, deterministic form of a scenario name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_").lower()
    return words or "scenario"


def header(run: LoggedRun) -> dict[str, Any]:
    return {
        "type": HEADER_TYPE,
        "version": VERSION,
        "scenario": run.scenario,
        "run": run.run,
        "passed": run.passed,
        "agent": run.agent,
        "input": run.input,
    }


def dumps(runs: Iterable[LoggedRun]) -> str:
    """The JSON-lines text of ``runs`` (a header, then the events, per run)."""
    lines: list[str] = []
    for run in runs:
        lines.append(json.dumps(header(run), ensure_ascii=False, sort_keys=True))
        lines.extend(json.dumps(event, ensure_ascii=False, default=str) for event in run.events)
    return "".join(line + "\n" for line in lines)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save(directory: Path, scenario: str, runs: list[LoggedRun]) -> Path:
    """Write ``runs`` of ``scenario`` to its file in ``directory``; the path written."""
    path = directory / f"{slug(scenario)}.jsonl"
    write_atomic(path, dumps(runs))
    return path


def runs_of_result(result: Any) -> list[LoggedRun]:
    """The runs of an agentgate ``ScenarioResult`` whose traces carry their events.

    The bridge keeps each run's events in ``trace.metadata["events"]``; a run
    that timed out before producing a trace has none and is left out.
    """
    if result.run_results:
        traces = [(index + 1, r.trace, r.passed) for index, r in enumerate(result.run_results)]
    else:
        traces = [(1, result.trace, result.passed)]
    runs = []
    for number, trace, passed in traces:
        events = (trace.metadata or {}).get("events") if trace is not None else None
        if events is None:
            continue
        runs.append(
            LoggedRun(
                scenario=result.scenario_name,
                run=number,
                events=list(events),
                passed=bool(passed),
                agent=trace.metadata.get("agent"),
                input=trace.input,
            )
        )
    return runs


def save_result(result: Any) -> Path | None:
    """Save a scenario result's runs when saving is on; the path written, or None."""
    directory = log_dir()
    if directory is None:
        return None
    runs = runs_of_result(result)
    if not runs:
        return None
    return save(directory, result.scenario_name, runs)


# ---- reading ----------------------------------------------------------------------


def _fail(path: str, line: int, message: str) -> EventLogError:
    return EventLogError(f"{path}:{line}: {message}")


def loads(text: str, path: str = "<log>") -> list[LoggedRun]:
    """Parse a log's text into runs; :class:`EventLogError` names the bad line."""
    runs: list[LoggedRun] = []
    current: LoggedRun | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _fail(path, number, f"not a JSON line ({exc.msg})") from None
        if not isinstance(value, dict) or not isinstance(value.get("type"), str):
            raise _fail(path, number, 'each line must be a JSON object with a string "type"')
        if value["type"] == HEADER_TYPE:
            if value.get("version") != VERSION:
                raise _fail(path, number, f"unsupported event log version {value.get('version')!r} (expected {VERSION})")
            scenario = value.get("scenario")
            if not isinstance(scenario, str):
                raise _fail(path, number, 'a run header needs a string "scenario"')
            current = LoggedRun(
                scenario=scenario,
                run=int(value.get("run") or len(runs) + 1),
                passed=value.get("passed"),
                agent=value.get("agent"),
                input=value.get("input"),
            )
            runs.append(current)
            continue
        if current is None:  # a file of bare events: one run, scenario unknown
            current = LoggedRun(scenario=None, run=1)
            runs.append(current)
        current.events.append(value)
    if not runs:
        raise EventLogError(f"{path}: the log is empty")
    return runs


def load(path: str) -> list[LoggedRun]:
    """Read and parse a saved log file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise EventLogError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise EventLogError(f"{path}: not a UTF-8 text file") from None
    return loads(text, path)
