"""Recording a run into a spec: a run becomes the scenario's ``run`` block.

(The command line around it is ``agentspec.commands.record``.)

The run is either made now, live (the scenario's generated test runs under the
live interpreter ``AGENTSPEC_INTERPRETER`` selects, saving its event log), or
read from a saved one with ``--from FILE``: an event log
(``agentspec_runtime.eventlog``) or agentgate trace files (JSON, as agentgate's
``TraceRecorder`` writes them). Its trajectory (``agentspec.trajectory``)
replaces the scenario's ``run`` (or ``mock_response``) and adds an
``on approval`` line for each approval the run answered that the scenario does
not answer yet. The file is then laid out by ``agentspec fmt``'s engine, so
comments outside the replaced block stay where they were (comments inside it
move to the top of the new block), and checked as ``agentspec check`` would:
a recording that does not fit the spec is refused and nothing is written.
The command writes atomically, and recording the same run again changes nothing.

Exit codes: 0 recorded (or already up to date), 1 the run cannot be recorded
into this spec (unknown scenario, a log of another scenario or spec, a
recording the checker rejects, a failed live run), 2 usage errors (missing or
unreadable files, a malformed log, no live interpreter chosen).
"""

from __future__ import annotations

import ast as pyast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from agentspec import trajectory as tj
from agentspec.commands.common import EXIT_FAILED, EXIT_USAGE
from agentspec.syntax.strings import encode

LIVE_INTERPRETERS = ("anthropic", "openai")
INTERPRETER_ENV = "AGENTSPEC_INTERPRETER"


class RecordError(Exception):
    """Why the run cannot be recorded; ``code`` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


# ---- reading saved runs ---------------------------------------------------------------


def _trace_file_events(path: str, data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Events kept in an agentgate trace by agentspec's bridge, if any."""
    events = (data.get("metadata") or {}).get("events")
    if events is None:
        return None
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise RecordError(f"{path}: metadata.events is not a list of events", EXIT_USAGE)
    return events


def _trajectory_from_steps(path: str, data: dict[str, Any]) -> tj.Trajectory:
    """A trace from another adapter has only agentgate steps: tool calls in order, and
    ``llm:<agent>`` model calls saying whose turn it is. Calls by an agent other than
    the first one to take a turn become ``call AGENT { ... }`` blocks (one level)."""
    steps = data.get("steps")
    if not isinstance(steps, list):
        raise RecordError(f"{path}: an agentgate trace needs a list of steps", EXIT_USAGE)
    result = tj.Trajectory()
    entry: str | None = None
    agent: str | None = None
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            raise RecordError(f"{path}: step {number} is not an object", EXIT_USAGE)
        kind, name = step.get("kind"), str(step.get("name", ""))
        if kind == "llm_call":
            agent = name.split(":", 1)[1] if name.startswith("llm:") else agent
            entry = entry or agent
        elif kind == "tool_call" and name != tj.CALL_AGENT:
            args = step.get("input") or {}
            if not isinstance(args, dict):
                raise RecordError(f"{path}: step {number} ({name}) has arguments that are not an object", EXIT_USAGE)
            call = tj.ToolCall(name, args)
            if agent is None or agent == entry:
                result.steps.append(call)
            elif result.steps and isinstance(result.steps[-1], tj.AgentCall) and result.steps[-1].agent == agent:
                result.steps[-1].steps.append(call)
            else:
                result.steps.append(tj.AgentCall(agent, [call]))
        elif kind == "human_handoff" and name == "approval_decision":
            target = step.get("input") or {}
            outcome = step.get("output")
            if outcome in ("approve", "reject", "revise") and isinstance(target, dict):
                feedback = (step.get("metadata") or {}).get("feedback")
                result.answers.append(tj.Answer(str(target.get("kind")), str(target.get("target")), outcome, feedback))
    return result


