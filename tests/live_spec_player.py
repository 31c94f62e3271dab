"""A fake model that plays each generated test's own scenario, as a pytest plugin.

Load it into a live run of generated tests (``-p live_spec_player`` with this
directory on the path, ``AGENTSPEC_INTERPRETER=anthropic`` or ``openai``): it
starts a fake of each provider's HTTP API (``fake_providers``), points
``ANTHROPIC_BASE_URL`` / ``OPENAI_BASE_URL`` at them, and before each test reads
what that test's scenario scripts — the ``script=`` given to its
``RuntimeAdapter`` (the spec's ``run`` block) or its ``mock_response`` — and
plays it as model turns. The runtime, the SDKs and the generated test itself
run exactly as they would against the real provider.

How a script becomes model turns (one tool call per turn, like the scripted
interpreter):

* a conversation whose first user message is the scenario's input plays the
  scenario's script; one whose first message *is* a script (what the fake
  wrote as the ``call_agent`` prompt for a routed agent) plays that script;
* the turns are the scripted interpreter's (``plan_script``): each says the
  script's replies before its call, or — in a script without replies — the
  JSON of the previous tool result (unless it was an error), the scripted
  interpreter's echo; then it makes the call;
* replies after the last call are a final turn; after a last call, a final
  turn says the last result and ends the run; a mocked response is one turn
  saying it.

So a scenario's expectations hold live exactly when they hold scripted,
except for counts of model turns (one more per agent run: the final answer).
"""

from __future__ import annotations

import ast
import inspect
import os
from typing import Any

import pytest

from agentspec_runtime.interpreters import plan_script
from fake_providers import FakeProvider, FakeRequest, Reply, ToolUse, Turn


class ScenarioPlayer:
    """The responder: plays the current test's scenario (see the module docstring)."""

    def __init__(self) -> None:
        self.input: str | None = None
        self.script: str | None = None
        self.mock: str | None = None
        self.test: str = ""

    def load(self, test: str, input_text: str | None, script: str | None, mock: str | None) -> None:
        self.test, self.input, self.script, self.mock = test, input_text, script, mock

    def __call__(self, request: FakeRequest) -> Reply:
        if os.environ.get("LIVE_SPEC_PLAYER_NONSENSE"):  # a model that ignores the task (tests/test_live_specs.py)
            return Turn(text="I would rather talk about the weather.")
        prompt = request.first_user_text
        if prompt == self.input and self.mock is not None:
            return Turn(text=self.mock)
        source = self.script if prompt == self.input else prompt
        plan = plan_script(source or "")
        if plan is None or not plan.turns:
            return Turn(text=prompt)
        made = sum(1 for message in request.messages if message["role"] == "assistant")  # turns so far
        results = request.tool_results
        echo = ""
        if plan.echo and results and not results[-1]["is_error"]:
            echo = results[-1]["content"]
        if made < len(plan.turns):
            turn = plan.turns[made]
            text = echo or "\n".join(turn.says)  # a script echoes results or says replies, never both
            calls = (ToolUse(turn.call.tool, turn.call.args),) if turn.call is not None else ()
            return Turn(text=text, tool_calls=calls)
        return Turn(text=echo)


def scenario_of(function: Any) -> tuple[str | None, str | None, str | None]:
    """A generated test's scenario input, its script and its mocked response (evaluated in its module)."""
    tree = ast.parse(inspect.getsource(function).strip())
    module_globals = function.__globals__
    found: dict[str, Any] = {}

    def value(node: ast.expr) -> Any:
        return eval(compile(ast.Expression(node), "<generated test>", "eval"), module_globals)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if node.func.id in ("Scenario", "SpecScenario") and "input" in keywords:
            found["input"] = value(keywords["input"])
        elif node.func.id == "RuntimeAdapter" and "script" in keywords:
            found["script"] = value(keywords["script"])
        elif node.func.id == "live_or" and "testing" in keywords:
            found["mock"] = value(keywords["testing"])["mock_response"]
    return found.get("input"), found.get("script"), found.get("mock")


_player = ScenarioPlayer()
_fakes: list[FakeProvider] = []


def pytest_configure(config: Any) -> None:
    for wire in ("anthropic", "openai"):
        fake = FakeProvider(wire, _player).__enter__()
        _fakes.append(fake)
        os.environ[f"{wire.upper()}_BASE_URL"] = fake.base_url


def pytest_unconfigure(config: Any) -> None:
    for fake in _fakes:
        fake.__exit__(None, None, None)
    requests = sum(len(fake.requests) for fake in _fakes)
    statuses = sorted({status for fake in _fakes for status in fake.statuses})
    print(f"\nlive_spec_player: {requests} model requests served, statuses {statuses}")


def scenario_of_item(item: Any) -> tuple[str | None, str | None, str | None]:
    """The same three for a scenario the agentspec pytest plugin collected from a spec file
    (its lowered IR: the calls the generated test would make, evaluated in its module's names)."""
    from agentspec.codegen.execute import evaluate
    from agentspec.codegen.pyexpr import Call, Name

    scope = item.parent.namespace()
    found: dict[str, Any] = {}
    pending: list[Any] = [item.test.scenario, item.test.adapter]
    while pending:
        expr = pending.pop()
        if isinstance(expr, Call):
            keywords = {key: value for key, value in expr.kwargs if key != "**"}
            name = expr.func.id if isinstance(expr.func, Name) else None
            if name == "SpecScenario" and "input" in keywords:
                found["input"] = evaluate(keywords["input"], scope)
            elif name == "RuntimeAdapter" and "script" in keywords:
                found["script"] = evaluate(keywords["script"], scope)
            elif name == "live_or" and "testing" in keywords:
                found["mock"] = evaluate(keywords["testing"], scope)["mock_response"]
            pending += [expr.func, *expr.args, *(value for _, value in expr.kwargs)]
        elif hasattr(expr, "body"):  # a Lambda: the runtime factory
            pending.append(expr.body)
    return found.get("input"), found.get("script"), found.get("mock")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: Any) -> None:
    function = getattr(item, "function", None)
    if function is not None:
        _player.load(item.nodeid, *scenario_of(function))
    elif hasattr(item, "test") and not getattr(item, "score", True):  # a scenario of a .agentspec file
        _player.load(item.nodeid, *scenario_of_item(item))
