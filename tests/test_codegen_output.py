"""The shape of generated code: names, imports, inlined imports, build_runtime."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

from codegen_support import PREAMBLE, REPO, compile_here, imported, write_spec


def imports_of(path: Path) -> dict[str, str]:
    """alias -> "module:name" for every from-import of a generated module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        (a.asname or a.name): f"{node.module}:{a.name}"
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for a in node.names
    }


COLLISIONS = PREAMBLE + """
tool script(x: str) { handler "app_one.tools:run" }
tool run(x: str) { handler "app_two.tools:run" }
tool build_runtime() { handler "app_one.tools:build_runtime" }
tool returns() { returns null }
specialist RUNTIME_SPEC { model "claude-haiku-4-5"  tools [script, run, build_runtime, returns] }
scenario "judged" {
  agent RUNTIME_SPEC
  run { script(x: "a") }
  expect {
    judge "fine" using "app_one.judges:script"
    judge "also fine" using "app_two.judges:test_judge"
  }
}
"""


def test_colliding_names_get_aliases_never_shadowing(tmp_path: Path) -> None:
    write_spec(tmp_path, "c.agentspec", COLLISIONS)
    out = compile_here(tmp_path, "c.agentspec")
    runtime = imports_of(out / "c_runtime.py")
    assert runtime["run"] == "app_one.tools:run"
    assert runtime["tools_run"] == "app_two.tools:run"
    assert runtime["tools_build_runtime"] == "app_one.tools:build_runtime"
    source = (out / "c_runtime.py").read_text()
    assert "RUNTIME_SPEC_AGENT = define_specialist(" in source
    assert "RUNTIME_SPEC = define_runtime(" in source
    tests = imports_of(out / "test_c.py")
    assert tests["judges_script"] == "app_one.judges:script"
    assert tests["judges_test_judge"] == "app_two.judges:test_judge", "a test_* import would be collected by pytest"
    assert tests["script"] == "agentspec_runtime.testing.scripts:script"
    ast.parse(source)


def test_imported_spec_files_are_inlined(tmp_path: Path) -> None:
    """travel.agentspec imports common.agentspec: its runtime defines common's tools itself."""
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("common", "travel"):
        (specs / f"{name}.agentspec").write_text((REPO / f"specs/{name}.agentspec").read_text())
    out = compile_here(tmp_path, "specs/travel.agentspec")
    assert sorted(p.name for p in out.iterdir()) == ["test_travel.py", "travel_runtime.py"]
    runtime = (out / "travel_runtime.py").read_text()
    assert "LOOKUP_CUSTOMER = define_tool(" in runtime
    assert "common_runtime" not in runtime
    # compiled alone or with common.agentspec, travel's output is the same
    assert runtime == (REPO / "generated/travel_runtime.py").read_text()


def test_a_file_without_agents_generates_nothing(tmp_path: Path) -> None:
    write_spec(tmp_path, "lib.agentspec", PREAMBLE + 'tool t() { returns 1 }\n')
    out = compile_here(tmp_path, "lib.agentspec")
    assert not out.exists() or list(out.iterdir()) == []


def test_build_runtime_uses_spec_defaults_and_accepts_overrides() -> None:
    with imported(REPO / "generated", "travel_runtime") as (travel,):
        runtime = travel.build_runtime(interpreter="scripted")
        assert runtime.spec is travel.RUNTIME_SPEC
        assert sorted(a.name for a in travel.RUNTIME_SPEC.agents) == ["booker", "concierge", "front_desk"]

        async def call(name: str, args: dict) -> dict:
            async def fixed(args, ctx):
                return {"overridden": args}

            patched = travel.build_runtime(interpreter="scripted", handlers={name: fixed})
            tool = next(t for t in patched.spec.agent("booker").tools if t.name == name)
            return await tool.handler(args, None)

        assert asyncio.run(call("search_flights", {"origin": "SFO"})) == {"overridden": {"origin": "SFO"}}
        with pytest.raises(ValueError, match="no tool named 'nope'"):
            travel.build_runtime(handlers={"nope": lambda a, c: None})


def test_harness_names_come_from_the_harness_module(tmp_path: Path) -> None:
    write_spec(tmp_path, "h.agentspec", PREAMBLE + 'specialist s { model "claude-haiku-4-5" }\n')
    out = compile_here(tmp_path, "h.agentspec", extra=["--harness", "other_harness"])
    runtime = imports_of(out / "h_runtime.py")
    assert runtime["define_specialist"] == "other_harness:define_specialist"
    assert runtime["create_runtime"] == "other_harness:create_runtime"
    assert runtime["override_handlers"] == "agentspec_runtime.testing.fixtures:override_handlers"
    assert "returns" not in runtime, "no fixture is used, so none is imported"


