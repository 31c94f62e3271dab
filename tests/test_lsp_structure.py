"""Semantic tokens, folding ranges and workspace symbols from the language
server, end to end on the fixtures in tests/data/lsp."""

from __future__ import annotations

import pytest

from agentspec.lsp.semantic import TOKEN_MODIFIERS, TOKEN_TYPES
from agentspec.lsp.textscan import grammar_keywords
from lsp_support import COMMON, INVENTORY, TRAVEL, lsp_server, position_of, server_fixture, uri

pytestmark = pytest.mark.slow


client = server_fixture()


def decode(data: list[int], text: str) -> list[tuple[str, str, list[str]]]:
    """(text, type, modifiers) of each token, from the LSP's relative encoding (ASCII/BMP text)."""
    lines = text.split("\n")
    tokens = []
    line = char = 0
    for i in range(0, len(data), 5):
        delta_line, delta_char, length, type_index, modifiers = data[i : i + 5]
        line += delta_line
        char = char + delta_char if delta_line == 0 else delta_char
        chosen = [m for bit, m in enumerate(TOKEN_MODIFIERS) if modifiers & (1 << bit)]
        tokens.append((lines[line][char : char + length], TOKEN_TYPES[type_index], chosen))
    return tokens


def test_legend_is_announced(client):
    legend = client.initialize_result["capabilities"]["semanticTokensProvider"]["legend"]
    assert legend == {"tokenTypes": TOKEN_TYPES, "tokenModifiers": TOKEN_MODIFIERS}


def test_semantic_tokens_classify_keywords_names_strings_comments_numbers(client):
    text = COMMON.read_text()
    doc = client.open(COMMON)
    tokens = decode(client.semantic_tokens(doc), text)
    kinds = {}
    for word, kind, modifiers in tokens:
        kinds.setdefault((word, kind, tuple(modifiers)), 0)
        kinds[(word, kind, tuple(modifiers))] += 1
    assert ("tool", "keyword", ()) in kinds
    assert ("specialist", "keyword", ()) in kinds
    assert ("search_flights", "function", ("declaration",)) in kinds
    assert ("search_flights", "function", ()) in kinds  # in `tools [...]` and the script
    assert ("booker", "class", ("declaration",)) in kinds
    assert ("book_cheapest", "macro", ("declaration",)) in kinds
    assert ("anthropic", "namespace", ("declaration",)) in kinds
    assert ('"Find flights between two airports"', "string", ()) in kinds
    assert ("912", "number", ()) in kinds
    assert ("true", "keyword", ()) in kinds
    assert any(kind == "comment" and word.startswith("# common.agentspec") for word, kind, _ in tokens)
    # parameter and field names are names, not keywords, even when they spell nothing special
    assert not any(word in ("origin", "flights", "flight_id") for word, _, _ in tokens)
    # every keyword token is a keyword of the grammar
    assert {word for word, kind, _ in tokens if kind == "keyword"} <= grammar_keywords()


def test_semantic_tokens_of_a_multi_line_string_are_one_per_line(client):
    text = TRAVEL.read_text()
    doc = client.open(TRAVEL)
    tokens = decode(client.semantic_tokens(doc), text)
    strings = [word for word, kind, _ in tokens if kind == "string"]
    assert '"""' in strings and "    Route every travel request to the booker." in strings
    assert ("booker", "class", []) in tokens  # declared in the imported file, used here
    assert ("cancel_booking", "function", []) in tokens  # in `no_tool_call`


def test_semantic_tokens_while_the_buffer_does_not_parse(client):
    text = COMMON.read_text().replace("tools [search_flights, book_flight, cancel_booking]", "tools [search_flights,")
    doc = client.open(COMMON, text)
    client.wait_diagnostics(doc, version=1)
    tokens = decode(client.semantic_tokens(doc), text)
    assert ("tool", "keyword", []) in tokens
    assert ("search_flights", "function", ["declaration"]) in tokens
    assert any(kind == "comment" for _, kind, _ in tokens)


def test_folding_ranges_for_blocks_comments_and_long_strings(client):
    text = "# one\n# two\n# three\n\n" + TRAVEL.read_text()
    doc = client.open(TRAVEL, text)
    ranges = {(r["startLine"], r["endLine"], r.get("kind")) for r in client.folding_ranges(doc)}
    assert (0, 2, "comment") in ranges  # the three comment lines
    coordinator = position_of(text, "coordinator front_desk")[0]
    closing = position_of(text, "  routes [booker]\n}")[0] + 1
    assert (coordinator, closing - 1, "region") in ranges  # the `}` stays visible
    prompt = position_of(text, 'prompt """')[0]
    assert (prompt, prompt + 2, "region") in ranges  # the triple-quoted prompt
    expect = position_of(text, "expect {")[0]
    assert (expect, expect + 4, "region") in ranges
    assert all(start < end for start, end, _ in ranges)


def test_workspace_symbols_search_every_workspace_file():
    with lsp_server(debounce_ms=0) as client:  # its own: the others leave edited buffers open
        _workspace_symbols(client)


def _workspace_symbols(client):
    found = client.workspace_symbols("book")
    names = {(s["name"], s["location"]["uri"]) for s in found}
    assert ("book_flight", uri(COMMON)) in names
    assert ("booker", uri(COMMON)) in names
    assert ("Book SFO to NRT", uri(TRAVEL)) in names  # scenarios by name, ignoring case
    assert all("book" in s["name"].lower() for s in found)
    plan = [s for s in client.workspace_symbols("InventoryPlan") if s["name"] == "InventoryPlan"]
    (symbol,) = plan
    line, char = position_of(INVENTORY.read_text(), "InventoryPlan")
    assert symbol["location"] == {
        "uri": uri(INVENTORY),
        "range": {"start": {"line": line, "character": char}, "end": {"line": line, "character": char + 13}},
    }
    assert len(client.workspace_symbols("")) > len(found)
