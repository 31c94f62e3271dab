"""The language server on the repository's own specs (specs/*.agentspec):
it shows exactly the diagnostics `agentspec check specs/` reports for each file
(a seeded mistake included), and every name used in them can be jumped from
to a declaration of that name, with hover text."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentspec.checker import check
from agentspec.loader import load
from agentspec.paths import discover
from agentspec.symbols import BUILTIN_TOOLS, references_in
from lsp_support import LspClient, uri

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.agentspec"))


def cli_diagnostics(path: Path, text: str | None = None) -> list[tuple]:
    """What `agentspec check specs/` reports for ``path`` (0-based line, column, code)."""
    files = [str(Path(p).resolve()) for p in discover([str(ROOT / "specs")])]
    overrides = {str(path): text} if text is not None else None
    program = load(files, overrides=overrides)
    found = [d for d in program.diagnostics + check(program) if d.path == str(path)]
    return sorted((d.span.line - 1, d.span.column - 1, d.code) for d in found)


def lsp_diagnostics(diagnostics: list[dict]) -> list[tuple]:
    return sorted((d["range"]["start"]["line"], d["range"]["start"]["character"], d["code"]) for d in diagnostics)


@pytest.fixture(scope="module")
def client():
    c = LspClient(debounce_ms=0, root=ROOT / "specs")
    yield c
    c.shutdown()


def test_specs_exist():
    assert len(SPECS) >= 3


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_same_diagnostics_as_the_cli(client, path: Path):
    doc = client.open(path)
    try:
        assert lsp_diagnostics(client.wait_diagnostics(doc, version=1)) == cli_diagnostics(path)
    finally:
        client.close(doc)


def test_same_diagnostics_as_the_cli_for_a_seeded_mistake(client):
    path = ROOT / "specs" / "travel.agentspec"
    text = path.read_text(encoding="utf-8")
    spec = load([str(path)]).files[str(path)]
    first_tool = next(r for r in references_in(spec) if r.kind == "tool")
    start, end = first_tool.ident.span.start, first_tool.ident.span.end
    broken = text[:start] + first_tool.ident.name + "_typo" + text[end:]
    doc = client.open(path, broken)
    try:
        expected = cli_diagnostics(path, broken)
        assert any(code == "E101" for _, _, code in expected)
        assert lsp_diagnostics(client.wait_diagnostics(doc, version=1)) == expected
    finally:
        client.close(doc)


def _text_at(location: dict) -> str:
    path = Path(location["uri"].removeprefix("file://"))
    lines = path.read_text(encoding="utf-8").split("\n")
    start, end = location["range"]["start"], location["range"]["end"]
    assert start["line"] == end["line"]
    line = lines[start["line"]].encode("utf-16-le")
    return line[start["character"] * 2 : end["character"] * 2].decode("utf-16-le")


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_reference_has_a_definition_and_hover(client, path: Path):
    spec = load([str(path)]).files[str(path)]
    doc = client.open(path)
    try:
        checked = 0
        for reference in references_in(spec):
            name = reference.ident.name
            if reference.kind == "tool" and name in BUILTIN_TOOLS:
                continue  # runtime built-ins have no declaration to jump to
            line, character = reference.ident.span.line - 1, reference.ident.span.column - 1
            (found,) = client.definition(doc, line, character)
            assert _text_at(found) == name, (path.name, reference)
            hover = client.hover(doc, line, character)
            assert hover is not None and name in hover["contents"]["value"]
            checked += 1
        assert checked > 0 or not references_in(spec)
    finally:
        client.close(doc)


def test_find_references_across_the_specs_directory(client):
    common = ROOT / "specs" / "common.agentspec"
    spec = load([str(common)]).files[str(common)]
    tool = next(d for d in spec.declarations if d.kind == "tool")
    doc = client.open(common)
    try:
        found = client.references(doc, tool.name.span.line - 1, tool.name.span.column - 1, include_declaration=False)
        files = [str(Path(p).resolve()) for p in discover([str(ROOT / "specs")])]
        program = load(files)
        expected = sorted(
            (uri(p), r.ident.span.line - 1)
            for p, s in program.files.items()
            for r in references_in(s)
            if r.kind == "tool" and r.ident.name == tool.name.name
        )
        assert sorted((loc["uri"], loc["range"]["start"]["line"]) for loc in found) == expected
        assert expected  # the shared tool is used somewhere
    finally:
        client.close(doc)
