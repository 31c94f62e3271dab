"""Quick fixes, related locations and documentation links from the language
server, end to end: a spawned `agentspec lsp` offers the fix each diagnostic
carries as a code action; applying the action's edits (as an editor would)
makes the diagnostic go away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentspec.checker.codes import CODES, REFERENCE_URL, anchor
from lsp_support import TRAVEL, apply_edits, position_of, server_fixture, uri, workspace_fixture

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parent.parent / "docs" / "diagnostics.md"

COMMON = """\
tenant acme version "v1"

tool search_flights(origin: str, destination: str) {
  returns { flights: [] }
}

tool book_flight(flight_id: str) {
  returns { booking_id: "B1" }
}

specialist booker {
  model "claude-haiku-4-5"
  tools [search_flights]
}
"""

MAIN = """\
import "common.agentspec"

scenario "books" {
  input "Book it"
  agent booker
  run {
    search_flights(origin: "SFO", destination: "NRT")
    book_flight(flight_id: "NH7")
  }
  expect {
    no_error
  }
}
"""


workspace = workspace_fixture({"common.agentspec": COMMON, "main.agentspec": MAIN})
client = server_fixture(scope="function", in_workspace=True)


def _actions_for(client, doc, diagnostic) -> list[dict]:
    r = diagnostic["range"]
    start, end = (r["start"]["line"], r["start"]["character"]), (r["end"]["line"], r["end"]["character"])
    return [a for a in client.code_actions(doc, start, end, [diagnostic]) if a["diagnostics"][0]["code"] == diagnostic["code"]]


def _fix(client, path: Path, text: str, code: str) -> tuple[dict, dict]:
    """Open ``text`` as ``path``; the diagnostic ``code`` and its one quick fix."""
    doc = client.open(path, text)
    diagnostics = client.wait_diagnostics(doc, version=1)
    (diagnostic,) = [d for d in diagnostics if d["code"] == code]
    (action,) = _actions_for(client, doc, diagnostic)
    assert action["kind"] == "quickfix"
    return diagnostic, action


def _recheck(client, doc: str, text: str) -> list[dict]:
    version = client.change(doc, text)
    return client.wait_diagnostics(doc, version=version)


def test_did_you_mean_is_offered_and_fixes_the_name(client, workspace):
    text = MAIN.replace("agent booker", "agent bokker")
    diagnostic, action = _fix(client, workspace / "main.agentspec", text, "E102")
    assert action["title"] == "Change to `booker`"
    assert action["isPreferred"] is True
    doc = uri(workspace / "main.agentspec")
    (edits,) = action["edit"]["changes"].values()
    fixed = apply_edits(text, edits)
    assert "agent booker" in fixed
    assert not [d for d in _recheck(client, doc, fixed) if d["code"] == "E102"]


def test_add_to_tools_edits_the_agent_in_the_imported_file(client, workspace):
    diagnostic, action = _fix(client, workspace / "main.agentspec", MAIN, "E308")
    assert action["title"] == "Add `book_flight` to the `tools` of `booker`"
    common = uri(workspace / "common.agentspec")
    assert list(action["edit"]["changes"]) == [common]
    fixed = apply_edits(COMMON, action["edit"]["changes"][common])
    assert "tools [search_flights, book_flight]" in fixed
    # related: where the agent and the tool are declared (both in the imported file)
    related = {r["message"]: r["location"] for r in diagnostic["relatedInformation"]}
    booker = position_of(COMMON, "booker")
    assert related["`booker` is declared here"]["uri"] == common
    assert related["`booker` is declared here"]["range"]["start"] == {"line": booker[0], "character": booker[1]}
    assert related["`book_flight` is declared here"]["uri"] == common
    # applied (the imported file edited in its buffer), main.agentspec is clean
    common_doc = client.open(workspace / "common.agentspec", fixed)
    client.wait_diagnostics(common_doc, version=1)
    main = uri(workspace / "main.agentspec")
    assert client.wait_diagnostics_where(main, lambda ds: not any(d["code"] == "E308" for d in ds)) == []


def test_add_to_tools_writes_the_list_when_the_agent_has_none(client, workspace):
    common = COMMON.replace("  tools [search_flights]\n", "")
    (workspace / "common.agentspec").write_text(common)
    text = MAIN.replace('    search_flights(origin: "SFO", destination: "NRT")\n', "")
    _, action = _fix(client, workspace / "main.agentspec", text, "E308")
    (edits,) = action["edit"]["changes"].values()
    assert '  model "claude-haiku-4-5"\n  tools [book_flight]\n}' in apply_edits(common, edits)


def test_unknown_argument_fix_and_the_tool_as_related(client, workspace):
    text = MAIN.replace('flight_id: "NH7"', 'flight_di: "NH7"')
    diagnostic, action = _fix(client, workspace / "main.agentspec", text, "E204")
    assert action["title"] == "Change to `flight_id`"
    assert [r["message"] for r in diagnostic["relatedInformation"]] == ["`book_flight` is declared here"]
    (edits,) = action["edit"]["changes"].values()
    assert 'book_flight(flight_id: "NH7")' in apply_edits(text, edits)


def test_duplicate_declaration_points_at_the_first(client, workspace):
    text = MAIN + '\nscenario "books" {\n  input "again"\n  agent booker\n}\n'
    doc = client.open(workspace / "main.agentspec", text)
    (dup,) = [d for d in client.wait_diagnostics(doc, version=1) if d["code"] == "E301"]
    (related,) = dup["relatedInformation"]
    assert related["location"]["uri"] == doc
    assert related["location"]["range"]["start"]["line"] == position_of(text, 'scenario "books"')[0]
    assert related["message"] == "first defined here"


def test_name_listed_twice_fix_removes_the_second(client, workspace):
    common = COMMON.replace("tools [search_flights]", "tools [search_flights, book_flight, search_flights]")
    diagnostic, action = _fix(client, workspace / "common.agentspec", common, "E319")
    (edits,) = action["edit"]["changes"].values()
    assert "tools [search_flights, book_flight]\n" in apply_edits(common, edits)
    assert diagnostic["relatedInformation"][0]["message"] == "`search_flights` is first listed here"


def test_undeclared_provider_fix_declares_it(client, workspace):
    text = 'tenant t\n\nspecialist solo {\n  model "gpt-4o"\n}\n\nscenario "s" {\n  input "hi"\n  agent solo\n  mock_response "ok"\n  expect {\n    no_error\n  }\n}\n'
    path = workspace / "solo.agentspec"
    _, action = _fix(client, path, text, "E303")
    assert action["title"] == "Declare provider `openai`"
    (edits,) = action["edit"]["changes"].values()
    fixed = apply_edits(text, edits)
    assert 'provider openai {\n  api_key_env "OPENAI_API_KEY"\n}\n\nspecialist solo' in fixed
    assert _recheck(client, uri(path), fixed) == []


def test_misspelt_import_path_fix(client, workspace):
    text = MAIN.replace('import "common.agentspec"', 'import "comon.agentspec"')
    _, action = _fix(client, workspace / "main.agentspec", text, "E007")
    (edits,) = action["edit"]["changes"].values()
    fixed = apply_edits(text, edits)
    assert fixed == MAIN


@pytest.mark.parametrize(
    "broken, title, repaired",
    [
        ('  input "Book it"; agent booker\n', "Put the next statement on a new line", '  input "Book it"\n  agent booker\n'),
        ("  input 'Book it'\n  agent booker\n", "Use double quotes", '  input "Book it"\n  agent booker\n'),
        ('  input "Book it\n  agent booker\n', 'Close the string with `"`', '  input "Book it"\n  agent booker\n'),
    ],
)
def test_syntax_error_fixes(client, workspace, broken, title, repaired):
    text = MAIN.replace('  input "Book it"\n  agent booker\n', broken)
    code = "E002" if title.startswith("Close") else "E001"
    _, action = _fix(client, workspace / "main.agentspec", text, code)
    assert action["title"] == title
    (edits,) = action["edit"]["changes"].values()
    assert apply_edits(text, edits) == MAIN.replace('  input "Book it"\n  agent booker\n', repaired)


def test_missing_comma_fix(client, workspace):
    common = COMMON.replace("tools [search_flights]", "tools [search_flights book_flight]")
    _, action = _fix(client, workspace / "common.agentspec", common, "E001")
    assert action["title"] == "Insert `,`"
    (edits,) = action["edit"]["changes"].values()
    assert "tools [search_flights, book_flight]" in apply_edits(common, edits)


def test_no_actions_away_from_diagnostics_or_for_other_kinds(client, workspace):
    text = MAIN.replace("agent booker", "agent bokker")
    doc = client.open(workspace / "main.agentspec", text)
    client.wait_diagnostics(doc, version=1)
    assert client.code_actions(doc, (0, 0), (0, 3)) == []
    line, _ = position_of(text, "bokker")
    only_refactor = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": doc},
            "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 5}},
            "context": {"diagnostics": [], "only": ["refactor"]},
        },
    )
    assert not only_refactor


def test_every_diagnostic_links_to_its_section_of_the_reference(client):
    text = TRAVEL.read_text().replace("routes [booker]", "routes [bokker]")
    doc = client.open(TRAVEL, text)
    diagnostics = client.wait_diagnostics(doc, version=1)
    assert diagnostics
    for d in diagnostics:
        assert d["codeDescription"]["href"] == f"{REFERENCE_URL}#{anchor(d['code'])}"


def _slug(heading: str) -> str:
    """How GitHub (where REFERENCE_URL points) makes a heading's anchor."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_code_anchor_is_a_heading_of_the_reference():
    headings = {_slug(line[4:]) for line in DOCS.read_text().splitlines() if line.startswith("### ")}
    missing = [code for code in CODES if anchor(code) not in headings]
    assert not missing
    assert REFERENCE_URL.endswith("/docs/diagnostics.md")


def test_import_path_that_does_not_resolve_is_shown_and_fixed(client, workspace):
    # the project root (where pyproject.toml is) is on the project's Python path
    (workspace / "pyproject.toml").write_text('[project]\nname = "desk"\n')
    (workspace / "desk_app").mkdir()
    (workspace / "desk_app" / "__init__.py").write_text("")
    (workspace / "desk_app" / "tools.py").write_text("def book(ctx, args):\n    return {}\n")
    good = COMMON.replace('  returns { booking_id: "B1" }\n', '  handler "desk_app.tools:book"\n')
    text = good.replace("desk_app.tools:book", "desk_app.tols:book")
    diagnostic, action = _fix(client, workspace / "common.agentspec", text, "E110")
    assert "did you mean `tools`?" in diagnostic["message"]
    assert action["title"] == 'Change to "desk_app.tools:book"'
    (edits,) = action["edit"]["changes"].values()
    fixed = apply_edits(text, edits)
    assert fixed == good
    assert not [d for d in _recheck(client, uri(workspace / "common.agentspec"), fixed) if d["code"] == "E110"]
