"""A scenario's settings, a script's steps and the decisions of ``on approval``, one entry each.

Unlike expectations (``expectations.py``), these entries carry no checker
rule or emitted code: the checker and the lowering read the scenario's node
fields directly. The entries are what the language server shows (hover over
the keyword, completion details) and what docs/language.md must show an
example of (tests/test_constructs.py).

``SCENARIO_SETTINGS`` is keyed by the setting's key as the tree builder
records it (``ScenarioDecl.statements``), ``STEPS`` by the step node's
``kind`` and ``DECISIONS`` by ``Decision.outcome``.
"""

from __future__ import annotations

from agentspec.constructs.construct import Construct

TOOL = "a tool: declared, or built in"
IMPORT = (
    'an import path, `"package.module:attribute"`, resolved on the project\'s Python path (E110 if it is not there)'
)
TARGET = 'a tool name, `plan "ID"` for one plan, or `plan` for any plan'

_SETTINGS = (
    Construct(
        kind="input",
        spellings=('input "TEXT"',),
        arguments={"TEXT": "the user's request, a string (optional: the scenario's name)"},
        summary="What the user asks: agentgate's `input`.",
        example='input "Book me the cheapest flight from SFO to NRT"',
    ),
    Construct(
        kind="via",
        spellings=("via COORDINATOR",),
        arguments={"COORDINATOR": "a coordinator in scope"},
        summary="Start the run at this coordinator (`runtime.query`); without `via` or `agent`, "
        "at the one coordinator in scope.",
        example="via front_desk",
    ),
    Construct(
        kind="agent",
        spellings=("agent AGENT",),
        arguments={"AGENT": "an agent in scope"},
        summary="Start the run at this agent directly (`runtime.run_specialist`).",
        example="agent booker",
    ),
    Construct(
        kind="timeout",
        spellings=("timeout DURATION",),
        arguments={"DURATION": "a duration such as `30s` or `500ms`"},
        summary="This scenario's timeout, also the hard limit on the stream; replaces the suite's "
        "`timeout` and `scenario_timeout` for this scenario.",
        example="timeout 30s",
    ),
    Construct(
        kind="max_steps",
        spellings=("max_steps N",),
        arguments={"N": "a whole number"},
        summary="agentgate fails the run if its trace has more than N steps.",
        example="max_steps 20",
    ),
    Construct(
        kind="max_llm_calls",
        spellings=("max_llm_calls N",),
        arguments={"N": "a whole number"},
        summary="agentgate fails the run if it has more than N model turns.",
        example="max_llm_calls 10",
    ),
    Construct(
        kind="mock_response",
        spellings=('mock_response "TEXT"',),
        arguments={"TEXT": "the answer, a string"},
        summary="Answer with this text (the testing interpreter): no script, no tools. "
        "A scenario has `mock_response` or `run`, not both.",
        example='mock_response "Hello! How can I help with your trip today?"',
    ),
    Construct(
        kind="given",
        spellings=("given TOOL returns VALUE", 'given TOOL fails "MESSAGE"', 'given TOOL handler "MODULE:FUNCTION"'),
        arguments={
            "TOOL": TOOL,
            "VALUE": "the fixture result, any value",
            "MESSAGE": "the error the tool fails with, a string",
            "MODULE:FUNCTION": f"the handler to run instead: {IMPORT}",
        },
        summary="For this scenario only, the tool returns a fixture, fails, or runs another handler "
        "(one `given` per tool).",
        example='given search_flights returns { flights: [{ id: "NH7", price: 912 }] }',
    ),
    Construct(
        kind="service",
        spellings=('service SERVICE "MODULE:FACTORY"',),
        arguments={"SERVICE": "a service the file or its imports declare (E111 if none)", "MODULE:FACTORY": IMPORT},
        summary="For this scenario only, build the declared service with another factory.",
        example='service ledger "travel_app.services:make_busy_ledger"',
    ),
    Construct(
        kind="dispatcher",
        spellings=('dispatcher "MODULE:FUNCTION"',),
        arguments={"MODULE:FUNCTION": IMPORT},
        summary="For this scenario only, use another action dispatcher (or one where the file has none).",
        example='dispatcher "inventory_app.dispatch:summary_only"',
    ),
    Construct(
        kind="runs",
        spellings=("runs N",),
        arguments={"N": "a whole number, at least 1"},
        summary="Run the scenario N times (each on a fresh runtime), instead of the suite's `runs`.",
        example="runs 3",
    ),
    Construct(
        kind="min_pass_rate",
        spellings=("min_pass_rate RATE",),
        arguments={"RATE": "a fraction between 0 and 1"},
        summary="The scenario passes when at least this share of its runs pass, instead of the suite's "
        "`min_pass_rate`.",
        example="min_pass_rate 1.0",
    ),
    Construct(
        kind="run",
        spellings=("run { STEP ... }", "run SCRIPT"),
        arguments={"STEP": "a script step: a tool call, `call AGENT ...` or `say`", "SCRIPT": "a script in scope"},
        summary="What the entry agent replays in place of a model's decisions (the scripted interpreter).",
        example="run book_cheapest",
    ),
    Construct(
        kind="on approval",
        spellings=("on approval TARGET: DECISION", "on approval TARGET: DECISION then DECISION ..."),
        arguments={
            "TARGET": TARGET,
            "DECISION": '`approve "FEEDBACK"`, `reject "FEEDBACK"` or `revise "FEEDBACK" partial VALUE` '
            "(feedback and partial optional)",
        },
        summary="How the test answers the target's approval requests: with `then`, the first request gets "
        "the first decision, the second the next, and the last decision answers every request after it. "
        "A request nothing answers is rejected and fails `no_error`.",
        example='on approval book_flight: approve "looks right"',
    ),
    Construct(
        kind="expect",
        spellings=("expect { EXPECTATION ... }",),
        arguments={"EXPECTATION": "one expectation a line (`tool_call`, `output`, `error`, `approval`, …)"},
        summary="What the run must show (may be given more than once).",
        example='expect { output contains "BK-3" }',
    ),
    Construct(
        kind="score",
        spellings=("score { SCORER ... }",),
        arguments={"SCORER": "`trajectory`, `actions`, `response` lines and the run settings (docs: Scores)"},
        summary="How the scenario is scored as an eval: a second test runs it with `run_eval_sync`.",
        example='score { response contains "how can i help" ignore_case }',
    ),
)

