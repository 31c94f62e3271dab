"""One test per diagnostic code: the exact message, location and caret a user sees.

Each code has a small sample under tests/data/checker/codes/ (most import the
clean ``_prelude.agentspec``); the test loads it as the CLI does, runs the
checker, and compares the rendered diagnostic character for character.
Other diagnostics a sample produces are listed in ``ALSO`` so nothing extra
slips in unnoticed.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from agentspec.checker import CODES, PLAN_STATUSES, check
from agentspec.diagnostics import Diagnostic, render, sort_diagnostics
from agentspec.loader import load

DATA = Path(__file__).parent / "data" / "checker"
CODES_DIR = DATA / "codes"
REPO = Path(__file__).resolve().parent.parent


def diagnose(directory: Path, *names: str) -> tuple[list[Diagnostic], dict[str, str]]:
    """Load ``names`` (relative to ``directory``, as a user in that folder would) and check them."""
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        program = load(list(names))
        return sort_diagnostics(program.diagnostics + check(program)), dict(program.sources)
    finally:
        os.chdir(cwd)


EXPECTED = {
    "E001": (
        "E001.agentspec:1:15: error[E001]: unexpected `{`; expected `)`, `,`, `=`, `?` or `[`\n"
        "  |\n"
        "1 | tool x(a: str { }\n"
        "  |               ^"
    ),
    "E002": (
        "E002.agentspec:1:24: error[E002]: unterminated string\n"
        "  |\n"
        '1 | tool t() { description "abc }\n'
        "  |                        ^^^^^^\n"
        '  = hint: close it with `"` on the same line; use """triple quotes""" for text over several lines'
    ),
    "E003": (
        "E003.agentspec:1:28: error[E003]: invalid escape sequence `\\q`\n"
        "  |\n"
        '1 | tool t() { description "tab\\q" }\n'
        "  |                            ^^\n"
        '  = hint: valid escapes: \\" \\\\ \\/ \\n \\t \\r \\0 \\b \\f \\uXXXX \\u{X...}; write \\\\ for a backslash'
    ),
    "E004": (
        "E004.agentspec:5:27: error[E004]: invalid regular expression: missing ), unterminated subpattern\n"
        "  |\n"
        "5 |   expect { output matches /NH(\\d+/ }\n"
        "  |                           ^^^^^^^^\n"
        "  = hint: patterns use Python's `re` syntax"
    ),
    "E005": (
        "E005.agentspec:3:3: error[E005]: `description` is set twice in tool `t`\n"
        "  |\n"
        '3 |   description "two"\n'
        "  |   ^^^^^^^^^^^^^^^^^\n"
        "  = hint: it was first set on line 2; remove one of them"
    ),
    "E007": (
        'E007.agentspec:1:8: error[E007]: imported file "commn.agentspec" not found\n'
        "  |\n"
        '1 | import "commn.agentspec"\n'
        "  |        ^^^^^^^^^^^^^^^^^\n"
        "  = hint: the path is relative to ./"
    ),
    "E008": (
        "E008_b.agentspec:1:8: error[E008]: import cycle: E008.agentspec → E008_b.agentspec → E008.agentspec\n"
        "  |\n"
        '1 | import "E008.agentspec"\n'
        "  |        ^^^^^^^^^^^^^^^^\n"
        "  = hint: move what both files need into a third file that both import"
    ),
    "E101": (
        "E101.agentspec:5:23: error[E101]: unknown tool `serch_flights`\n"
        "  |\n"
        '5 |   run { call booker { serch_flights(origin: "SFO", destination: "NRT") } }\n'
        "  |                       ^^^^^^^^^^^^^\n"
        "  = hint: did you mean `search_flights`?"
    ),
    "E102": (
        "E102.agentspec:5:7: error[E102]: unknown agent `dsek`\n"
        "  |\n"
        "5 |   via dsek\n"
        "  |       ^^^^\n"
        "  = hint: did you mean `desk`?"
    ),
    "E103": (
        "E103.agentspec:3:53: error[E103]: unknown plan `Restok`\n"
        "  |\n"
        '3 | planner restocker { model "claude-sonnet-4-6"  plan Restok }\n'
        "  |                                                     ^^^^^^\n"
        "  = hint: did you mean `Restock`?"
    ),
    "E104": (
        "E104.agentspec:7:7: error[E104]: unknown script `book_cheepest`\n"
        "  |\n"
        "7 |   run book_cheepest\n"
        "  |       ^^^^^^^^^^^^^\n"
        "  = hint: did you mean `book_cheapest`?"
    ),
    "E105": (
        "E105.agentspec:3:55: error[E105]: unknown provider `antropic`\n"
        "  |\n"
        '3 | specialist helper { model "claude-haiku-4-5" provider antropic }\n'
        "  |                                                       ^^^^^^^^\n"
        "  = hint: did you mean `anthropic`?"
    ),
    "E106": (
        "E106.agentspec:5:29: error[E106]: unknown plan status `executd`\n"
        "  |\n"
        '5 |   expect { plan "p1" status executd }\n'
        "  |                             ^^^^^^^\n"
        "  = hint: did you mean `executed`?"
    ),
    "E107": (
        "E107.agentspec:9:27: error[E107]: plan `Restock` has no action `reordr`\n"
        "  |\n"
        '9 |         actions: [{ kind: "reordr", product_id: "SKU-1", quantity: 5 }]\n'
        "  |                           ^^^^^^^^\n"
        "  = hint: did you mean `reorder`?"
    ),
    "E108": (
        "E108.agentspec:9:40: error[E108]: unknown reference kind `Suplier`\n"
        "  |\n"
        '9 |                   references: [{ kind: "Suplier", id: "s1" }] }]\n'
        "  |                                        ^^^^^^^^^\n"
        "  = hint: did you mean `Supplier`?"
    ),
    "E109": (
        "E109.agentspec:5:22: error[E109]: unknown trajectory mode `subsequense`\n"
        "  |\n"
        "5 |   score { trajectory subsequense [search_flights] }\n"
        "  |                      ^^^^^^^^^^^\n"
        "  = hint: did you mean `subsequence`?"
    ),
    "E111": (
        "E111.agentspec:7:11: error[E111]: unknown service `ledgr`\n"
        "  |\n"
        '7 |   service ledgr "travel_app.services:make_busy_ledger"\n'
        "  |           ^^^^^\n"
        "  = hint: did you mean `ledger`?"
    ),
    "E201": (
        "E201.agentspec:3:18: error[E201]: unknown type `strng`\n"
        "  |\n"
        "3 | tool lookup(sku: strng) { returns {} }\n"
        "  |                  ^^^^^\n"
        "  = hint: types are str, int, float, bool, json and list[T]; add `?` for optional"
    ),
    "E202": (
        'E202.agentspec:3:36: error[E202]: default of `limit` does not match its type: expected int, got string "ten"\n'
        "  |\n"
        '3 | tool lookup(sku: str, limit: int = "ten") { returns {} }\n'
        "  |                                    ^^^^^"
    ),
    "E203": (
        "E203.agentspec:5:23: error[E203]: `search_flights` is missing required argument `destination`\n"
        "  |\n"
        '5 |   run { call booker { search_flights(origin: "SFO") } }\n'
        "  |                       ^^^^^^^^^^^^^^\n"
        "  = hint: search_flights(origin: str, destination: str, limit: int = 10, date: str?)"
    ),
    "E204": (
        "E204.agentspec:5:38: error[E204]: `search_flights` has no argument `orign`\n"
        "  |\n"
        '5 |   run { call booker { search_flights(orign: "SFO", destination: "NRT") } }\n'
        "  |                                      ^^^^^\n"
        "  = hint: did you mean `origin`?"
    ),
    "E205": (
        'E205.agentspec:5:80: error[E205]: argument `limit` of `search_flights`: expected int, got string "5"\n'
        "  |\n"
        '5 |   run { call booker { search_flights(origin: "SFO", destination: "NRT", limit: "5") } }\n'
        "  |                                                                                ^^^"
    ),
    "E206": (
        "E206.agentspec:5:53: error[E206]: argument `flight_id` is given twice\n"
        "  |\n"
        '5 |   run { call booker { book_flight(flight_id: "NH7", flight_id: "NH8") } }\n'
        "  |                                                     ^^^^^^^^^"
    ),
    "E207": (
        'E207.agentspec:9:69: error[E207]: body.actions[0].quantity: expected int, got string "5"\n'
        "  |\n"
        '9 |         actions: [{ kind: "reorder", product_id: "SKU-1", quantity: "5" }]\n'
        "  |                                                                     ^^^"
    ),
    "E208": (
        'E208.agentspec:5:44: error[E208]: `stocker` stores plans of `Restock`, not "Restok"\n'
        "  |\n"
        '5 |   run { call stocker { storePlan(specName: "Restok", planId: "p1", body: { rationale: "low", actions: [] }) } }\n'
        "  |                                            ^^^^^^^^\n"
        '  = hint: write `specName: "Restock"`'
    ),
    "E209": (
        'E209.agentspec:3:40: error[E209]: handler "travel_app.tools.refund" is not an import path\n'
        "  |\n"
        '3 | tool refund(booking_id: str) { handler "travel_app.tools.refund" }\n'
        "  |                                        ^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        '  = hint: write "package.module:attribute", e.g. "travel_app.tools:book_flight"'
    ),
    "E210": (
        "E210.agentspec:3:31: error[E210]: `min_pass_rate` is a fraction between 0 and 1, got 1.5\n"
        "  |\n"
        "3 | suite { runs 1  min_pass_rate 1.5 }\n"
        "  |                               ^^^\n"
        "  = hint: e.g. `min_pass_rate 0.9` for 90%"
    ),
    "E211": (
        "E211.agentspec:5:90: error[E211]: dispatched[0] has an unknown key `referenes`\n"
        "  |\n"
        '5 |   expect { dispatched [{ kind: "reorder", payload: { product_id: "SKU-1", quantity: 5 }, referenes: [] }] }\n'
        "  |                                                                                          ^^^^^^^^^\n"
        "  = hint: did you mean `references`?"
    ),
    "E301": (
        "E301.agentspec:3:6: error[E301]: tool `search_flights` is already defined at _prelude.agentspec:7\n"
        "  |\n"
        "3 | tool search_flights(origin: str) { returns {} }\n"
        "  |      ^^^^^^^^^^^^^^\n"
        "  = hint: rename or remove one of them"
    ),
    "E302": (
        "E302.agentspec:3:23: error[E302]: parameter `sku` is declared twice in tool `lookup`\n"
        "  |\n"
        "3 | tool lookup(sku: str, sku: int) { returns {} }\n"
        "  |                       ^^^"
    ),
    "E303": (
        'E303.agentspec:3:27: error[E303]: `helper` uses model "gpt-4o" from provider `openai`, which is not declared\n'
        "  |\n"
        '3 | specialist helper { model "gpt-4o" }\n'
        "  |                           ^^^^^^^^\n"
        '  = hint: declare it: `provider openai { api_key_env "OPENAI_API_KEY" }`'
    ),
    "E304": (
        "E304.agentspec:3:12: error[E304]: specialist `helper` has no `model`\n"
        "  |\n"
        '3 | specialist helper { prompt "Help." }\n'
        "  |            ^^^^^^\n"
        '  = hint: add e.g. `model "claude-sonnet-4-6"`'
    ),
    "E305": (
        "E305.agentspec:3:47: error[E305]: `routes` is only for coordinators; `helper` is a specialist\n"
        "  |\n"
        '3 | specialist helper { model "claude-haiku-4-5"  routes [booker] }\n'
        "  |                                               ^^^^^^\n"
        "  = hint: make it a coordinator, or list it in a coordinator's `routes`"
    ),
    "E306": (
        "E306.agentspec:3:9: error[E306]: planner `restocker` has no `plan`\n"
        "  |\n"
        '3 | planner restocker { model "claude-sonnet-4-6" }\n'
        "  |         ^^^^^^^^^\n"
        "  = hint: add `plan Restock`"
    ),
    "E307": (
        "E307.agentspec:5:3: error[E307]: tool `refund` has both `handler` and `returns`\n"
        "  |\n"
        "5 |   returns { refunded: true }\n"
        "  |   ^^^^^^^\n"
        "  = hint: a tool has one implementation: a `handler`, a fixture (`returns`) or a failure (`fails`); override it per scenario with `given`"
    ),
    "E308": (
        "E308.agentspec:5:23: error[E308]: `booker` does not have tool `cancel_booking`\n"
        "  |\n"
        '5 |   run { call booker { cancel_booking(booking_id: "B1") } }\n'
        "  |                       ^^^^^^^^^^^^^^\n"
        "  = hint: add `cancel_booking` to the `tools` of `booker` (_prelude.agentspec:22)"
    ),
    "E309": (
        "E309.agentspec:5:23: error[E309]: `executePlan` is only available to executors; `booker` is a specialist\n"
        "  |\n"
        '5 |   run { call booker { executePlan(planId: "p1") } }\n'
        "  |                       ^^^^^^^^^^^\n"
        "  = hint: call it inside `call <executor> { ... }`"
    ),
    "E310": (
        "E310.agentspec:5:28: error[E310]: `booker` cannot call `runner`: it is a specialist, and only coordinators route\n"
        "  |\n"
        '5 |   run { call booker { call runner { executePlan(planId: "p1") } } }\n'
        "  |                            ^^^^^^\n"
        "  = hint: call it from the coordinator instead"
    ),
    "E311": (
        'E311.agentspec:3:10: error[E311]: scenario "smoke" does not say where it starts, and there is no coordinator\n'
        "  |\n"
        '3 | scenario "smoke" {\n'
        "  |          ^^^^^^^\n"
        "  = hint: add `via COORDINATOR` or `agent NAME`"
    ),
    "E312": (
        "E312.agentspec:5:7: error[E312]: `via` needs a coordinator; `booker` is a specialist\n"
        "  |\n"
        "5 |   via booker\n"
        "  |       ^^^^^^\n"
        "  = hint: write `agent booker` to run it directly"
    ),
    "E313": (
        "E313.agentspec:6:3: error[E313]: a scenario starts either `via` a coordinator or at an `agent`, not both\n"
        "  |\n"
        "6 |   agent booker\n"
        "  |   ^^^^^\n"
        "  = hint: `via COORDINATOR` queries the runtime; `agent NAME` runs one agent directly"
    ),
    "E314": (
        "E314.agentspec:6:3: error[E314]: a scenario has either `mock_response` or `run`, not both\n"
        "  |\n"
        '6 |   mock_response "booked"\n'
        "  |   ^^^^^^^^^^^^^\n"
        "  = hint: `mock_response` answers with fixed text and runs no script"
    ),
    "E315": (
        "E315.agentspec:3:1: error[E315]: more than one tenant: the first is at _prelude.agentspec:3\n"
        "  |\n"
        '3 | tenant globex version "v2"\n'
        "  | ^^^^^^\n"
        "  = hint: a file and its imports describe one tenant"
    ),
    "E316": (
        "E316.agentspec:3:12: error[E316]: this file has agents but no tenant\n"
        "  |\n"
        '3 | specialist desk { model "claude-sonnet-4-6" }\n'
        "  |            ^^^^\n"
        '  = hint: declare one, e.g. `tenant acme version "v1"`, or import a file that does'
    ),
    "E317": (
        "E317.agentspec:3:6: error[E317]: `storePlan` is a built-in tool and cannot be redefined\n"
        "  |\n"
        "3 | tool storePlan(body: json) { returns {} }\n"
        "  |      ^^^^^^^^^\n"
        "  = hint: choose another name"
    ),
    "E318": (
        "E318.agentspec:3:28: error[E318]: script `again` calls itself\n"
        "  |\n"
        "3 | script again { call booker again }\n"
        "  |                            ^^^^^\n"
        "  = hint: a script that calls itself never ends; write the steps out instead"
    ),
    "E319": (
        "E319.agentspec:3:67: error[E319]: `book_flight` is listed twice in `tools` of `helper`\n"
        "  |\n"
        '3 | specialist helper { model "claude-haiku-4-5"  tools [book_flight, book_flight] }\n'
        "  |                                                                   ^^^^^^^^^^^\n"
        "  = hint: remove one of them"
    ),
    "E320": (
        "E320.agentspec:6:9: error[E320]: `search_flights` is given a fixture twice in this scenario\n"
        "  |\n"
        '6 |   given search_flights fails "down"\n'
        "  |         ^^^^^^^^^^^^^^\n"
        "  = hint: the first is on line 5; keep one"
    ),
    "E321": (
        "E321.agentspec:5:12: error[E321]: `judge` without `using` needs a model to judge, and the scripted interpreter has none\n"
        "  |\n"
        '5 |   expect { judge "The booking is confirmed politely" }\n'
        "  |            ^^^^^\n"
        '  = hint: add `using "package.module:function"` to judge with your own function, or select a live interpreter '
        "(AGENTSPEC_INTERPRETER=anthropic or openai) to have the provider's model judge; see docs/live.md"
    ),
    "E322": (
        "E322.agentspec:5:48: error[E322]: `required` does not apply to a `trajectory` line\n"
        "  |\n"
        "5 |   score { trajectory superset [search_flights] required }\n"
        "  |                                                ^^^^^^^^\n"
        "  = hint: a `trajectory` line takes `ignore`, `sub_agents`, `weight`"
    ),
    "E323": (
        "E323.agentspec:5:3: error[E323]: this score block scores nothing\n"
        "  |\n"
        "5 |   score { threshold 0.5 }\n"
        "  |   ^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = hint: add a `trajectory`, `actions` or `response` line"
    ),
    "E324": (
        "E324.agentspec:7:22: error[E324]: `actions` lines compare payloads both `exact` and `subset`\n"
        "  |\n"
        "7 |     actions executed subset [reorder]\n"
        "  |                      ^^^^^^\n"
        "  = hint: a case has one payload match for all its expected actions; use the same word on every line"
    ),
    "E325": (
        "E325.agentspec:3:13: error[E325]: coordinator `desk` has no `routes`\n"
        "  |\n"
        '3 | coordinator desk { model "claude-sonnet-4-6" }\n'
        "  |             ^^^^\n"
        "  = hint: add `routes [AGENT, ...]`: the harness requires a coordinator to route to at least one agent"
    ),
    "W101": (
        "W101.agentspec:3:12: warning[W101]: specialist `helper` is unreachable: no coordinator routes to it and no scenario starts at it\n"
        "  |\n"
        '3 | specialist helper { model "claude-haiku-4-5" }\n'
        "  |            ^^^^^^\n"
        "  = hint: add it to a coordinator's `routes`, or run it with `agent helper` in a scenario"
    ),
    "W102": (
        'W102.agentspec:3:10: warning[W102]: scenario "later" is empty\n'
        "  |\n"
        '3 | scenario "later" { }\n'
        "  |          ^^^^^^^\n"
        "  = hint: give it a `run { ... }` (or `mock_response`) and an `expect { ... }`"
    ),
    "W103": (
        'W103.agentspec:3:10: warning[W103]: scenario "book" has no expectations\n'
        "  |\n"
        '3 | scenario "book" {\n'
        "  |          ^^^^^^\n"
        "  = hint: add `expect { ... }`; without it the test passes whatever the agents do"
    ),
    "W104": (
        "W104.agentspec:3:8: warning[W104]: script `book_cheapest` is never run\n"
        "  |\n"
        '3 | script book_cheapest { search_flights(origin: "SFO", destination: "NRT") }\n'
        "  |        ^^^^^^^^^^^^^\n"
        "  = hint: run it with `run book_cheapest` or `call AGENT book_cheapest`, or remove it"
    ),
    "W105": (
        "W105.agentspec:5:15: warning[W105]: `cancel_booking` has `approval never`, so this decision is never used\n"
        "  |\n"
        "5 |   on approval cancel_booking: approve\n"
        "  |               ^^^^^^^^^^^^^^\n"
        '  = hint: give the tool `approval always` (or `approval when "module:predicate"`), or remove the decision'
    ),
    "W106": (
        'W106.agentspec:10:9: warning[W106]: `refund` has no implementation and scenario "refund" gives it no fixture, so this call fails\n'
        "   |\n"
        '10 |   run { refund(booking_id: "B1") }\n'
        "   |         ^^^^^^\n"
        "   = hint: add `given refund returns { ... }` to the scenario, or a `handler`, `returns` or `fails` to the tool (line 3)"
    ),
    "W107": (
        "W107.agentspec:7:15: warning[W107]: the script never asks for approval of `book_flight`, so this rule is never used\n"
        "  |\n"
        "7 |   on approval book_flight: approve\n"
        "  |               ^^^^^^^^^^^\n"
        "  = hint: call `book_flight` in the scenario's `run`, or remove the rule (is the tool spelled as in the script?)"
    ),
    "W108": (
        'W108.agentspec:9:48: warning[W108]: the script asks for approval of plan "p1" at most once, so this 2nd decision is never taken\n'
        "  |\n"
        '9 |   on approval plan "p1": revise "smaller" then approve\n'
        "  |                                                ^^^^^^^\n"
        '  = hint: remove the decisions after the 1st, or call `executePlan(planId: "p1")` again in the script '
        "(after a `revise`, the planner stores the plan again first)"
    ),
    "W109": (
        'W109.agentspec:9:15: warning[W109]: `on approval plan` never answers anything: every plan the script executes ("p1") has its own rule, which takes precedence\n'
        "  |\n"
        "9 |   on approval plan: reject\n"
        "  |               ^^^^\n"
        '  = hint: the rule for plan "p1" is on line 10; remove one of the two, or merge their decisions into one rule'
    ),
}

# Diagnostics a sample produces besides the one it is about (all consequences of the same mistake).
ALSO = {
    "E103": ["W101"],
    "E104": ["W104"],
    "E105": ["W101"],
    "E303": ["W101"],
    "E304": ["W101"],
    "E305": ["W101"],
    "E306": ["W101"],
    "E316": ["W101"],
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_diagnostic(code):
    diagnostics, sources = diagnose(CODES_DIR, f"{code}.agentspec")
    (ours,) = [d for d in diagnostics if d.code == code]
    assert render(ours, sources[ours.path]) == EXPECTED[code]
    assert [d.code for d in diagnostics if d.code != code] == ALSO.get(code, [])
    assert ours.severity == ("warning" if code.startswith("W") else "error")


def test_E006_file_that_is_not_utf8(tmp_path):
    (tmp_path / "bad.agentspec").write_bytes(b'tenant acme\ntool t() { description "caf\xe9" }\n')
    diagnostics, sources = diagnose(tmp_path, "bad.agentspec")
    (d,) = diagnostics
    assert render(d, sources[d.path]) == (
        "bad.agentspec:2:28: error[E006]: file is not valid UTF-8 (byte 0xe9 at offset 39)\n"
        "  = hint: save the file as UTF-8"
    )


def test_E009_nesting_deeper_than_the_limit(tmp_path):
    (tmp_path / "deep.agentspec").write_text("tool t() { returns " + "[" * 3000 + "]" * 3000 + " }\n")
    diagnostics, sources = diagnose(tmp_path, "deep.agentspec")
    (d,) = diagnostics
    assert (d.code, d.span.line, d.span.column) == ("E009", 1, 83)
    assert d.message == "brackets nested more than 64 levels deep"


def test_nesting_up_to_the_limit_is_fine(tmp_path):
    (tmp_path / "ok.agentspec").write_text("tool t() { returns " + "[" * 63 + "]" * 63 + " }\n")
    diagnostics, _ = diagnose(tmp_path, "ok.agentspec")
    assert [d.code for d in diagnostics if d.code.startswith("E0")] == []


def test_an_import_chain_longer_than_the_recursion_limit_is_no_crash(tmp_path, monkeypatch):
    n = 400
    for i in range(1, n):
        (tmp_path / f"f{i}.agentspec").write_text(f'import "f{i + 1}.agentspec"\n')
    (tmp_path / f"f{n}.agentspec").write_text('tenant t\nimport "f1.agentspec"\n')
    monkeypatch.chdir(tmp_path)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(300)  # well below the chain, well above what parsing one small file needs
    try:
        program = load(["f1.agentspec"])
    finally:
        sys.setrecursionlimit(limit)
    (d,) = program.diagnostics
    assert (d.code, d.path, d.span.line) == ("E008", f"f{n}.agentspec", 2)
    assert d.message == "import cycle: " + " → ".join([*(f"f{i}.agentspec" for i in range(1, n + 1)), "f1.agentspec"])


def test_a_chain_of_script_calls_longer_than_the_recursion_limit_is_no_crash(tmp_path):
    n = 1500  # each level once took three Python frames in the checker
    lines = ["tenant t", 'provider anthropic { api_key_env "K" }', "tool ping() { returns {} }", 'specialist a { model "claude-sonnet-4-6"  tools [ping] }']
    lines += [f"script s{i} {{ call a s{i + 1} }}" for i in range(1, n)]
    lines += [f"script s{n} {{ ping() }}", 'scenario "x" { input "x"  agent a  run s1  expect { no_error } }']
    (tmp_path / "chain.agentspec").write_text("\n".join(lines) + "\n")
    diagnostics, _ = diagnose(tmp_path, "chain.agentspec")
    # every `call a` inside a script that runs as `a` is E310; none crashes
    assert {(d.code, d.message) for d in diagnostics if d.is_error} == {("E310", "`a` cannot call itself")}


def test_every_code_has_a_test():
    # E110 (import paths on the Python path) is `agentspec check`'s: tests/test_check_imports.py
    assert set(EXPECTED) | {"E006", "E009", "E110"} == set(CODES)


def test_every_code_is_documented():
    text = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    documented = re.findall(r"^### ([EW]\d{3})\b", text, re.M)
    assert documented == sorted(CODES), "docs/diagnostics.md lists each code once, in order"
    for code, title in CODES.items():
        assert f"### {code} " in text and title in text, code


def test_plan_statuses_are_the_runtimes():
    state = pytest.importorskip("agentspec_runtime.state")
    assert PLAN_STATUSES == tuple(state.PLAN_STATUSES)


# ---- a clean spec, and many problems at once -------------------------------------------


def test_realistic_multi_file_spec_is_clean():
    diagnostics, sources = diagnose(DATA / "clean", "common.agentspec", "travel.agentspec")
    assert sorted(sources) == ["common.agentspec", "travel.agentspec"]
    assert diagnostics == []
    # travel.agentspec alone pulls in common.agentspec through its import, and is just as clean
    assert diagnose(DATA / "clean", "travel.agentspec") == ([], sources)


def test_prelude_alone_is_clean():
    assert diagnose(CODES_DIR, "_prelude.agentspec")[0] == []


def test_all_diagnostics_are_reported_together_and_sorted(tmp_path):
    files = {
        "lib.agentspec": "tenant acme\nprovider anthropic {}\ntool t(x: strng) { returns {} }\n",
        "main.agentspec": (
            'import "lib.agentspec"\n'
            'coordinator c { model "claude-sonnet-4-6" routes [helpr] }\n'
            'scenario "s" { input "x" run { t(y: 1) } }\n'
            'tool t(a: int = "no") {}\n'
        ),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    diagnostics, _ = diagnose(tmp_path, "lib.agentspec", "main.agentspec")
    assert [(d.path, d.span.line, d.span.column, d.code) for d in diagnostics] == [
        ("lib.agentspec", 3, 11, "E201"),
        ("main.agentspec", 2, 51, "E102"),
        ("main.agentspec", 3, 10, "W103"),
        ("main.agentspec", 3, 32, "E308"),
        ("main.agentspec", 3, 32, "W106"),
        ("main.agentspec", 3, 34, "E204"),
        ("main.agentspec", 4, 6, "E301"),
        ("main.agentspec", 4, 17, "E202"),
    ]
    assert diagnostics[6].message == "tool `t` is already defined at lib.agentspec:3"


def test_control_characters_from_a_spec_never_reach_the_terminal_raw(tmp_path):
    (tmp_path / "esc.agentspec").write_text('import "evil\\u001b[2J.agentspec"\n', encoding="utf-8")
    diagnostics, sources = diagnose(tmp_path, "esc.agentspec")
    (d,) = diagnostics
    shown = render(d, sources[d.path])
    assert "\x1b" not in shown
    assert 'imported file "evil\\x1b[2J.agentspec" not found' in shown


def test_the_source_line_is_counted_as_the_parser_counts_lines(tmp_path):
    # A form feed is not a line break for the parser; str.splitlines() would say it is.
    (tmp_path / "ff.agentspec").write_text("tenant acme \f\ntool t() { approval sometimes }\n", encoding="utf-8")
    diagnostics, sources = diagnose(tmp_path, "ff.agentspec")
    (d,) = diagnostics
    assert d.span.line == 2
    assert "2 | tool t() { approval sometimes }" in render(d, sources[d.path])
