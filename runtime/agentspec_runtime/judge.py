"""The model-backed judge: ``judge "criteria"`` without ``using``, in live mode.

agentgate's ``expect_llm_judge`` calls ``judge_fn(criteria, trace_text)``.
:func:`model_judge` builds such a function from one async callable,
``complete(system, user) -> text``, that asks a model once — the live
provider adapters supply it, with temperature 0 — so the judge itself is
provider-free and tested with a fake.

The model gets :data:`JUDGE_SYSTEM_PROMPT` as its system prompt and
:func:`judge_request` as the user message, and must answer with one JSON
object, the verdict::

    {"pass": true, "score": 0.9, "reason": "The booking was confirmed."}

``pass`` is a boolean, ``score`` a number from 0 to 1, ``reason`` a string.
The judge fails closed: a reply that is not exactly such an object (prose, a
missing or mistyped field, a score out of range, ``pass`` contradicting the
score), a model error or a timeout is a *failed* expectation whose message says
what was wrong — never a pass, and never a crash of the run.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Awaitable, Callable

Complete = Callable[[str, str], Awaitable[str]]

JUDGE_SYSTEM_PROMPT = """\
You are a strict, impartial evaluator of an AI agent's run.
You are given the criteria the run must meet and the run's trace: the user's
input, every step the agent took (model calls, tool calls with their
arguments and results, approvals) and its final output.
Judge only from the trace. Do not assume steps that are not shown. If the
trace does not show that a criterion is met, it is not met.
Answer with exactly one JSON object and nothing else, no prose, no code fence:
{"pass": <true or false>, "score": <number from 0 to 1>, "reason": "<one or two sentences>"}
"pass" is true only if every criterion is met. "score" is how fully the
criteria are met (1 = fully). "reason" names the decisive evidence."""

JUDGE_TEMPERATURE = 0.0
DEFAULT_TIMEOUT_SECONDS = 60.0
PASS_THRESHOLD = 0.5  # a verdict whose pass disagrees with its score this way is inconsistent


def judge_request(criteria: str, trace_text: str) -> str:
    """The user message of a judge call."""
    return f"Criteria:\n{criteria}\n\nTrace:\n{trace_text}\n\nYour verdict (one JSON object):"


@dataclass(frozen=True)
class Verdict:
    passed: bool
    score: float | None
    reason: str

    def as_judge_result(self) -> tuple[bool, str]:
        """What agentgate's ``judge_fn`` returns: ``(passed, reasoning)``."""
        score = "" if self.score is None else f" (score {self.score:g})"
        return self.passed, f"{self.reason}{score}"


_FENCE = re.compile(r"\A```(?:json)?\s*\n(.*)\n```\Z", re.DOTALL)


def _failed(why: str, reply: str) -> Verdict:
    shown = reply if len(reply) <= 200 else reply[:197] + "..."
    return Verdict(False, None, f"malformed judge verdict ({why}); the judge fails closed. Reply: {shown!r}")


def parse_verdict(reply: str) -> Verdict:
    """Read a model's reply as a verdict; anything else is a failing verdict saying why."""
    text = reply.strip()
    fenced = _FENCE.match(text)  # models often fence JSON even when told not to; the content must still be exact
    if fenced:
        text = fenced.group(1).strip()
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return _failed("not a JSON object", reply)
    if not isinstance(value, dict):
        return _failed(f"a JSON {type(value).__name__}, not an object", reply)
    passed, score, reason = value.get("pass"), value.get("score"), value.get("reason")
    if not isinstance(passed, bool):
        return _failed('"pass" must be true or false', reply)
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
            return _failed('"score" must be a number', reply)
        if not 0 <= score <= 1:
            return _failed('"score" must be between 0 and 1', reply)
        if passed != (score >= PASS_THRESHOLD):
            return _failed(f'"pass" is {json.dumps(passed)} but "score" is {score:g}', reply)
    if not isinstance(reason, str) or not reason.strip():
        return _failed('"reason" must be a non-empty string', reply)
    return Verdict(passed, None if score is None else float(score), reason.strip())


async def judge(criteria: str, trace_text: str, complete: Complete, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Verdict:
    """Ask the model once; any failure of the call is a failing verdict."""
    try:
        async with asyncio.timeout(timeout_seconds):
            reply = await complete(JUDGE_SYSTEM_PROMPT, judge_request(criteria, trace_text))
    except TimeoutError:
        return Verdict(False, None, f"the judge model did not answer within {timeout_seconds:g} s")
    except Exception as exc:  # a provider failure is the expectation's failure, not the run's crash
        return Verdict(False, None, f"the judge model call failed: {type(exc).__name__}: {exc}")
    if not isinstance(reply, str):
        return Verdict(False, None, f"the judge model returned {type(reply).__name__}, not text")
    return parse_verdict(reply)


def _run(coroutine: Awaitable[Verdict]) -> Verdict:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)  # type: ignore[arg-type]
    with ThreadPoolExecutor(max_workers=1) as pool:  # inside a running loop: a private one in a worker
        return pool.submit(asyncio.run, coroutine).result()


def model_judge(complete: Complete, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Callable[[str, str], tuple[bool, str]]:
    """An agentgate ``judge_fn`` asking a model through ``complete``."""

    def judge_fn(criteria: str, trace_text: str) -> tuple[bool, str]:
        return _run(judge(criteria, trace_text, complete, timeout_seconds)).as_judge_result()

    return judge_fn


def unavailable_judge(reason: str) -> Callable[[str, str], tuple[bool, str]]:
    """A ``judge_fn`` for when no model can judge (a scripted run): it fails, saying why."""

    def judge_fn(criteria: str, trace_text: str) -> tuple[bool, str]:
        return False, reason

    return judge_fn



def provider_judge(runtime_factory: Callable[..., object], agent: str | None = None) -> Callable[[str, str], tuple[bool, str]]:
    """The ``judge_fn`` generated for ``judge "..."`` without ``using``: the model of the
    scenario's entry agent (``agent``, else the coordinator) judges, through its provider.

    Which interpreter runs is decided when the test runs (``AGENTSPEC_INTERPRETER``);
    in a scripted run there is no model, and the expectation fails saying so. In a
    live run the judge builds ``runtime_factory(interpreter=NAME)`` (the generated
    ``build_runtime``) and asks its interpreter's ``for_judging()`` mode.
    """

    def judge_fn(criteria: str, trace_text: str) -> tuple[bool, str]:
        from .live_judge import completion_for  # the live adapters, only when a model is asked

        complete, problem = completion_for(runtime_factory, agent)
        if complete is None:
            return False, problem
        return model_judge(complete)(criteria, trace_text)

    return judge_fn