def _read_trace_file(path: str) -> tuple[str | None, tj.Trajectory]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}", EXIT_USAGE) from None
    except json.JSONDecodeError as exc:
        raise RecordError(f"{path}: not a JSON trace ({exc.msg} at line {exc.lineno})", EXIT_USAGE) from None
    if not isinstance(data, dict) or "steps" not in data:
        raise RecordError(f"{path}: not an agentgate trace (no \"steps\")", EXIT_USAGE)
    events = _trace_file_events(path, data)
    try:
        trajectory = tj.from_events(events) if events is not None else _trajectory_from_steps(path, data)
    except tj.TrajectoryError as exc:
        raise RecordError(f"{path}: {exc}", EXIT_USAGE) from None
    return data.get("input") if isinstance(data.get("input"), str) else None, trajectory


def _read_event_log(path: str, scenario: str, run: int | None) -> tj.Trajectory:
    from agentspec_runtime.eventlog import EventLogError, load

    try:
        runs = load(path)
    except EventLogError as exc:
        raise RecordError(str(exc), EXIT_USAGE) from None
    named = {r.scenario for r in runs if r.scenario is not None}
    if named and scenario not in named:
        raise RecordError(
            f"{path} holds runs of {', '.join(repr(n) for n in sorted(named))}, not of scenario {scenario!r}"
        )
    runs = [r for r in runs if r.scenario in (None, scenario)]
    if run is not None:
        chosen = [r for r in runs if r.run == run]
        if not chosen:
            raise RecordError(f"{path} has no run {run} (it has runs {', '.join(str(r.run) for r in runs)})")
    else:
        chosen = [r for r in runs if r.passed is not False] or []
        if not chosen:
            raise RecordError(
                f"no run in {path} passed its expectations; pick one with --run N to record it anyway"
            )
    try:
        return tj.from_events(chosen[0].events)
    except tj.TrajectoryError as exc:
        raise RecordError(f"{path}: run {chosen[0].run}: {exc}", EXIT_USAGE) from None


def read_saved(path: str, scenario: str, run: int | None) -> tj.Trajectory:
    """The trajectory of the saved run in ``path`` (an event log or an agentgate trace)."""
    if not os.path.isfile(path):
        raise RecordError(f"no such file: {path}", EXIT_USAGE)
    if path.endswith(".json"):
        return _read_trace_file(path)[1]
    return _read_event_log(path, scenario, run)


# ---- running live ---------------------------------------------------------------------


def _test_function(test_file: Path, docstring: str) -> str | None:
    tree = pyast.parse(test_file.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, pyast.FunctionDef) and pyast.get_docstring(node) == docstring:
            return node.name
    return None


def run_live(spec: str, scenario_name: str, line: int) -> tj.Trajectory:
    """Run the scenario's generated test under the chosen live interpreter, saving its log."""
    interpreter = os.environ.get(INTERPRETER_ENV, "").strip().lower() or "scripted"
    if interpreter not in LIVE_INTERPRETERS:
        raise RecordError(
            f"recording runs the scenario against a model, but {INTERPRETER_ENV} is {interpreter!r}: "
            f"set it to {' or '.join(LIVE_INTERPRETERS)} (docs/live.md), or record a saved run with --from FILE",
            EXIT_USAGE,
        )
    # inside the working directory, so pytest finds the project's configuration (pythonpath etc.)
    work = Path(tempfile.mkdtemp(prefix=".agentspec-record-", dir="."))
    try:
        out = work / "generated"
        # a run is worth keeping: into the user's log directory if there is one
        logs = Path(os.environ.get("AGENTSPEC_EVENT_LOG") or work / "events")
        compiled = subprocess.run(
            [sys.executable, "-m", "agentspec", "compile", spec, "-o", str(out)],
            capture_output=True, text=True,
        )
        if compiled.returncode != 0:
            raise RecordError(f"cannot compile {spec}:\n{compiled.stderr.strip()}")
        tests = sorted(out.glob("test_*.py"))
        location = f"{spec}:{line}"
        docstring = f"{scenario_name} ({location})"
        found = [(t, f) for t in tests if (f := _test_function(t, docstring))]
        if not found:
            raise RecordError(f"no generated test for scenario {scenario_name!r} at {location}")
        test_file, function = found[0]
        env = dict(os.environ, AGENTSPEC_EVENT_LOG=str(logs.resolve()))
        print(f"running {scenario_name!r} with the {interpreter} interpreter ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pytest", f"{test_file}::{function}", "-q", "-p", "no:cacheprovider"],
            env=env, stdout=sys.stderr, stderr=sys.stderr,
        )
        from agentspec_runtime.eventlog import slug

        log = logs / f"{slug(scenario_name)}.jsonl"
        if not log.is_file():
            raise RecordError(f"the live run of {scenario_name!r} saved no events (see the pytest output above)")
        return _read_event_log(str(log), scenario_name, None)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- rewriting the spec ---------------------------------------------------------------