_STEPS = (
    Construct(
        kind="say",
        spellings=('say "TEXT"',),
        arguments={"TEXT": 'what the agent says, a string (`"""` triple-quoted too)'},
        summary="The agent's reply, as text: replies before a call are that turn's text, replies after "
        "the last call its final answer; `output` and `judge` check them. An agentspec extension of "
        'the scripted interpreter (a `{"say": "TEXT"}` item).',
        example='say "Searching SFO to NRT."',
    ),
    Construct(
        kind="call",
        spellings=("call AGENT { STEP ... }", "call AGENT SCRIPT"),
        arguments={
            "AGENT": "an agent the running coordinator routes to",
            "STEP": "a script step",
            "SCRIPT": "a script",
        },
        summary="Route to the agent, which replays the nested steps or the named script.",
        example="call booker book_cheapest",
    ),
)

_DECISIONS = (
    Construct(
        kind="approve",
        spellings=('approve "FEEDBACK"',),
        arguments={"FEEDBACK": "a string (optional)"},
        summary="Approve the request.",
        example='on approval book_flight: approve "looks right"',
    ),
    Construct(
        kind="reject",
        spellings=('reject "FEEDBACK"',),
        arguments={"FEEDBACK": "a string (optional)"},
        summary="Reject the request; the tool does not run, the plan is not executed.",
        example='on approval refund: reject "too large"',
    ),
    Construct(
        kind="revise",
        spellings=('revise "FEEDBACK" partial VALUE',),
        arguments={"FEEDBACK": "a string (optional)", "VALUE": "returned to the executor as `partial` (optional)"},
        summary="Send the plan back for revision (`{should_revise: true, partial: ...}`); the planner stores "
        "it again, and its next request takes the next decision of a `then` sequence.",
        example='on approval plan "p1": revise "order 3, not 5" partial { quantity: 3 }',
    ),
)

#: a scenario's settings, by the key ``ScenarioDecl.statements`` records
SCENARIO_SETTINGS: dict[str, Construct] = {entry.kind: entry for entry in _SETTINGS}
#: the script steps that start with a keyword, by the step node's ``kind`` (a tool call starts with its name)
STEPS: dict[str, Construct] = {entry.kind: entry for entry in _STEPS}
#: the decisions of ``on approval``, by ``Decision.outcome``
DECISIONS: dict[str, Construct] = {entry.kind: entry for entry in _DECISIONS}
