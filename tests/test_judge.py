"""The model-backed judge: its prompt, its verdicts, and failing closed."""

from __future__ import annotations

import asyncio

import pytest
from agentgate import AgentTrace, Scenario

from agentspec_runtime.judge import (
    JUDGE_SYSTEM_PROMPT,
    judge,
    judge_request,
    model_judge,
    parse_verdict,
    unavailable_judge,
)


class FakeModel:
    """A ``complete(system, user)`` that records its calls and answers from a list."""

    def __init__(self, *replies: object) -> None:
        self.replies = list(replies)
        self.calls: list[tuple[str, str]] = []

    async def __call__(self, system: str, user: str) -> str:
        self.calls.append((system, user))
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply  # type: ignore[return-value]


def test_a_well_formed_verdict_is_read() -> None:
    verdict = parse_verdict('{"pass": true, "score": 0.9, "reason": "The booking was confirmed."}')
    assert (verdict.passed, verdict.score, verdict.reason) == (True, 0.9, "The booking was confirmed.")
    assert parse_verdict('  {"pass": false, "reason": "never booked"}\n').passed is False
    fenced = parse_verdict('```json\n{"pass": true, "score": 1, "reason": "ok"}\n```')
    assert fenced.passed and fenced.score == 1.0


@pytest.mark.parametrize(
    "reply, why",
    [
        ("Yes, it passes.", "not a JSON object"),
        ("", "not a JSON object"),
        ('{"pass": true, "reason": "ok"} and more', "not a JSON object"),
        ("[true]", "a JSON list"),
        ('{"pass": "true", "reason": "ok"}', '"pass" must be true or false'),
        ('{"pass": 1, "reason": "ok"}', '"pass" must be true or false'),
        ('{"score": 1, "reason": "ok"}', '"pass" must be true or false'),
        ('{"pass": true, "score": "high", "reason": "ok"}', '"score" must be a number'),
        ('{"pass": true, "score": true, "reason": "ok"}', '"score" must be a number'),
        ('{"pass": true, "score": 1.5, "reason": "ok"}', '"score" must be between 0 and 1'),
        ('{"pass": true, "score": 0.1, "reason": "ok"}', '"pass" is true but "score" is 0.1'),
        ('{"pass": false, "score": 0.9, "reason": "ok"}', '"pass" is false but "score" is 0.9'),
        ('{"pass": true, "score": 1}', '"reason" must be a non-empty string'),
        ('{"pass": true, "reason": "  "}', '"reason" must be a non-empty string'),
    ],
)
def test_a_malformed_verdict_fails_closed_saying_why(reply: str, why: str) -> None:
    verdict = parse_verdict(reply)
    assert verdict.passed is False
    assert why in verdict.reason
    assert "fails closed" in verdict.reason


def test_the_model_gets_the_documented_prompt_and_the_trace() -> None:
    model = FakeModel('{"pass": true, "score": 1, "reason": "confirmed"}')
    verdict = asyncio.run(judge("The booking is confirmed", "Input: book\nFinal output: BK-1", model))
    assert verdict.passed
    ((system, user),) = model.calls
    assert system == JUDGE_SYSTEM_PROMPT
    assert user == judge_request("The booking is confirmed", "Input: book\nFinal output: BK-1")
    assert "The booking is confirmed" in user and "Final output: BK-1" in user


def test_a_failing_or_slow_model_is_a_failed_verdict() -> None:
    failing = asyncio.run(judge("c", "t", FakeModel(ConnectionError("refused"))))
    assert not failing.passed and "ConnectionError: refused" in failing.reason

    async def never(system: str, user: str) -> str:
        await asyncio.sleep(3600)
        return ""

    slow = asyncio.run(judge("c", "t", never, timeout_seconds=0.01))
    assert not slow.passed and "did not answer within 0.01 s" in slow.reason