def test_a_tool_without_an_implementation_fails_clearly(tmp_path: Path) -> None:
    write_spec(tmp_path, "u.agentspec", PREAMBLE + 'tool later() {}\nspecialist s { model "claude-haiku-4-5"  tools [later] }\n')
    out = compile_here(tmp_path, "u.agentspec")
    with imported(out, "u_runtime") as (module,):
        tool = module.RUNTIME_SPEC.agent("s").tools[0]
        with pytest.raises(Exception, match="has no implementation in the spec"):
            asyncio.run(tool.handler({}, None))


NO_APPROVAL = PREAMBLE + """
tool search(q: str) { returns { hits: 1 } }
tool book(id: str) { approval always  returns { ok: true } }
specialist desk { model "claude-haiku-4-5"  tools [search, book] }
scenario "only searches" {
  agent desk
  run { search(q: "x") }
  expect { no_approval  no_approval for book  no_approval for plan }
}
scenario "books" {
  agent desk
  run { book(id: "b1") }
  on approval book: approve
  expect { no_approval for search  no_approval for book }
}
"""


def test_no_approval_is_emitted_as_a_harness_fact_and_checks_the_run(tmp_path: Path) -> None:
    write_spec(tmp_path, "desk.agentspec", NO_APPROVAL)
    out = compile_here(tmp_path, "desk.agentspec")
    source = (out / "test_desk.py").read_text(encoding="utf-8")
    assert "scenario.expectations.append(ExpectNoApproval())" in source
    assert 'ExpectNoApproval("book", kind="tool")' in source
    assert 'ExpectNoApproval("*", kind="plan")' in source
    assert imports_of(out / "test_desk.py")["ExpectNoApproval"] == "agentspec_runtime.testing.expectations:ExpectNoApproval"
    with imported(out, "desk_runtime", "test_desk") as (_, tests):
        tests.test_only_searches()
        with pytest.raises(AssertionError) as failed:
            tests.test_books()
    report = str(failed.value)
    assert "expected no approval request for tool 'book', but the run requested 1: tool 'book'" in report
    # the scenario "books", then the failing expectation's own spot and text
    assert report.endswith("at desk.agentspec:12\n  desk.agentspec:16:36: failed: no_approval for book")


INHERITED_APPROVAL = PREAMBLE + """
tool search(q: str) { returns { hits: 1 } }
tool peek(q: str) { approval never  returns { ok: true } }
specialist desk { model "claude-haiku-4-5"  tools [search, peek]  approval { tools always } }
specialist clerk { model "claude-haiku-4-5"  tools [search] }
"""


def test_a_tool_without_its_own_approval_inherits_its_agents_through_tool_approvals(tmp_path: Path) -> None:
    # In the harness a tool's own rule (default never) beats its agent's `approval`,
    # so the inheritance the language promises is written out per agent.
    write_spec(tmp_path, "inherit.agentspec", INHERITED_APPROVAL)
    out = compile_here(tmp_path, "inherit.agentspec")
    source = (out / "inherit_runtime.py").read_text(encoding="utf-8")
    assert 'tool_approvals={"search": "always"}' in source
    with imported(out, "inherit_runtime") as (module,):
        overrides = module.RUNTIME_SPEC.approval_overrides.tools
    assert overrides["desk"] == {"search": {"kind": "always"}, "peek": {"kind": "never"}}
    assert overrides["clerk"] == {"search": {"kind": "never"}}


def test_a_unit_floor_for_tools_reaches_tools_without_their_own_approval(tmp_path: Path) -> None:
    spec = INHERITED_APPROVAL.replace("approval { tools always }", "") + "approval { tools always  plans default }\n"
    write_spec(tmp_path, "floor.agentspec", spec)
    out = compile_here(tmp_path, "floor.agentspec")
    source = (out / "floor_runtime.py").read_text(encoding="utf-8")
    assert 'approval_policies={"tools": "always"}' in source  # `default` keeps the harness default
    with imported(out, "floor_runtime") as (module,):
        overrides = module.RUNTIME_SPEC.approval_overrides.tools
    assert overrides == {"desk": {"search": {"kind": "always"}, "peek": {"kind": "never"}}, "clerk": {"search": {"kind": "always"}}}
