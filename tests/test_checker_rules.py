"""The checker's rules, case by case: what is accepted, and what is reported where.

test_checker_diagnostics.py shows one rendered example per code; this file
covers the variants of each rule (the other places a name is resolved, the
other limits of a range, conflicts across imports) and the things that must
*not* be reported.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentspec.checker import check
from agentspec.diagnostics import sort_diagnostics
from agentspec.loader import load

DATA = Path(__file__).parent / "data" / "checker"

PRELUDE = (DATA / "codes" / "_prelude.agentspec").read_text(encoding="utf-8")


def run(tmp_path: Path, files: dict[str, str], roots: list[str] | None = None):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        program = load(roots or ["main.agentspec"])
        return sort_diagnostics(program.diagnostics + check(program))
    finally:
        os.chdir(cwd)


def found(tmp_path: Path, main: str, **others: str) -> list[tuple[str, str, str]]:
    """(code, "path:line:col", message) of every diagnostic; ``main`` imports the prelude."""
    files = {"_prelude.agentspec": PRELUDE, "main.agentspec": 'import "_prelude.agentspec"\n' + main}
    files.update({name.replace("__", "/") + ".agentspec": text for name, text in others.items()})
    return [(d.code, f"{d.path}:{d.span.line}:{d.span.column}", d.message) for d in run(tmp_path, files)]


def codes(tmp_path: Path, main: str) -> list[str]:
    return [c for c, _, _ in found(tmp_path, main)]


# ---- names in every place they are used ------------------------------------------------


@pytest.mark.parametrize(
    "snippet, where",
    [
        ('scenario "s" { input "x" given serch_flights returns {} expect { no_error } }', "given"),
        ('scenario "s" { input "x" on approval bok_flight: approve expect { no_error } }', "on approval"),
        ('scenario "s" { input "x" expect { tool_call search_flights before bok_flight } }', "before"),
        ('scenario "s" { input "x" expect { tool_call search_flights after bok_flight } }', "after"),
        ('scenario "s" { input "x" expect { no_tool_call bok_flight } }', "no_tool_call"),
        ('scenario "s" { input "x" expect { tool_order [search_flights, bok_flight] } }', "tool_order"),
        ('scenario "s" { input "x" expect { no_side_effects allowed [bok_flight] } }', "allowed"),
        ('scenario "s" { input "x" expect { no_side_effects allowed [] mutating [bok_flight] } }', "mutating"),
        ('scenario "s" { input "x" expect { milestone "m" tool bok_flight } }', "milestone"),
        ('scenario "s" { input "x" expect { policy "p" forbidden_tools [bok_flight] } }', "forbidden_tools"),
        ('scenario "s" { input "x" expect { policy "p" required_tools [bok_flight] } }', "required_tools"),
        ('scenario "s" { input "x" expect { on_tool_failure bok_flight expect retry } }', "on_tool_failure"),
        ('scenario "s" { input "x" expect { approval bok_flight approved } }', "approval"),
        ('scenario "s" { input "x" expect { no_approval for bok_flight } }', "no_approval"),
    ],
)
def test_tool_names_resolve_everywhere(tmp_path, snippet, where):
    (diagnostic,) = [d for d in found(tmp_path, snippet) if d[0] == "E101"]
    assert diagnostic[2] in ("unknown tool `bok_flight`", "unknown tool `serch_flights`"), where


def test_expectations_may_name_builtin_tools(tmp_path):
    snippet = 'scenario "s" { input "x" expect { tool_call storePlan  tool_order [call_agent, executePlan] } }'
    assert codes(tmp_path, snippet) == []


def test_no_approval_without_a_tool_names_nothing_to_resolve(tmp_path):
    snippet = 'scenario "s" { input "x" expect { no_approval  no_approval for plan  no_approval for plan "p1" } }'
    assert codes(tmp_path, snippet) == []


def test_a_name_is_looked_up_among_its_own_kind(tmp_path):
    # `booker` is an agent, not a tool; the hint offers tools only.
    snippet = 'scenario "s" { input "x" expect { no_tool_call booker } }'
    assert found(tmp_path, snippet) == [("E101", "main.agentspec:2:48", "unknown tool `booker`")]


def test_imported_names_resolve_but_not_the_other_way(tmp_path):
    result = found(
        tmp_path,
        'scenario "s" { input "x" run { call booker { search_flights(origin: "a", destination: "b") } } expect { no_error } }',
        lib='tenant t\ncoordinator c2 { model "x" provider p routes [booker] }\nprovider p {}\n',
    )
    assert result == []
    # lib.agentspec cannot see main's (or the prelude's) agents: it does not import them.
    lib_only = run(
        tmp_path,
        {"lib.agentspec": 'tenant t\nprovider p {}\ncoordinator c2 { model "x" provider p routes [booker] }\n'},
        ["lib.agentspec"],
    )
    assert [(d.code, d.message) for d in lib_only] == [("E102", "unknown agent `booker`")]


# ---- scripts as the agent that runs them ---------------------------------------------


def test_top_level_steps_run_as_the_entry_agent(tmp_path):
    via = 'scenario "s" { input "x" via desk run { book_flight(flight_id: "NH7") } expect { no_error } }'
    assert found(tmp_path, via) == [("E308", "main.agentspec:2:41", "`desk` does not have tool `book_flight`")]
    agent = 'scenario "s" { input "x" agent booker run { book_flight(flight_id: "NH7") } expect { no_error } }'
    assert codes(tmp_path, agent) == []
    implicit = 'scenario "s" { input "x" run { book_flight(flight_id: "NH7") } expect { no_error } }'
    assert codes(tmp_path, implicit) == ["E308"]


def test_a_named_script_is_checked_as_each_caller(tmp_path):
    snippet = (
        'script pay { book_flight(flight_id: "NH7") }\n'
        'scenario "a" { input "x" run { call booker pay } expect { no_error } }\n'
        'scenario "b" { input "x" run { call stocker pay } expect { no_error } }\n'
    )
    assert found(tmp_path, snippet) == [("E308", "main.agentspec:2:14", "`stocker` does not have tool `book_flight`")]


def test_a_script_in_an_imported_file_is_reported_there(tmp_path):
    result = found(
        tmp_path,
        'import "lib.agentspec"\nscenario "a" { input "x" run { call stocker pay } expect { no_error } }\n',
        lib='import "_prelude.agentspec"\nscript pay { book_flight(flight_id: "NH7") }\n',
    )
    assert result == [("E308", "lib.agentspec:2:14", "`stocker` does not have tool `book_flight`")]


def test_only_coordinators_call_and_only_agents_they_route_to(tmp_path):
    snippet = (
        'specialist extra { model "claude-haiku-4-5" }\n'
        'scenario "s" { input "x" run { call extra { } } expect { no_error } }\n'
    )
    assert ("E310", "main.agentspec:3:37", "`desk` does not route to `extra`") in found(tmp_path, snippet)


def test_indirect_script_recursion(tmp_path):
    snippet = (
        "script a { call booker b }\nscript b { call booker a }\n"
        'scenario "s" { input "x" run a expect { no_error } }\n'
    )
    messages = [m for c, _, m in found(tmp_path, snippet) if c == "E318"]
    assert "script `a` calls itself (through `b`)" in messages


def test_store_plan_without_planner_context_checks_the_named_plan(tmp_path):
    snippet = (
        'script s { storePlan(specName: "Restock", planId: "p", body: { rationale: 1, actions: [] }) }\n'
        'scenario "x" { input "x" run { call stocker s } expect { no_error } }\n'
    )
    assert found(tmp_path, snippet) == [("E207", "main.agentspec:2:75", "body.rationale: expected str, got integer 1")]


@pytest.mark.parametrize(
    "body, message",
    [
        ("{ actions: [] }", "body is missing `rationale` (plan `Restock`)"),
        ('{ rationale: "r" }', "body is missing `actions` (plan `Restock`)"),
        ('{ rationale: "r", actions: [], why: 1 }', "body: plan `Restock` has no field `why`"),
        ('{ rationale: "r", actions: {} }', "body.actions must be a list of actions, got an object"),
        (
            '{ rationale: "r", actions: ["reorder"] }',
            "body.actions[0] must be an object with `kind` naming an action of plan `Restock`",
        ),
        (
            '{ rationale: "r", actions: [{ kind: "reorder", product_id: "a" }] }',
            "body.actions[0] is missing `quantity` (action `reorder`)",
        ),
        ('"not an object"', 'body must be an object with the fields of plan `Restock`, got string "not an object"'),
    ],
)
def test_plan_body_shapes(tmp_path, body, message):
    snippet = f'scenario "x" {{ input "x" run {{ call stocker {{ storePlan(specName: "Restock", planId: "p", body: {body}) }} }} expect {{ no_error }} }}\n'
    assert [(c, m) for c, _, m in found(tmp_path, snippet)] == [("E207", message)]


def test_builtins_by_role(tmp_path):
    ok = (
        'scenario "x" { input "x" run { call stocker { storePlan(specName: "Restock", planId: "p", body: { rationale: "r", actions: [] }) }\n'
        '  call runner { executePlan(planId: "p") } } expect { no_error } }\n'
    )
    assert codes(tmp_path, ok) == []
    bad = 'scenario "x" { input "x" run { call runner { storePlan(specName: "Restock", planId: "p", body: {}) } } expect { no_error } }'
    assert [m for c, _, m in found(tmp_path, bad)] == [
        "`storePlan` is only available to planners; `runner` is an executor"
    ]
    call_agent = 'scenario "x" { input "x" run { call_agent(agent: "booker") } expect { no_error } }'
    assert codes(tmp_path, call_agent) == ["E317"]


@pytest.mark.parametrize("name", ["storePlan", "getPlan", "resolveRef", "glimpseRef"])
def test_a_tool_cannot_take_a_name_the_runtime_keeps_for_its_own_tools(tmp_path, name):
    assert found(tmp_path, f"tool {name}() {{ handler \"h:x\" }}\n") == [
        ("E317", "main.agentspec:2:6", f"`{name}` is a built-in tool and cannot be redefined")
    ]


def test_the_reserved_tool_names_are_the_runtimes_built_in_tools():
    from agentspec_runtime.specs import BUILTIN_TOOLS as RUNTIME_BUILTIN_TOOLS

    from agentspec.symbols import RESERVED_TOOL_NAMES

    assert sorted(RESERVED_TOOL_NAMES) == sorted(RUNTIME_BUILTIN_TOOLS)


# ---- scenario shape ------------------------------------------------------------------------


def test_agent_must_not_be_a_coordinator(tmp_path):
    snippet = 'scenario "s" { input "x" agent desk expect { no_error } }'
    assert found(tmp_path, snippet) == [
        ("E312", "main.agentspec:2:32", "`desk` is a coordinator; start at it with `via desk`")
    ]


def test_revise_partial_is_checked_against_the_tools_arguments(tmp_path):
    snippet = 'scenario "s" { input "x" on approval book_flight: revise "no" partial { flight_id: 7, seat: "1A" } expect { no_error } }'
    assert found(tmp_path, snippet) == [
        ("E205", "main.agentspec:2:84", "argument `flight_id` of `book_flight`: expected str, got integer 7"),
        ("E204", "main.agentspec:2:87", "`book_flight` has no argument `seat`"),
    ]


def test_tool_call_expectation_arguments_are_partial(tmp_path):
    assert codes(tmp_path, 'scenario "s" { input "x" expect { tool_call search_flights(origin: "SFO") } }') == []
    assert codes(tmp_path, 'scenario "s" { input "x" expect { tool_call search_flights(origin: 1) } }') == ["E205"]


@pytest.mark.parametrize(
    "snippet, message",
    [
        ('scenario "s" { input "x" timeout 0s expect { no_error } }', "`timeout` must be longer than 0"),
        ('scenario "s" { input "x" max_steps 0 expect { no_error } }', "`max_steps` must be at least 1, got 0"),
        (
            'scenario "s" { input "x" max_llm_calls -1 expect { no_error } }',
            "`max_llm_calls` must be at least 1, got -1",
        ),
        ('scenario "s" { input "x" expect { max_duration 0ms } }', "`max_duration` must be longer than 0"),
        ('scenario "s" { input "x" expect { max_tokens -5 } }', "`max_tokens` must be at least 0, got -5"),
        (
            'scenario "s" { input "x" expect { no_repetition max_rate 1.5 } }',
            "`max_rate` is a fraction between 0 and 1, got 1.5",
        ),
        (
            'scenario "s" { input "x" expect { milestone "m" tool book_flight weight 0 } }',
            "a milestone's `weight` must be greater than 0",
        ),
        ('scenario "s" { input "x" expect { state k within 0 } }', "`within` must be at least 1, got 0"),
        ('scenario "s" { input "x" expect { tool_call book_flight order 0 } }', "`order` must be at least 1, got 0"),
        (
            'scenario "s" { input "x" expect { tool_call book_flight min_times 3 max_times 2 } }',
            "`max_times` (2) is less than `min_times` (3)",
        ),
        ("suite { runs 0 }", "`runs` must be at least 1, got 0"),
        ("suite { min_pass_rate -0.5 }", "`min_pass_rate` is a fraction between 0 and 1, got -0.5"),
        ("suite { scenario_timeout 0s }", "`scenario_timeout` must be longer than 0"),
        ("reference Supplier { name: str ttl 0s }", "`ttl` must be longer than 0"),
        ("provider local { timeout 0s }", "`timeout` must be longer than 0"),
        ("provider local { retries 11 }", "`retries` must be between 0 and 10, got 11"),
        ("provider local { retries -1 }", "`retries` must be between 0 and 10, got -1"),
        ('provider local { base_url "api.example.com" }', "`base_url` must be an http:// or https:// URL, got 'api.example.com'"),
    ],
)
def test_values_out_of_range(tmp_path, snippet, message):
    assert [(c, m) for c, _, m in found(tmp_path, snippet)] == [("E210", message)]


def test_out_of_range_caret_is_on_the_value(tmp_path):
    (diagnostic,) = found(tmp_path, 'scenario "s" { input "x" expect { max_duration 0ms } }')
    assert diagnostic[1] == "main.agentspec:2:48"


@pytest.mark.parametrize(
    "actions, message",
    [
        ('["reorder"]', "dispatched[0] must be an object with `kind` naming a plan action"),
        ('[{ kind: "reordr" }]', "no plan has an action `reordr`"),
        (
            '[{ kind: "reorder", payload: { product_id: "a", quantity: "2" } }]',
            'dispatched[0].payload.quantity: expected int, got string "2"',
        ),
        (
            '[{ kind: "reorder", payload: { product_id: "a", quantity: 2, qty: 2 } }]',
            "dispatched[0].payload: action `reorder` has no field `qty`",
        ),
    ],
)
def test_dispatched_actions(tmp_path, actions, message):
    snippet = f'scenario "s" {{ input "x" expect {{ dispatched {actions} }} }}'
    assert [m for _, _, m in found(tmp_path, snippet)] == [message]


def test_dispatched_payloads_are_complete(tmp_path):
    # The runtime compares payloads exactly, so one missing a required field can never match.
    ok = 'scenario "s" { input "x" expect { dispatched none  dispatched [{ kind: "reorder", payload: { product_id: "a", quantity: 2 } }] } }'
    assert codes(tmp_path, ok) == []
    partial = 'scenario "s" { input "x" expect { dispatched [{ kind: "reorder", payload: { quantity: 2 } }] } }'
    assert [m for _, _, m in found(tmp_path, partial)] == [
        "dispatched[0].payload is missing `product_id` (action `reorder`)"
    ]
    missing = 'scenario "s" { input "x" expect { dispatched [{ kind: "reorder" }] } }'
    assert [m for _, _, m in found(tmp_path, missing)] == [
        "dispatched[0] has no `payload`; action `reorder` always has `product_id`, `quantity`"
    ]


@pytest.mark.parametrize(
    "references, message",
    [
        ('[{ kind: "Supplier", id: "s1" }]', None),
        ('"s1"', 'body.actions[0].references must be a list of { kind, id }, got string "s1"'),
        ('[{ kind: "Supplier" }]', 'body.actions[0].references[0] must be { kind: "<reference>", id: "..." }'),
        ('[{ kind: "Vendor", id: "v" }]', "unknown reference kind `Vendor`"),
    ],
)
def test_actions_may_name_references(tmp_path, references, message):
    snippet = (
        "reference Supplier { name: str }\n"
        'scenario "x" { input "x" run { call stocker { storePlan(specName: "Restock", planId: "p", body: { rationale: "r",'
        f' actions: [{{ kind: "reorder", product_id: "a", quantity: 1, references: {references} }}] }}) }} }}'
        " expect { no_error } }\n"
    )
    assert [m for _, _, m in found(tmp_path, snippet)] == ([message] if message else [])


# ---- declarations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "decl, message",
    [
        ("tool t(x: int[str]) {}", "`int` takes no item type; only `list[T]` does"),
        ("tool t(x: list[strr]) {}", "unknown type `strr`"),
        (
            "tool t(x: list[str] = [1]) {}",
            "default of `x` does not match its type: item 0: expected str, got integer 1",
        ),
        (
            "tool t(x: str = null) {}",
            "default of `x` does not match its type: expected str, got null (only optional types such as `str?` accept null)",
        ),
        ("tool t(x: float = true) {}", "default of `x` does not match its type: expected float, got boolean true"),
    ],
)
def test_type_errors(tmp_path, decl, message):
    assert [m for _, _, m in found(tmp_path, decl)] == [message]


@pytest.mark.parametrize(
    "decl",
    [
        "tool t(x: float = 1, y: json = null, z: json = {a: [1]}, w: int? = null, v: list[int?] = [1, null]) {}",
        'tool t() { approval when "app.policy:Rules.expensive" handler "app.tools:t" }',
        'service s "a.b:c"',
    ],
)
def test_valid_declarations(tmp_path, decl):
    assert codes(tmp_path, decl) == []


@pytest.mark.parametrize(
    "decl, code",
    [
        ('tool t() { approval when "predicate" }', "E209"),
        ('service s "a.b"', "E209"),
        ('tool t() { handler "pkg.class:fn" }', "E209"),
        ('dispatcher "app.dispatch:return"', "E209"),
        ('scenario "s" { input "x" expect { judge "polite" using "judges" } }', "E209"),
        ("plan P { actions: str }", "E302"),
        ("plan P { action a { kind: str } }", "E302"),
        ("plan P { action a { references: str } }", "E302"),
        ("plan P { action a { } action a { } }", "E302"),
        ("reference R { a: str  a: int }", "E302"),
        ('tool t() { returns {}  fails "x" }', "E307"),
        (
            'specialist s { model "claude-haiku-4-5"  plan Restock }\nscenario "x" { input "x" agent s expect { no_error } }',
            "E305",
        ),
        (
            'specialist s { model "claude-haiku-4-5"  tools [storePlan] }\nscenario "x" { input "x" agent s expect { no_error } }',
            "E317",
        ),
        ('scenario "s" { input "x" given storePlan fails "x" expect { no_error } }', "E317"),
        (
            'scenario "s" { input "x" on approval book_flight: approve  on approval book_flight: reject expect { no_error } }',
            "E320",
        ),
        ('scenario "s" { input "x" on approval plan: approve  on approval plan: reject expect { no_error } }', "E320"),
        ('scenario "a" { input "x" expect { no_error } }\nscenario "a" { input "y" expect { no_error } }', "E301"),
        ('dispatcher "a.b:c"\ndispatcher "a.b:d"', "E315"),
        ("suite { runs 1 }\nsuite { runs 2 }", "E315"),
        ("approval { plans always }\napproval { tools never }", "E315"),
    ],
)
def test_structure_errors(tmp_path, decl, code):
    assert codes(tmp_path, decl) == [code]


def test_provider_inference(tmp_path):
    base = 'provider openai {{}}\nspecialist s {{ model "{model}" }}\nscenario "x" {{ input "x" agent s expect {{ no_error }} }}'
    for model in ("gpt-4o", "o1", "o3-mini", "o4-mini"):
        assert codes(tmp_path, base.format(model=model)) == [], model
    assert codes(tmp_path, base.format(model="llama-3")) == ["E303"]
    assert codes(tmp_path, base.format(model="omni")) == ["E303"]


# ---- conflicts across imports ------------------------------------------------------------------


def test_clash_between_two_imports_is_reported_at_the_import(tmp_path):
    result = found(
        tmp_path,
        'import "a.agentspec"\nimport "b.agentspec"\n',
        a="tool shared() { returns {} }\n",
        b="tool shared() { returns {} }\ntenant other\n",
    )
    assert result == [
        (
            "E301",
            "main.agentspec:3:8",
            "tool `shared` is defined both in a.agentspec:1 and in b.agentspec:1, which this file imports",
        ),
        (
            "E315",
            "main.agentspec:3:8",
            "more than one tenant among the imports: _prelude.agentspec:3 and b.agentspec:2",
        ),
    ]


def test_clash_is_reported_once_by_the_file_that_sees_both(tmp_path):
    # b imports a: the clash is b's, and main (which imports b) does not repeat it.
    result = found(
        tmp_path,
        'import "b.agentspec"\n',
        a="tool shared() { returns {} }\n",
        b='import "a.agentspec"\ntool shared() { returns {} }\n',
    )
    assert result == [("E301", "b.agentspec:2:6", "tool `shared` is already defined at a.agentspec:1")]


def test_duplicate_in_the_same_file_names_the_line(tmp_path):
    result = found(tmp_path, "tool x() { returns {} }\n\ntool x() { returns {} }\n")
    assert result == [("E301", "main.agentspec:4:6", "tool `x` is already defined at line 2")]


def test_tenant_may_come_from_an_import(tmp_path):
    assert (
        run(
            tmp_path,
            {
                "lib.agentspec": 'tenant acme version "v1"\n',
                "main.agentspec": 'import "lib.agentspec"\nscenario "s" { input "x" mock_response "m" agent nobody expect { no_error } }',
            },
        )[0].code
        == "E102"
    )


# ---- warnings --------------------------------------------------------------------------------


def test_an_agent_routed_to_from_another_file_is_reachable(tmp_path):
    files = {
        "lib.agentspec": 'tenant t\nprovider anthropic {}\nspecialist helper { model "claude-haiku-4-5" }\n',
        "main.agentspec": 'import "lib.agentspec"\ncoordinator c { model "claude-sonnet-4-6"  routes [helper] }\n',
    }
    assert run(tmp_path, files, ["lib.agentspec", "main.agentspec"]) == []
    assert [d.code for d in run(tmp_path, files, ["lib.agentspec"])] == ["W101"]


def test_a_script_used_only_by_an_unused_script_is_unused(tmp_path):
    snippet = 'script a { call booker b }\nscript b { book_flight(flight_id: "x") }\n'
    assert codes(tmp_path, snippet) == ["W104", "W104"]


@pytest.mark.parametrize(
    "extra, decision, warned",
    [
        ("", "on approval book_flight: approve", False),  # approval always
        ("", "on approval search_flights: approve", True),  # default, floor never
        ("approval { tools always }", "on approval search_flights: approve", False),  # the floor gates it
        ("approval { tools always }", "on approval cancel_booking: approve", True),  # its own `never` wins
        ("", "on approval storePlan: approve", True),  # built-ins are never gated
        ("", 'on approval plan "p1": approve', False),  # plans: floor always
        ("approval { plans never }", "on approval plan: approve", True),
    ],
)
def test_decisions_that_are_never_asked_for(tmp_path, extra, decision, warned):
    snippet = f'{extra}\nscenario "s" {{ input "x" {decision} expect {{ no_error }} }}'
    assert codes(tmp_path, snippet) == (["W105"] if warned else [])


def test_calling_the_agent_the_steps_already_run_as(tmp_path):
    snippet = 'scenario "s" { input "x" agent booker run { call booker { book_flight(flight_id: "a") } } expect { no_error } }'
    diagnostics = run(
        tmp_path, {"_prelude.agentspec": PRELUDE, "main.agentspec": 'import "_prelude.agentspec"\n' + snippet}
    )
    assert [(d.code, d.message, d.hint) for d in diagnostics] == [
        (
            "E310",
            "`booker` cannot call itself",
            "these steps already run as `booker`: write the steps without `call booker`",
        )
    ]


def test_errors_inside_a_script_name_the_call_that_ran_it(tmp_path):
    snippet = 'script pay { book_flight(flight_id: "NH7") }\n\nscenario "b" { input "x" run { call stocker pay } expect { no_error } }\n'
    diagnostics = run(
        tmp_path, {"_prelude.agentspec": PRELUDE, "main.agentspec": 'import "_prelude.agentspec"\n' + snippet}
    )
    assert [d.hint for d in diagnostics] == [
        "add `book_flight` to the `tools` of `stocker` (_prelude.agentspec:23); "
        "script `pay` runs as `stocker` from line 4"
    ]


def test_unimplemented_tools_are_fine_with_a_given_fixture(tmp_path):
    base = (
        'tool refund(id: str) {{}}\nspecialist r {{ model "claude-haiku-4-5"  tools [refund] }}\n'
        'script go {{ refund(id: "1") }}\n'
        'scenario "s" {{ input "x" agent r {given} run go expect {{ no_error }} }}\n'
    )
    assert codes(tmp_path, base.format(given="")) == ["W106"]
    assert codes(tmp_path, base.format(given="given refund returns { ok: true }")) == []
    assert codes(tmp_path, base.format(given='given refund fails "down"')) == []


def test_a_coordinator_defined_twice_is_one_duplicate_not_two_coordinators(tmp_path):
    assert codes(tmp_path, 'coordinator desk { model "claude-sonnet-4-6"  routes [booker] }') == ["E301"]


def hints(tmp_path: Path, main: str, code: str) -> list[str]:
    files = {"_prelude.agentspec": PRELUDE, "main.agentspec": 'import "_prelude.agentspec"\n' + main}
    return [d.hint for d in run(tmp_path, files) if d.code == code]


def suggested(hint: str) -> str:
    """The spec text a hint suggests (between its first pair of backticks)."""
    return hint.split("`")[1]


def test_hints_that_suggest_a_string_escape_it_as_the_parser_reads_it(tmp_path):
    from agentspec.syntax.parser import parse
    from agentspec.syntax.strings import decode

    model = 'my "odd" \\ model'  # a quote and a backslash: written unescaped, the suggestion would not parse
    written = 'my \\"odd\\" \\\\ model'
    [hint] = hints(tmp_path, f'specialist s {{ model "{written}" }}', "E303")
    assert suggested(hint) == f'model "{written}" provider NAME'
    setting = suggested(hint).replace("NAME", "anthropic")
    parsed = parse(f"specialist s {{ {setting} }}\n", "x.agentspec")
    assert parsed.diagnostics == [] and parsed.spec.declarations[0].model == model

    plan_id = 'p"1'
    [hint] = hints(
        tmp_path,
        'scenario "s" { input "x" agent runner run { } on approval plan "p\\"1": approve expect { no_error } }',
        "W107",
    )
    assert suggested(hint) == 'executePlan(planId: "p\\"1")'
    assert parse(f"script s {{ {suggested(hint)} }}\n", "x.agentspec").diagnostics == []
    assert decode(suggested(hint)[len('executePlan(planId: "') : -len('")')])[0] == plan_id
