"""Rename from the language server, end to end: prepareRename accepts symbol
names only, and rename edits the declaration and every use across imported
files (both directions), refusing names the grammar cannot read as a name."""

from __future__ import annotations

import pytest

from lsp_support import apply_edits, position_of, server_fixture, uri, workspace_fixture

pytestmark = pytest.mark.slow

COMMON = """\
tenant acme version "v1"

provider anthropic {
  api_key_env "ANTHROPIC_API_KEY"
}

tool search_flights(origin: str) {
  description "search_flights in a string is not renamed"
  returns { flights: [] }
}

tool book_flight(flight_id: str) {
  returns { booking_id: "B1" }
}

specialist booker {
  model "claude-haiku-4-5" provider anthropic
  tools [search_flights, book_flight]
}
"""

MAIN = """\
import "common.agentspec"

# search_flights in a comment is not renamed
scenario "books" {
  input "Book it"
  agent booker
  given search_flights returns { flights: [] }
  run {
    search_flights(origin: "SFO")
    book_flight(flight_id: "NH7")
  }
  expect {
    tool_call search_flights(origin: "SFO") before book_flight
  }
}
"""


workspace = workspace_fixture({"common.agentspec": COMMON, "main.agentspec": MAIN})
client = server_fixture(scope="function", in_workspace=True)


def _open(client, workspace, name: str) -> str:
    doc = client.open(workspace / name)
    client.wait_diagnostics(doc, version=1)
    return doc


def _rename(client, doc, text, needle, new_name, occurrence=0) -> dict:
    response = client.rename_message(doc, *position_of(text, needle, occurrence, delta=1), new_name)
    assert "error" not in response, response
    return response["result"]["changes"]


def test_rename_a_tool_from_a_use_edits_both_files(client, workspace):
    main = _open(client, workspace, "main.agentspec")
    changes = _rename(client, main, MAIN, "search_flights(origin", "find_flights")
    common = uri(workspace / "common.agentspec")
    assert set(changes) == {main, common}
    new_main = apply_edits(MAIN, changes[main])
    new_common = apply_edits(COMMON, changes[common])
    assert new_main.count("find_flights") == 3 and new_main.count("search_flights") == 1  # the comment
    assert "tool find_flights(origin: str)" in new_common
    assert "tools [find_flights, book_flight]" in new_common
    assert '"search_flights in a string is not renamed"' in new_common
    # the renamed files check clean together
    client.wait_diagnostics(main, version=client.change(main, new_main))  # `find_flights` unknown, until:
    seen = len(client.diagnostics_messages(main))
    common_doc = client.open(workspace / "common.agentspec", new_common)
    assert client.wait_diagnostics(common_doc, version=1) == []
    assert client.wait_diagnostics(main, after=seen) == []  # re-checked with the renamed import


def test_rename_from_the_declaration_in_the_imported_file(client, workspace):
    common = _open(client, workspace, "common.agentspec")
    changes = _rename(client, common, COMMON, "booker", "agent_b")
    main = uri(workspace / "main.agentspec")
    assert "agent agent_b" in apply_edits(MAIN, changes[main])
    assert "specialist agent_b {" in apply_edits(COMMON, changes[common])


def test_rename_a_provider(client, workspace):
    common = _open(client, workspace, "common.agentspec")
    changes = _rename(client, common, COMMON, "anthropic", "claude", occurrence=1)
    fixed = apply_edits(COMMON, changes[common])
    assert "provider claude {" in fixed and "provider claude\n" in fixed
    assert 'api_key_env "ANTHROPIC_API_KEY"' in fixed


def test_prepare_rename_gives_the_name_and_refuses_keywords_strings_comments(client, workspace):
    main = _open(client, workspace, "main.agentspec")
    result = client.prepare_rename(main, *position_of(MAIN, "booker", delta=2))
    line, char = position_of(MAIN, "booker")
    assert result == {
        "range": {"start": {"line": line, "character": char}, "end": {"line": line, "character": char + 6}},
        "placeholder": "booker",
    }
    for needle in ("scenario", '"Book it"', "# search", "tool_call", "origin:"):
        assert client.prepare_rename(main, *position_of(MAIN, needle, delta=1)) is None, needle


@pytest.mark.parametrize(
    "new_name, reason",
    [("tool", "is a keyword"), ("true", "is a keyword"), ("2fast", "is not a name"), ("a-b", "is not a name"),
     ("book_flight", "a tool `book_flight` is already declared")],
)
def test_rename_refuses_names_that_cannot_work(client, workspace, new_name, reason):
    main = _open(client, workspace, "main.agentspec")
    response = client.rename_message(main, *position_of(MAIN, "search_flights(origin", delta=1), new_name)
    assert reason in response["error"]["message"]
