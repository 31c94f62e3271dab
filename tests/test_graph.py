"""`agentspec graph SPEC`: the topology as Mermaid, DOT and SVG; the pictures in
docs/graph.md are what it prints now for every example spec."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from agentspec.cli import main

from codegen_support import PREAMBLE, REPO, run_cli, write_spec

DOC = REPO / "docs" / "graph.md"
EXAMPLES = sorted(p.name for p in (REPO / "specs").glob("*.agentspec"))


def graph(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["graph", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- the committed pictures ---------------------------------------------------------------------


def committed_pictures() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return dict(re.findall(r"^## (specs/\S+\.agentspec)\n\n```mermaid\n(.*?)^```$", text, flags=re.S | re.M))


def test_docs_show_every_example_spec() -> None:
    assert sorted(committed_pictures()) == [f"specs/{name}" for name in EXAMPLES]


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_committed_picture_is_what_graph_prints_now(name: str, monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = graph(capsys, f"specs/{name}")
    assert code == 0, err
    assert committed_pictures()[f"specs/{name}"] == out, (
        f"docs/graph.md is out of date for specs/{name}: paste the output of `agentspec graph specs/{name}`"
    )


# ---- what the graph shows -------------------------------------------------------------------------


def test_the_inventory_topology(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = graph(capsys, "specs/inventory.agentspec")
    assert code == 0
    edges = {line.strip() for line in out.splitlines() if "-->" in line}
    assert edges == {
        "agent_concierge --> tool_lookup_customer",
        "agent_executor -->|executes| plan_InventoryPlan",
        "agent_ops -->|routes| agent_executor",
        "agent_ops -->|routes| agent_planner",
        "agent_planner -->|stores| plan_InventoryPlan",
        "plan_InventoryPlan -->|actions| dispatcher",
    }
    assert '    dispatcher[/"dispatcher<br/>inventory_app.dispatch:apply_actions"/]' in out
    assert '    approval_floor>"approval floor<br/>plans always, tools never"]' in out
    assert 'agent_executor["executor<br/>executor<br/>claude-sonnet-4-6<br/>approval: plans always, tools default"]' in out
    # each role in its own group, coordinators first
    groups = re.findall(r'subgraph (\w+)\["', out)
    assert groups == ["coordinator_group", "planner_group", "executor_group", "specialist_group", "tool_group",
                      "plan_group", "runtime_group"]


def test_tools_show_their_approval_policy(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    _, out, _ = graph(capsys, "specs/travel.agentspec")
    assert 'tool_book_flight{{"book_flight<br/>approval always"}}' in out  # a human may approve: a hexagon
    assert 'tool_refund{{"refund<br/>approval when travel_app.policy:large_refund"}}' in out
    assert 'tool_search_flights(["search_flights<br/>approval never"])' in out
    assert 'tool_lookup_customer(["lookup_customer"])' in out  # imported from common.agentspec
    assert "agent_front_desk -->|routes| agent_booker" in out


SPEC = PREAMBLE + """
service mail "app.mail:make"
tool ask(q: str) { approval always  returns {} }
tool look(q: str) { returns {} }
coordinator desk { model "m \\"quoted\\" <1>" provider anthropic  routes [helper] }
specialist helper { model "claude-haiku-4-5"  tools [look, ask] }
"""


def test_the_same_spec_in_another_order_gives_the_same_graph(tmp_path: Path, monkeypatch, capsys) -> None:
    blocks = SPEC.strip().split("\n")
    write_spec(tmp_path, "a.agentspec", "\n".join(blocks) + "\n")
    write_spec(tmp_path, "b/a.agentspec", "\n".join(blocks[:2] + list(reversed(blocks[2:]))) + "\n")
    monkeypatch.chdir(tmp_path)
    for output_format in ("mermaid", "dot"):
        first = graph(capsys, "a.agentspec", "--format", output_format)[1]
        monkeypatch.chdir(tmp_path / "b")
        second = graph(capsys, "a.agentspec", "--format", output_format)[1]
        monkeypatch.chdir(tmp_path)
        assert first == second and first


def test_labels_are_escaped_for_mermaid_and_dot(tmp_path: Path, monkeypatch, capsys) -> None:
    write_spec(tmp_path, "a.agentspec", SPEC)
    monkeypatch.chdir(tmp_path)
    _, mermaid, _ = graph(capsys, "a.agentspec")
    assert 'agent_desk["desk<br/>coordinator<br/>m #quot;quoted#quot; #lt;1#gt;"]' in mermaid
    _, dot, _ = graph(capsys, "a.agentspec", "--format", "dot")
    assert 'label="desk\\ncoordinator\\nm \\"quoted\\" <1>"' in dot
    # the title is YAML front matter: quoted, so a path with `: ` or `#` stays one string
    write_spec(tmp_path, "team: #1/a.agentspec", SPEC)
    _, mermaid, _ = graph(capsys, "team: #1/a.agentspec")
    assert mermaid.startswith('---\ntitle: "team: #1/a.agentspec"\n---\nflowchart LR\n')


# ---- DOT and SVG ----------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_is_graphviz_s_drawing_of_the_dot_graph(tmp_path: Path, monkeypatch, capsys) -> None:
    write_spec(tmp_path, "a.agentspec", SPEC)
    monkeypatch.chdir(tmp_path)
    code, out, err = graph(capsys, "a.agentspec", "--format", "svg", "-o", "pictures/a.svg")
    assert (code, out) == (0, "")
    assert "wrote pictures/a.svg" in err
    svg = (tmp_path / "pictures" / "a.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in ("desk", "helper", "ask", "look", "service mail", "approval always"):
        assert f">{label}</text>" in svg, label


def test_svg_without_graphviz_says_how_to_get_it(tmp_path: Path, monkeypatch, capsys) -> None:
    write_spec(tmp_path, "a.agentspec", SPEC)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    code, out, err = graph(capsys, "a.agentspec", "--format", "svg")
    assert (code, out) == (2, "")
    assert "--format svg needs Graphviz's `dot` on PATH, and it is not installed" in err
    assert "https://graphviz.org/download/" in err
    assert "Traceback" not in err


# ---- refusals ---------------------------------------------------------------------------------------


def test_a_spec_with_errors_is_refused_with_its_diagnostics(tmp_path: Path, monkeypatch, capsys) -> None:
    write_spec(tmp_path, "a.agentspec", SPEC.replace("routes [helper]", "routes [helpr]"))
    monkeypatch.chdir(tmp_path)
    code, out, err = graph(capsys, "a.agentspec")
    assert (code, out) == (1, "")
    assert "error[E102]: unknown agent `helpr`" in err


def test_graph_draws_one_file(tmp_path: Path) -> None:
    write_spec(tmp_path, "a.agentspec", SPEC)
    done = run_cli("graph", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert "graph draws one spec file" in done.stderr
    done = run_cli("graph", "missing.agentspec", cwd=tmp_path)
    assert done.returncode == 2 and "no such file or directory: missing.agentspec" in done.stderr