def find_scenario(spec_file: Any, name: str, path: str) -> Any:
    scenarios = spec_file.of_kind("scenario")
    for scenario in scenarios:
        if scenario.name == name:
            return scenario
    from agentspec.diagnostics import did_you_mean

    names = [s.name for s in scenarios]
    close = did_you_mean(name, names)
    listed = ", ".join(repr(n) for n in names) or "none"
    raise RecordError(f"{path} has no scenario {name!r}" + (f"; {close}" if close else f" (its scenarios: {listed})"))


def _covered(answer: tj.Answer, rules: list[Any]) -> Any:
    """The scenario's rule answering ``answer``'s approval, if any (as ApprovalScript picks)."""
    for rule in rules:
        target = rule.target
        if answer.kind == "tool" and target.kind == "tool" and target.tool.name == answer.target:
            return rule
    for rule in rules:
        target = rule.target
        if answer.kind == "plan" and target.kind == "plan" and target.plan_id == answer.target:
            return rule
    for rule in rules:
        if answer.kind == "plan" and rule.target.kind == "plan" and rule.target.plan_id is None:
            return rule
    return None


def _expand(steps: list[Any], scripts: dict[str, Any], depth: int = 0) -> list[tj.Step]:
    """A script's steps as a trajectory (named scripts inlined), to compare with a recording."""
    if depth > 50:  # the checker reports runaway script chains; here they simply never match
        raise RecordError("script calls nest too deeply")
    expanded: list[tj.Step] = []
    for step in steps:
        if step.kind == "tool":
            expanded.append(tj.ToolCall(step.tool.name, {arg.name.name: arg.value for arg in step.args}))
        elif step.kind == "say":
            if expanded and isinstance(expanded[-1], tj.Say):  # consecutive replies are one message
                expanded[-1] = tj.Say(expanded[-1].text + "\n" + step.text)
            else:
                expanded.append(tj.Say(step.text))
        else:
            inner = scripts[step.script.name].steps if step.script is not None and step.script.name in scripts else step.steps
            expanded.append(tj.AgentCall(step.agent.name, _expand(inner, scripts, depth + 1)))
    return expanded


def _same(a: list[tj.Step], b: list[tj.Step]) -> bool:
    def plain(steps: list[tj.Step]) -> list:
        return [
            ("call", s.agent, plain(s.steps))
            if isinstance(s, tj.AgentCall)
            else ("say", s.text) if isinstance(s, tj.Say) else ("tool", s.tool, s.args)
            for s in steps
        ]

    return json.dumps(plain(a), sort_keys=True) == json.dumps(plain(b), sort_keys=True)


def _already_replays(path: str, text: str, scenario: Any, recorded: tj.Trajectory) -> bool:
    """Whether the scenario as written replays exactly the recorded run (then it is left
    as written: a named script stays named, a triple-quoted reply stays triple-quoted)."""
    if recorded.text_only:
        return scenario.run is None and scenario.mock_response == recorded.text
    if scenario.run is None:
        return False
    from agentspec.loader import load

    program = load([path], overrides={path: text})
    scripts = {s.name.name: s for f in program.visible(path) for s in f.of_kind("script")}
    if scenario.run.script is not None:
        if scenario.run.script.name not in scripts:
            return False
        steps = scripts[scenario.run.script.name].steps
    else:
        steps = scenario.run.steps
    try:
        return _same(_expand(steps, scripts), recorded.steps)
    except RecordError:
        return False


