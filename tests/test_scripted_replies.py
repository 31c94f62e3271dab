"""`say "..."`: a script step for what the agent says, so `output` checks an answer.

The runtime's scripted interpreter turns replies into the text of model turns
(before a call: that call's turn; after the last call: a final turn) and stops
echoing tool results; the compiler checks, generates and formats `say`;
`agentspec record` writes what a model said as `say` steps, and a recorded
reply replays.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agentspec import record
from agentspec import trajectory as tj
from agentspec.cli import main
from agentspec.formatter import format_source
from agentspec_runtime import create_runtime, define_runtime, define_specialist, define_tenant, define_tool
from agentspec_runtime.testing import RuntimeAdapter, events_to_trace, say, script, tool_call
from codegen_support import PREAMBLE, compile_here, imported, write_spec


def _runtime():
    @define_tool("lookup", {"q": str})
    async def lookup(args, ctx):
        return {"hits": 2}

    spec = define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[define_specialist("desk", model="claude-haiku-4-5", prompt="Answer.", tools=[lookup])],
        providers=["anthropic"],
    )
    return create_runtime(spec, interpreter="scripted")


def _events(prompt: str) -> list[dict]:
    async def collect() -> list[dict]:
        return [e async for e in _runtime().run_specialist("desk", prompt, thread_id="t")]

    return asyncio.run(collect())


def _shape(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        if e["type"] == "text":
            out.append(f"text {e['text']!r}")
        elif e["type"] == "tool-invocation":
            out.append(f"{e['state']} {e['toolName']}")
        elif e["type"] in ("step-start", "finish", "error"):
            out.append(e["type"])
    return out


# ---- the runtime ----------------------------------------------------------------------------------


def test_replies_are_the_text_of_the_turns_they_precede_and_results_are_not_echoed() -> None:
    events = _events(script(say("Let me look."), tool_call("lookup", {"q": "a"}), tool_call("lookup", {"q": "b"}),
                            say("Found 2."), say("Anything else?")))
    assert _shape(events) == [
        "step-start", "text 'Let me look.'", "call lookup", "result lookup",  # turn 1: words, then the call
        "step-start", "call lookup", "result lookup",  # turn 2: no words, and no echo of the result
        "step-start", "text 'Found 2.\\nAnything else?'",  # the final turn: no call, so the run ends
        "finish",
    ]
    assert events_to_trace(events, input="x").output == "Let me look.\nFound 2.\nAnything else?"


def test_a_script_without_replies_still_echoes_each_result() -> None:
    events = _events(script(tool_call("lookup", {"q": "a"})))
    assert _shape(events) == ["step-start", "call lookup", "result lookup", 'text \'{"hits": 2}\'', "finish"]


def test_a_reply_only_script_is_one_turn_of_text() -> None:
    events = _events(script(say("Hello! How can I help?")))
    assert _shape(events) == ["step-start", "text 'Hello! How can I help?'", "finish"]


@pytest.mark.parametrize(
    "item, message",
    [
        ({"say": 3}, "malformed script: script[0] 'say' must be a string, got 3"),
        ({"say": "x", "tool": "lookup"}, "malformed script: script[0] has unexpected key 'tool' (a reply has only 'say')"),
    ],
)
def test_a_malformed_reply_is_an_invalid_script_error(item: dict, message: str) -> None:
    events = _events(json.dumps({"script": [item]}))
    (error,) = [e for e in events if e["type"] == "error"]
    assert error["error"] == {"message": message, "code": "invalid_script"}
    assert not [e for e in events if e["type"] == "tool-invocation"]


# ---- the language ---------------------------------------------------------------------------------

DESK = PREAMBLE + """
tool search_flights(origin: str) { returns { flights: [{ id: "NH7", price: 912 }] } }
tool book_flight(flight_id: str) { approval always  returns { booking_id: "BK-1" } }
coordinator front { model "claude-haiku-4-5"  routes [booker] }
specialist booker { model "claude-haiku-4-5"  tools [search_flights, book_flight] }
script book_nh7 {
  search_flights(origin: "SFO")
  book_flight(flight_id: "NH7")
  say \"\"\"
    Booked NH7 for Tuesday.
  \"\"\"
}
scenario "the answer is checked, not the JSON" {
  run {
    say "One moment."
    call booker book_nh7
    say "You are on NH7 on Tuesday (BK-1)."
  }
  on approval book_flight: approve
  expect {
    output matches /^One moment\\.\\nBooked NH7 for Tuesday\\.\\nYou are on NH7 on Tuesday \\(BK-1\\)\\.$/
    output not_contains "price"
  }
}
scenario "a wrong answer fails at its line" {
  run { call booker book_nh7 }
  on approval book_flight: approve
  expect { output contains "Wednesday" }
}
"""


def test_say_compiles_to_the_runtime_reply_and_output_checks_the_answer(tmp_path: Path) -> None:
    write_spec(tmp_path, "desk.agentspec", DESK)
    assert main(["check", str(tmp_path / "desk.agentspec")]) == 0
    out = compile_here(tmp_path, "desk.agentspec")
    source = (out / "test_desk.py").read_text(encoding="utf-8")
    assert 'say("Booked NH7 for Tuesday.")' in source and 'say("One moment.")' in source
    assert "from agentspec_runtime.testing.scripts import agent_call, say, script, tool_call" in source
    with imported(out, "desk_runtime", "test_desk") as (_, tests):
        tests.test_the_answer_is_checked_not_the_json()
        with pytest.raises(AssertionError) as failed:
            tests.test_a_wrong_answer_fails_at_its_line()
    report = str(failed.value)
    # the booker's reply; the desk's script says nothing, so it echoes call_agent's result as before
    assert "Output missing 'Wednesday'. Got: Booked NH7 for Tuesday.\n{\"agent\": \"booker\"" in report
    assert report.endswith('desk.agentspec:30:12: failed: output contains "Wednesday"')


def test_fmt_keeps_say_as_a_step_of_its_own() -> None:
    text = 'script s {  say   "hi"  lookup(q: "x")   say """\n  done\n""" }\n'
    assert format_source(text, "s.agentspec").text == (
        'script s {\n  say "hi"\n  lookup(q: "x")\n  say """\n    done\n  """\n}\n'
    )


# ---- record ---------------------------------------------------------------------------------------


def test_what_the_model_said_is_recorded_as_say_steps_and_replays_unchanged(tmp_path: Path) -> None:
    write_spec(tmp_path, "desk.agentspec", DESK)
    out = compile_here(tmp_path, "desk.agentspec")
    with imported(out, "desk_runtime", "test_desk") as (runtime, tests):
        adapter = RuntimeAdapter(
            lambda: runtime.build_runtime(interpreter="scripted"),
            script=script(say("One moment."), tool_call("call_agent", {"agent": "booker", "prompt": tests.BOOK_NH7})),
            approvals=tests.ApprovalScript(tools={"book_flight": tests.ApprovalAnswer("approve")}),
        )
        events = adapter.run("x").metadata["events"]
    recorded = tj.from_events(events)
    spec_text = (tmp_path / "desk.agentspec").read_text(encoding="utf-8")
    new_text, notes = record.rewrite(spec_text, "desk.agentspec", "a wrong answer fails at its line", recorded)
    assert notes == []
    assert (
        "  run {\n"
        '    say "One moment."\n'
        "    call booker {\n"
        '      search_flights(origin: "SFO")\n'
        '      book_flight(flight_id: "NH7")\n'
        '      say "Booked NH7 for Tuesday."\n'
        "    }\n"
        "  }\n"
    ) in new_text
    # recorded once more, the scenario already replays that run: nothing changes
    again, _ = record.rewrite(new_text, "desk.agentspec", "a wrong answer fails at its line", recorded)
    assert again == new_text


@pytest.mark.slow
def test_completion_offers_say_among_the_steps_of_a_run() -> None:
    from lsp_support import TRAVEL, complete_at, in_travel, keywords, lsp_server

    with lsp_server(debounce_ms=0) as client:
        items = complete_at(client, TRAVEL, in_travel('scenario "s" {\n  run {\n    '))
    assert {"say", "call"} <= keywords(items)


def test_the_judge_reads_the_answer_and_fails_when_an_agent_only_echoes_json(tmp_path: Path) -> None:
    from codegen_support import REPO

    spec = (REPO / "specs" / "procurement.agentspec").read_text(encoding="utf-8")
    silent_buyer = "\n".join(line for line in spec.splitlines() if not line.startswith('  say "Stored')) + "\n"
    assert silent_buyer.count("say ") == spec.count("say ") - 2
    (tmp_path / "common.agentspec").write_text((REPO / "specs" / "common.agentspec").read_text(encoding="utf-8"))
    for name, text in (("says.agentspec", spec), ("silent.agentspec", silent_buyer)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    compile_here(tmp_path, "says.agentspec", "silent.agentspec")
    scenario = "test_a_purchase_plan_is_revised_stored_again_then_approved_and_ordered"
    with imported(tmp_path / "out", "says_runtime", "test_says") as (_, tests):
        getattr(tests, scenario)()  # every agent answers in words: the judge passes
    with imported(tmp_path / "out", "silent_runtime", "test_silent") as (_, tests):
        with pytest.raises(AssertionError) as failed:
            getattr(tests, scenario)()
    # the buyer's scripts say nothing, so its tool results are echoed into the output
    assert "LLM judge failed: the answer is tool-result JSON, not words" in str(failed.value)