def test_agentgate_runs_the_model_judge_as_an_expectation() -> None:
    trace = AgentTrace(input="Book NH7", output="Booked BK-1")
    passing = Scenario("judged", input="Book NH7").expect_llm_judge(
        "confirms", judge_fn=model_judge(FakeModel('{"pass": true, "score": 0.8, "reason": "says BK-1"}'))
    )
    assert passing.check(trace).passed
    failing = Scenario("judged", input="Book NH7").expect_llm_judge(
        "confirms", judge_fn=model_judge(FakeModel("looks fine to me"))
    )
    result = failing.check(trace)
    assert not result.passed
    assert "malformed judge verdict" in result.expectations[0].detail


def test_inside_a_running_loop_the_judge_still_answers() -> None:
    judge_fn = model_judge(FakeModel('{"pass": false, "score": 0, "reason": "no booking"}'))

    async def from_async_code() -> tuple[bool, str]:
        return judge_fn("confirms", "Input: x")

    assert asyncio.run(from_async_code()) == (False, "no booking (score 0)")


def test_without_a_model_the_judge_fails_saying_why() -> None:
    assert unavailable_judge("needs a live interpreter")("c", "t") == (False, "needs a live interpreter")


# ---- `judge` without `using`: an error for scripted runs, the model's job in live ones -----

JUDGED_SPEC = """\
tenant acme version "v1"
provider anthropic

specialist helper {
  model "claude-haiku-4-5"
  prompt "Help."
}

scenario "helps" {
  agent helper
  mock_response "Happy to help"
  expect {
    judge "The reply offers help"
  }
}
"""


def _check(tmp_path, text: str, interpreter: str | None):
    from codegen_support import run_cli, write_spec

    write_spec(tmp_path, "judged.agentspec", text)
    env = {"AGENTSPEC_INTERPRETER": interpreter} if interpreter else {"AGENTSPEC_INTERPRETER": ""}
    return run_cli("check", "judged.agentspec", cwd=tmp_path, env=env)


def test_a_judge_without_using_is_e321_in_scripted_mode(tmp_path) -> None:
    result = _check(tmp_path, JUDGED_SPEC, None)
    assert result.returncode == 1
    assert "judged.agentspec:13:5: error[E321]: `judge` without `using` needs a model" in result.stdout
    assert "13 |     judge \"The reply offers help\"\n   |     ^^^^^\n" in result.stdout
    assert "hint: add `using \"package.module:function\"`" in result.stdout
    assert "AGENTSPEC_INTERPRETER=anthropic or openai" in result.stdout
    scripted = _check(tmp_path, JUDGED_SPEC, "scripted")
    assert scripted.returncode == 1 and "E321" in scripted.stdout


def test_a_judge_without_using_is_fine_in_live_mode_or_with_using(tmp_path) -> None:
    assert _check(tmp_path, JUDGED_SPEC, "anthropic").returncode == 0
    with_using = JUDGED_SPEC.replace('"The reply offers help"', '"The reply offers help" using "app.judges:kind"')
    (tmp_path / "app").mkdir()  # the judge must exist on the project's path (E110 otherwise)
    (tmp_path / "app" / "judges.py").write_text("def kind(trace, criteria):\n    return True\n", encoding="utf-8")
    result = _check(tmp_path, with_using, None)
    assert result.returncode == 0 and "E321" not in result.stdout


def test_compiled_for_live_mode_the_provider_judges_and_a_scripted_run_fails_saying_why(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from codegen_support import run_cli, write_spec

    write_spec(tmp_path, "judged.agentspec", JUDGED_SPEC)
    cache = {"AGENTSPEC_CACHE_DIR": str(tmp_path / "cache")}
    refused = run_cli("compile", "judged.agentspec", "-o", "out", cwd=tmp_path, env={**cache, "AGENTSPEC_INTERPRETER": ""})
    assert refused.returncode == 1 and "E321" in refused.stderr
    compiled = run_cli("compile", "judged.agentspec", "-o", "out", cwd=tmp_path, env={**cache, "AGENTSPEC_INTERPRETER": "openai"})
    assert compiled.returncode == 0, compiled.stderr
    test_code = (tmp_path / "out" / "test_judged.py").read_text(encoding="utf-8")
    assert 'judge_fn=provider_judge(build_runtime, agent="helper")' in test_code
    # the compile cache knows the mode: scripted again is refused, not answered from the live compile
    again = run_cli("compile", "judged.agentspec", "-o", "out", cwd=tmp_path, env={**cache, "AGENTSPEC_INTERPRETER": ""})
    assert again.returncode == 1 and "E321" in again.stderr

    env = {k: v for k, v in os.environ.items() if k != "AGENTSPEC_INTERPRETER"}
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "out", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert ran.returncode == 1
    assert "judge without `using` needs a model, and this run uses the scripted interpreter" in ran.stdout


# ---- provider_judge: one step of the runtime's own interpreter, as the entry agent's model -----


def _runtime_with(interpreter):
    from agentspec_runtime import create_runtime, define_coordinator, define_runtime, define_specialist, define_tenant

    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[
            define_coordinator("desk", model="claude-sonnet-4-6", routes=["helper"]),
            define_specialist("helper", model="gpt-4o-mini"),
        ],
        providers=["anthropic", "openai"],
    )
    return create_runtime(spec, interpreter=interpreter)