def _insertion_point(text: str, scenario: Any) -> int:
    """Where a new ``run`` goes: after the scenario's last plain setting or ``given``
    (so before its approvals and expectations, as usually laid out), else first."""
    ends = [span.end for key, span in scenario.settings.items() if key not in ("run", "mock_response")]
    ends += [given.span.end for given in scenario.givens]
    if ends:
        return max(ends)
    return text.index("{", scenario.name_span.end) + 1


def _approval_lines(scenario: Any, recorded: tj.Trajectory, notes: list[str]) -> list[str]:
    """One ``on approval`` line per target the run answered: its decisions in order
    (``revise then approve``), unless the scenario already answers it."""
    from agentspec_runtime.testing.approval_script import UNANSWERED_FEEDBACK

    by_target: dict[tuple[str, str], list[tj.Answer]] = {}
    for answer in recorded.answers:
        by_target.setdefault((answer.kind, answer.target), []).append(answer)
    lines: list[str] = []
    for (kind, target), answers in by_target.items():
        if all(a.outcome == "reject" and a.feedback == UNANSWERED_FEEDBACK for a in answers):
            continue  # the replay leaves it unanswered too, with the same result
        while len(answers) > 1 and _same_answer(answers[-1], answers[-2]):
            answers = answers[:-1]  # a sequence's last decision answers every later request anyway
        rule = _covered(answers[0], scenario.approvals)
        if rule is None:
            lines.append(tj.decision_text(answers))
            continue
        written = [d.outcome for d in rule.decisions]
        taken = [a.outcome for a in answers]
        if written != taken:
            notes.append(
                f"the run answered {kind} {target!r} with {' then '.join(taken)}, but the scenario "
                f"says {' then '.join(written)} (line {rule.span.line}); kept the scenario's answers"
            )
    return lines


def _same_answer(a: tj.Answer, b: tj.Answer) -> bool:
    return (a.outcome, a.feedback) == (b.outcome, b.feedback)


def rewrite(text: str, path: str, scenario_name: str, recorded: tj.Trajectory) -> tuple[str, list[str]]:
    """The spec text with the scenario's run replaced by ``recorded``, laid out by
    ``agentspec fmt``'s engine; and notes worth showing the user."""
    from agentspec.diagnostics import render_all
    from agentspec.formatter import format_source
    from agentspec.syntax.parser import parse

    parsed = parse(text, path)
    if parsed.spec is None:
        raise RecordError(f"{path} has syntax errors; fix them first:\n{render_all(parsed.diagnostics, {path: text})}")
    scenario = find_scenario(parsed.spec, scenario_name, path)
    notes = [f"left out {call.tool}({_short(call.args)}): the harness refused the call" for call in recorded.dropped]
    if recorded.error:
        notes.append(f"the run ended with an error: {recorded.error}")

    approvals = _approval_lines(scenario, recorded, notes)
    if _already_replays(path, text, scenario, recorded) and not approvals:
        return text, notes
    old = scenario.run.span if scenario.run is not None else scenario.settings.get("mock_response")
    if old is not None:
        start, end = old.start, old.end
    else:
        start = end = _insertion_point(text, scenario)
    kept = [c.text for c in parsed.spec.comments if start <= c.span.start < end]
    if recorded.text_only:  # the model only answered: mock_response replays that exactly
        block = "\n".join([*kept, f'mock_response "{encode(recorded.text)}"'])
    else:
        block = tj.run_block(recorded.steps, comments=kept)
    addition = "\n".join([block, *approvals])
    if old is None:
        addition = "\n" + addition
    result = format_source(text[:start] + addition + text[end:], path)
    if result.text is None:  # a bug here, not in the user's spec: the text we built does not parse
        raise AssertionError("recorded spec does not parse:\n" + render_all(result.diagnostics, {}))
    return result.text, notes


def _short(args: dict[str, Any]) -> str:
    text = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in args.items())
    return text if len(text) <= 60 else text[:57] + "..."


def check_recorded(path: str, new_text: str) -> tuple[list[Any], Any]:
    """Diagnostics for the recorded spec, as ``agentspec check`` would report them."""
    from agentspec.checker import check
    from agentspec.diagnostics import sort_diagnostics
    from agentspec.loader import load

    program = load([path], overrides={path: new_text})
    return sort_diagnostics(list(program.diagnostics) + list(check(program))), program
