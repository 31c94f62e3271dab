"""Any string survives spec → generated code → import unchanged.

A spec string is embedded in the output as a Python literal (never pasted
into code), so quotes, backslashes, newlines, ``{{``/``}}`` (Jinja's own
syntax), ``#`` and any unicode come back exactly. Hypothesis writes random
strings into every place a spec carries text — a tool description, a fixture
value and key, an agent prompt, a scenario name, input and mock response, a
scripted argument — compiles, imports both generated modules, compares, and
runs the generated tests (which pass only if the runtime sees the same text).
"""

from __future__ import annotations

import ast
import asyncio
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentspec.cli import main
from codegen_support import PREAMBLE, imported, spec_string

TRICKY = ['"', "'", "\\", "\n", "\r", "\t", "{{", "}}", "{%", "%}", '"""', "'''", "#", "\x00", "\u2028", "é", "東京", "✈", "\U0001F600", " ", "\\n", "${x}", "')", '")']

text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.lists(st.sampled_from(TRICKY), max_size=12).map("".join),
    st.tuples(st.text(max_size=10), st.sampled_from(TRICKY), st.text(max_size=10)).map("".join),
)


def spec_with(value: str) -> str:
    s = spec_string(value)
    return PREAMBLE + f"""
tool echo(value: str) {{
  description {s}
  returns {{ text: {s}, {s}: [1, {s}, {{ nested: {s} }}] }}
}}

specialist speaker {{
  model "claude-haiku-4-5"
  prompt {s}
  tools [echo]
}}

scenario {s} {{
  input {s}
  agent speaker
  mock_response {s}
  expect {{ output contains {s} }}
}}

scenario "scripted" {{
  agent speaker
  run {{ echo(value: {s}) }}
  expect {{ tool_call echo(value: {s}) }}
}}
"""


def _keyword(call: ast.Call, name: str):
    return next(ast.literal_eval(k.value) for k in call.keywords if k.arg == name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=text)
def test_strings_survive_compilation(tmp_path_factory, value: str) -> None:
    work = tmp_path_factory.mktemp("strings")
    (work / "s.agentspec").write_text(spec_with(value), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(work)
    try:
        assert main(["compile", "s.agentspec", "-o", "out"]) == 0
    finally:
        os.chdir(cwd)
    out = work / "out"

    with imported(out, "s_runtime", "test_s") as (runtime, tests):
        tool = runtime.RUNTIME_SPEC.agent("speaker").tools[0]
        assert tool.description == value
        # the agent as defined (define_runtime then adds its `# Tools` table to the prompt)
        assert runtime.SPEAKER.system_prompt == value
        fixture = asyncio.run(tool.handler({"value": "x"}, None))
        assert fixture == {"text": value, value: [1, value, {"nested": value}]}

        # the scenario's name, input and mock response, read back from the test module's literals
        tree = ast.parse((out / "test_s.py").read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        scenario = next(c for c in calls if c.func.id == "SpecScenario")
        assert ast.literal_eval(scenario.args[0]) == value
        assert _keyword(scenario, "input") == value
        mode = next(c for c in calls if c.func.id == "live_or" and c.keywords and c.keywords[0].arg == "testing")
        assert _keyword(mode, "testing") == {"mock_response": value}

        # and the runtime sees exactly the same text: both generated tests pass
        test_functions = [getattr(tests, name) for name in dir(tests) if name.startswith("test_")]
        assert len(test_functions) == 2
        for test in test_functions:
            test()


def test_spec_string_helper_round_trips_through_the_parser() -> None:
    from agentspec.syntax.parser import parse

    value = 'a"b\\c\nd\te\x00f\u2028g東'
    result = parse(f"tenant {spec_string(value)}", "t.agentspec")
    assert result.diagnostics == []
    assert result.spec.declarations[0].name == value
