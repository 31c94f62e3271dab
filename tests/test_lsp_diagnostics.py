"""Diagnostics from the language server, end to end: a spawned `agentspec lsp`
publishes the checker's diagnostics on open and change, with LSP ranges
(0-based, UTF-16) taken from the spec spans, and clears them when fixed or closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsp_support import COMMON, DATA, TRAVEL, lsp_server, position_of, server_fixture, uri

pytestmark = pytest.mark.slow


client = server_fixture(scope="function")


def _range(text: str, needle: str, occurrence: int = 0) -> dict:
    line, char = position_of(text, needle, occurrence)
    end_line, end_char = position_of(text, needle, occurrence, delta=len(needle))
    return {"start": {"line": line, "character": char}, "end": {"line": end_line, "character": end_char}}


def test_clean_files_publish_no_diagnostics(client):
    for path in (TRAVEL, COMMON):
        doc = client.open(path)
        assert client.wait_diagnostics(doc, version=1) == []


def test_unknown_name_has_the_range_of_the_name_code_severity_and_hint(client):
    text = TRAVEL.read_text().replace("routes [booker]", "routes [bokker]")
    doc = client.open(TRAVEL, text)
    diagnostics = client.wait_diagnostics(doc, version=1)
    assert [d["code"] for d in diagnostics] == ["E102", "E310"]  # unknown agent; `call booker` not routed
    diag = diagnostics[0]
    assert diag["severity"] == 1  # error
    assert diag["source"] == "agentspec"
    assert diag["range"] == _range(text, "bokker")
    assert "`bokker`" in diag["message"]
    assert "hint: did you mean `booker`?" in diag["message"]


def test_syntax_error_is_published_and_cleared_when_fixed(client):
    text = TRAVEL.read_text()
    doc = client.open(TRAVEL, text)
    assert client.wait_diagnostics(doc, version=1) == []
    broken = text.replace("via front_desk", "via = front_desk")
    version = client.change(doc, broken)
    (diag,) = client.wait_diagnostics(doc, version=version)
    assert diag["code"] == "E001"
    assert diag["range"] == _range(broken, "=")
    assert diag["message"] == "unexpected `=`; expected a name"
    version = client.change(doc, text)
    assert client.wait_diagnostics(doc, version=version) == []


def test_columns_count_utf16_code_units_after_astral_characters(client):
    # 🚀 is one Python character but two UTF-16 code units.
    text = 'tenant acme\ntool t() { description "🚀🚀 go" approval sometimes }\n'
    doc = client.open(DATA / "scratch_utf16.agentspec", text)
    (diag,) = client.wait_diagnostics(doc, version=1)
    line = text.splitlines()[1]
    chars = line.index("sometimes")
    assert diag["range"]["start"] == {"line": 1, "character": chars + 2}
    assert diag["range"]["end"] == {"line": 1, "character": chars + 2 + len("sometimes")}


def test_a_client_that_counts_utf8_bytes_gets_byte_columns():
    with lsp_server(debounce_ms=0, encodings=["utf-8"]) as client:
        assert client.initialize_result["capabilities"]["positionEncoding"] == "utf-8"
        text = 'tenant acme\ntool t() { description "é🚀" approval sometimes }\n'
        doc = client.open(DATA / "scratch_utf8.agentspec", text)
        (diag,) = client.wait_diagnostics(doc, version=1)
        line = text.splitlines()[1]
        start = len(line[: line.index("sometimes")].encode("utf-8"))
        assert diag["range"]["start"] == {"line": 1, "character": start}
        # completion at a byte position on the same line still finds the context
        items = client.completion(doc, 1, len(line[: line.index("approval")].encode("utf-8")))
        assert "description" in {i["label"] for i in items}


def test_warnings_have_warning_severity(client):
    text = COMMON.read_text() + "\nscript never_used {\n  search_flights(origin: \"A\", destination: \"B\")\n}\n"
    doc = client.open(DATA / "scratch_warning.agentspec", text)
    diagnostics = client.wait_diagnostics(doc, version=1)
    unused = [d for d in diagnostics if d["code"] == "W104" and "never_used" in d["message"]]
    assert unused, diagnostics
    assert unused[0]["severity"] == 2
    assert unused[0]["range"] == _range(text, "never_used")


def test_closing_a_document_clears_its_diagnostics(client):
    text = TRAVEL.read_text().replace("routes [booker]", "routes [nobody]")
    doc = client.open(TRAVEL, text)
    assert client.wait_diagnostics(doc, version=1)
    seen = len(client.diagnostics_messages(doc))
    client.close(doc)
    client.wait_cleared(doc, after=seen)


def test_unsaved_edit_to_an_imported_file_rechecks_the_importer(client):
    travel = client.open(TRAVEL)
    common = client.open(COMMON)
    assert client.wait_diagnostics(travel, version=1) == []
    assert client.wait_diagnostics(common, version=1) == []
    renamed = COMMON.read_text().replace("tool book_flight(", "tool book_flights(").replace(
        "search_flights, book_flight,", "search_flights, book_flights,"
    ).replace('book_flight(flight_id: "NH7")', 'book_flights(flight_id: "NH7")')
    client.change(common, renamed)
    travel_text = TRAVEL.read_text()
    # travel itself did not change, yet it is re-checked against the edited buffer
    diagnostics = client.wait_diagnostics_where(travel, lambda ds: any(d["code"] == "E101" for d in ds))
    unknown = [d for d in diagnostics if d["code"] == "E101"]
    assert unknown[0]["range"] == _range(travel_text, "book_flight", occurrence=0)
    assert "book_flights" in unknown[0]["message"]  # did you mean
    assert "tool book_flight(" in COMMON.read_text()  # the file on disk was never touched


def test_imports_resolve_relative_to_the_document(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tools.agentspec").write_text(
        'tenant t\ntool ping() { returns { ok: true } }\nspecialist s { model "claude-haiku-4-5" tools [ping] }\n'
        'provider anthropic { api_key_env "K" }\n'
    )
    with lsp_server(debounce_ms=0, root=tmp_path) as client:
        good = 'import "lib/tools.agentspec"\nscenario "p" { input "x" agent s run { ping() } expect { no_error } }\n'
        doc = client.open(tmp_path / "main.agentspec", good)
        assert client.wait_diagnostics(doc, version=1) == []
        bad = good.replace("lib/tools.agentspec", "lib/tool.agentspec")
        version = client.change(doc, bad)
        diagnostics = client.wait_diagnostics(doc, version=version)
        missing = [d for d in diagnostics if d["code"] == "E007"]
        assert missing, diagnostics
        assert missing[0]["range"] == _range(bad, '"lib/tool.agentspec"')
        assert "did you mean" in missing[0]["message"]


def test_an_imported_file_with_syntax_errors_is_flagged_on_the_import(tmp_path: Path):
    (tmp_path / "lib.agentspec").write_text("tool broken( {\n")
    with lsp_server(debounce_ms=0, root=tmp_path) as client:
        text = 'import "lib.agentspec"\ntenant t\n'
        doc = client.open(tmp_path / "main.agentspec", text)
        diagnostics = client.wait_diagnostics(doc, version=1)
        assert [d["code"] for d in diagnostics] == ["E001"]
        assert diagnostics[0]["range"] == _range(text, '"lib.agentspec"')
        assert "imported file" in diagnostics[0]["message"]
        # related: the imported file's own error, where it is
        (related,) = diagnostics[0]["relatedInformation"]
        assert related["location"]["uri"] == uri(tmp_path / "lib.agentspec")
        assert related["location"]["range"]["start"]["line"] == 0
        assert related["message"].startswith("unexpected")


def test_default_debounce_still_publishes():
    # (that a burst of changes is checked once is tested in process, deterministically:
    # test_lsp_publish.py)
    with lsp_server(debounce_ms=None) as client:  # the default delay
        doc = client.open(TRAVEL, TRAVEL.read_text().replace("via front_desk", "via nobody"))
        version = client.change(doc, TRAVEL.read_text().replace("via front_desk", "via nobody2"))
        (diag,) = client.wait_diagnostics(doc, version=version)
        assert diag["code"] == "E102"


def test_a_change_on_disk_rechecks_open_importers(tmp_path: Path):
    lib = tmp_path / "lib.agentspec"
    lib.write_text('tenant t\ntool ping() { returns { ok: true } }\n')
    with lsp_server(debounce_ms=0, root=tmp_path) as client:
        text = 'import "lib.agentspec"\nspecialist s { model "m" tools [ping] }\n'
        doc = client.open(tmp_path / "main.agentspec", text)
        before = [d["code"] for d in client.wait_diagnostics(doc, version=1)]
        assert "E101" not in before
        lib.write_text('tenant t\ntool pong() { returns { ok: true } }\n')  # e.g. a git checkout
        client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri(lib), "type": 2}]})
        diagnostics = client.wait_diagnostics_where(doc, lambda ds: any(d["code"] == "E101" for d in ds))
        assert "did you mean `pong`?" in next(d for d in diagnostics if d["code"] == "E101")["message"]


def test_untitled_buffers_are_checked(client):
    doc = "untitled:Untitled-1"
    client.versions[doc] = 1
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": doc, "languageId": "agentspec", "version": 1, "text": "tenant t\ntool t( {\n"}},
    )
    (diag,) = client.wait_diagnostics(doc, version=1)
    assert diag["code"] == "E001" and diag["range"]["start"] == {"line": 1, "character": 8}
    items = client.completion(doc, 0, 0)
    assert "tool" in {i["label"] for i in items}
    client.close(doc)


def test_paths_with_spaces_and_non_ascii(tmp_path: Path):
    folder = tmp_path / "my specs é"
    folder.mkdir()
    (folder / "lib file.agentspec").write_text('tenant t\ntool ping() { returns { ok: true } }\n')
    with lsp_server(debounce_ms=0, root=folder) as client:
        text = 'import "lib file.agentspec"\nspecialist s { model "m" tools [pong] }\n'
        doc = client.open(folder / "main file.agentspec", text)
        assert "%20" in doc
        diagnostics = client.wait_diagnostics(doc, version=1)
        assert [d["code"] for d in diagnostics if d["code"].startswith("E1")] == ["E101"]
        (found,) = client.definition(doc, 0, 10)  # the import's path
        assert found["uri"] == uri(folder / "lib file.agentspec")
        seen = len(client.diagnostics_messages(doc))
        client.notify("textDocument/didClose", {"textDocument": {"uri": doc}})
        client.wait_cleared(doc, after=seen)