class JudgeModel:
    """An interpreter answering every step with ``parts``; records the requests."""

    def __init__(self, *parts, judging=None):
        from agentspec_runtime.interpreters import Interpreter

        outer = self

        class _Interpreter(Interpreter):
            name = "fake-live"

            async def next_step(self, request):
                outer.requests.append(request)
                for part in outer.parts:
                    yield part

        self.parts = parts
        self.requests = []
        self.interpreter = _Interpreter()
        if judging is not None:
            self.interpreter.for_judging = lambda: judging


def test_the_provider_judge_asks_the_entry_agents_model_through_the_runtimes_interpreter(monkeypatch) -> None:
    from agentspec_runtime.conversation import TextChunk, UserMessage
    from agentspec_runtime.judge import provider_judge

    monkeypatch.setenv("AGENTSPEC_INTERPRETER", "openai")
    model = JudgeModel(TextChunk('{"pass": true, '), TextChunk('"score": 1, "reason": "offers help"}'))
    judge_fn = provider_judge(lambda **options: _runtime_with(model.interpreter), agent="helper")
    assert judge_fn("offers help", "Input: hi\nFinal output: Happy to help") == (True, "offers help (score 1)")
    (request,) = model.requests
    assert request.model == "gpt-4o-mini" and request.provider.name == "openai"
    assert request.system == JUDGE_SYSTEM_PROMPT and request.tools == ()
    assert request.messages == [UserMessage(judge_request("offers help", "Input: hi\nFinal output: Happy to help"))]

    coordinator = JudgeModel(TextChunk('{"pass": false, "score": 0.2, "reason": "rude"}'))
    assert provider_judge(lambda **options: _runtime_with(coordinator.interpreter))("polite", "t")[0] is False
    assert coordinator.requests[0].model == "claude-sonnet-4-6"


def test_the_provider_judge_fails_closed_on_tool_calls_and_unknown_agents(monkeypatch) -> None:
    from agentspec_runtime.conversation import ToolCall
    from agentspec_runtime.judge import provider_judge

    monkeypatch.setenv("AGENTSPEC_INTERPRETER", "anthropic")
    calling = JudgeModel(ToolCall("search", {}))
    passed, reason = provider_judge(lambda **options: _runtime_with(calling.interpreter), agent="helper")("c", "t")
    assert not passed and "the judge model called a tool (search)" in reason
    passed, reason = provider_judge(lambda **options: _runtime_with(calling.interpreter), agent="ghost")("c", "t")
    assert not passed and "no agent 'ghost'" in reason


def test_an_interpreter_offering_a_judging_mode_is_asked_through_it(monkeypatch) -> None:
    from agentspec_runtime.conversation import TextChunk
    from agentspec_runtime.judge import provider_judge

    monkeypatch.setenv("AGENTSPEC_INTERPRETER", "anthropic")
    judging = JudgeModel(TextChunk('{"pass": true, "reason": "ok"}'))
    agent_steps = JudgeModel(TextChunk("not a verdict"), judging=judging.interpreter)
    assert provider_judge(lambda **options: _runtime_with(agent_steps.interpreter))("c", "t") == (True, "ok")
    assert agent_steps.requests == [] and len(judging.requests) == 1
