"""Reading a run's trajectory from its events, as a live interpreter streams them, and spelling it."""

from __future__ import annotations

import pytest

from agentspec.syntax.parser import parse
from agentspec.trajectory import AgentCall, Say, ToolCall, TrajectoryError, from_events, run_block, value_text


def call(tid: str, tool: str, args: dict) -> dict:
    return {"type": "tool-invocation", "toolInvocationId": tid, "toolName": tool, "args": args, "state": "call"}


def result(tid: str, tool: str, args: dict, value: object) -> dict:
    return {**call(tid, tool, args), "state": "result", "result": value}


def agent(name: str, state: str, tid: str) -> dict:
    return {"type": "tool-agent", "agentName": name, "state": state, "toolInvocationId": tid}


# A coordinator that talks, routes to a booker (which searches, calls a tool it lacks, books with
# approval) and then answers; ids and text as a live provider gives them.
LIVE_EVENTS = [
    {"type": "step-start"},
    {"type": "text", "text": "Let me hand this "},
    {"type": "text", "text": "to the booker."},
    call("toolu_01", "call_agent", {"agent": "booker", "prompt": "Book SFO to NRT, cheapest"}),
    agent("booker", "call", "toolu_01"),
    {"type": "step-start"},
    {"type": "text", "text": "Searching."},
    call("toolu_02", "search_flights", {"origin": "SFO", "destination": "NRT", "max_price": 1500.5}),
    result("toolu_02", "search_flights", {}, {"flights": [{"id": "NH7"}]}),
    call("toolu_03", "search_hotels", {"city": "Tokyo"}),
    result("toolu_03", "search_hotels", {}, {"error": "agent 'booker' has no tool 'search_hotels' (its tools: x)"}),
    {"type": "step-start"},
    call("toolu_04", "book_flight", {"flight_id": "NH7", "notes": "window \"seat\"\n"}),
    {"type": "approval-required", "data": {"id": "approval-1", "kind": "tool", "target": "book_flight",
                                            "payload": {}, "resourceId": "acme", "threadId": "t"}},
    {"type": "approval-decision", "data": {"id": "approval-1", "outcome": {"outcome": "approve"}, "feedback": "ok"}},
    result("toolu_04", "book_flight", {}, {"booking_id": "BK-1"}),
    {"type": "text", "text": "Booked BK-1."},
    agent("booker", "result", "toolu_01"),
    result("toolu_01", "call_agent", {}, {"agent": "booker", "text": "Booked BK-1."}),
    {"type": "step-start"},
    {"type": "text", "text": "Your flight is booked: BK-1."},
    {"type": "finish", "finishReason": "stop", "usage": {}},
]


def test_a_live_run_becomes_nested_steps_with_answers_and_the_refused_call_dropped() -> None:
    trajectory = from_events(LIVE_EVENTS)
    assert trajectory.steps == [
        Say("Let me hand this to the booker."),
        AgentCall("booker", [
            Say("Searching."),
            ToolCall("search_flights", {"origin": "SFO", "destination": "NRT", "max_price": 1500.5}, "toolu_02"),
            ToolCall("book_flight", {"flight_id": "NH7", "notes": "window \"seat\"\n"}, "toolu_04"),
            Say("Booked BK-1."),
        ]),
        Say("Your flight is booked: BK-1."),
    ]
    assert [c.tool for c in trajectory.dropped] == ["search_hotels"]
    assert [(a.kind, a.target, a.outcome, a.feedback) for a in trajectory.answers] == [("tool", "book_flight", "approve", "ok")]
    assert trajectory.text == "Let me hand this to the booker.\nYour flight is booked: BK-1."
    assert not trajectory.text_only and trajectory.error is None


def test_the_run_block_is_valid_spec_text() -> None:
    block = run_block(from_events(LIVE_EVENTS).steps)
    assert block == (
        "run {\n"
        '  say "Let me hand this to the booker."\n'
        "  call booker {\n"
        '    say "Searching."\n'
        '    search_flights(origin: "SFO", destination: "NRT", max_price: 1500.5)\n'
        '    book_flight(flight_id: "NH7", notes: "window \\"seat\\"\\n")\n'
        '    say "Booked BK-1."\n'
        "  }\n"
        '  say "Your flight is booked: BK-1."\n'
        "}"
    )
    spec = parse('scenario "s" {\n' + block + "\n}\n")
    assert spec.spec is not None and not spec.diagnostics
    (run,) = [d.run for d in spec.spec.declarations]
    assert run.steps[1].steps[2].args[1].value == 'window "seat"\n'


def test_a_route_the_harness_refused_is_dropped_and_a_text_only_run_is_noticed() -> None:
    events = [
        {"type": "step-start"},
        call("c1", "call_agent", {"agent": "nobody", "prompt": "x"}),
        result("c1", "call_agent", {}, {"error": "invalid arguments for call_agent: unknown agent"}),
        {"type": "text", "text": "Sorry, I cannot."},
    ]
    trajectory = from_events(events)
    assert trajectory.steps == [Say("Sorry, I cannot.")] and [c.tool for c in trajectory.dropped] == ["call_agent"]
    assert not trajectory.text_only  # it tried a call: not a plain answer
    plain = from_events([{"type": "step-start"}, {"type": "text", "text": "Hello"}])
    assert plain.text_only and plain.text == "Hello"


def test_the_scripted_interpreters_echo_of_a_result_is_not_a_reply() -> None:
    events = [
        {"type": "step-start"},
        call("s1", "search", {"q": "x"}),
        result("s1", "search", {"q": "x"}, {"hits": ["東京"]}),
        {"type": "text", "text": '{"hits": ["東京"]}'},  # the echo: exactly the result's JSON, right after it
        {"type": "step-start"},
        {"type": "text", "text": '{"hits": ["東京"]}'},  # the same text in a later turn: said
    ]
    assert from_events(events).steps == [ToolCall("search", {"q": "x"}, "s1"), Say('{"hits": ["東京"]}')]


@pytest.mark.parametrize(
    "value, spelled",
    [
        (None, "null"), (True, "true"), (False, "false"), (3, "3"), (-2, "-2"), (20.0, "20.0"), (1e-05, "1e-05"),
        ("東京 ✈", '"東京 ✈"'), ("tab\there", '"tab\\there"'), ([1, [2]], "[1, [2]]"), ({}, "{}"),
        ({"a": 1, "key with space": {"b": None}}, '{ a: 1, "key with space": { b: null } }'),
    ],
)
def test_values_are_spelled_as_the_parser_reads_them(value: object, spelled: str) -> None:
    assert value_text(value) == spelled
    parsed = parse(f"tool t() {{ returns {spelled} }}\n")
    assert parsed.spec is not None and not parsed.diagnostics
    assert parsed.spec.declarations[0].returns == value


def test_values_and_events_that_cannot_be_written_are_errors() -> None:
    with pytest.raises(TrajectoryError, match="no spelling"):
        value_text(float("nan"))
    with pytest.raises(TrajectoryError, match="starts without a call_agent call"):
        from_events([agent("booker", "call", "x")])
    with pytest.raises(TrajectoryError, match="never requested"):
        from_events([{"type": "approval-decision", "data": {"id": "a9", "outcome": {"outcome": "approve"}}}])
    with pytest.raises(TrajectoryError, match="cannot be written"):
        run_block([ToolCall("bad-name", {})])
