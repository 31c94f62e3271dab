"""A bad cache entry costs time, never correctness (agentspec.cache).

Each test damages the cache after a first compile — a compile record of the
wrong shape, a truncated formatted-output entry, an entry whose content was
replaced or that was made for another text — then compiles again into an
empty OUTDIR and compares every file with a compile that used no cache at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentspec.cli import main
from codegen_support import PREAMBLE, write_spec

APP = PREAMBLE + """
tool ping(host: str) { returns { pong: true } }
specialist echo { model "claude-haiku-4-5"  prompt "Answer\\npolitely."  tools [ping] }
scenario "ping" {
  agent echo
  run { ping(host: "example.org") }
  expect { tool_call ping(host: "example.org") }
}
"""
OTHER = APP.replace("ping", "probe")


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    write_spec(tmp_path, "specs/app.agentspec", APP)
    write_spec(tmp_path, "specs/other.agentspec", OTHER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def compile_into(out: str, capsys) -> str:
    assert main(["compile", "specs", "-o", out]) == 0
    return capsys.readouterr().out


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture
def reference(project: Path, capsys, monkeypatch) -> dict[str, bytes]:
    """The outputs of a compile that neither reads nor writes the cache."""
    monkeypatch.setenv("AGENTSPEC_NO_CACHE", "1")
    compile_into("reference", capsys)
    monkeypatch.delenv("AGENTSPEC_NO_CACHE")
    return files(project / "reference")


def records(cache: Path) -> list[Path]:
    found = sorted(cache.glob("compile-*.json"))
    assert found, "the first compile left no compile record"
    return found


def formatted_entries(cache: Path) -> list[Path]:
    found = sorted((cache / "formatted").glob("*.json"))
    assert len(found) == 4, "expected one formatted-output entry per generated file"
    return found


def test_an_undamaged_cache_gives_the_same_files(project, reference, capsys, isolated_compile_cache) -> None:
    compile_into("out", capsys)
    formatted_entries(isolated_compile_cache)
    assert files(project / "out") == reference
    assert compile_into("out", capsys) == "compiled 2 specs into out: 0 written, 4 unchanged\n"


WRONG_SHAPES = {
    "a list": lambda r: [r],
    "a field missing": lambda r: {k: v for k, v in r.items() if k != "outputs"},
    "a field too many": lambda r: {**r, "extra": 1},
    "outputs as a list": lambda r: {**r, "outputs": list(r["outputs"])},
    "an output digest that is not a digest": lambda r: {**r, "outputs": {k: "x" for k in r["outputs"]}},
    "roots as a string": lambda r: {**r, "roots": "specs"},
    "a report field missing": lambda r: {**r, "report": {k: v for k, v in r["report"].items() if k != "summary"}},
    "a report flag as text": lambda r: {**r, "report": {**r["report"], "has_diagnostics": "no"}},
    "a report as null": lambda r: {**r, "report": None},
}


@pytest.mark.parametrize("damage", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_a_record_of_the_wrong_shape_is_not_used(project, reference, capsys, isolated_compile_cache, damage) -> None:
    compile_into("out", capsys)
    for path in records(isolated_compile_cache):
        path.write_text(json.dumps(damage(json.loads(path.read_text()))))
    # with the outputs in place, the full path runs and rewrites nothing ...
    assert compile_into("out", capsys) == "compiled 2 specs into out: 0 written, 4 unchanged\n"
    assert files(project / "out") == reference
    # ... and a record that does not fit is never read as one
    for path in records(isolated_compile_cache):
        path.write_text(json.dumps(damage(json.loads(path.read_text()))))
    (project / "out" / "test_app.py").unlink()
    assert "wrote out/test_app.py" in compile_into("out", capsys)
    assert files(project / "out") == reference


def _rewrite_entries(cache: Path, change) -> None:
    for path in formatted_entries(cache):
        path.write_text(change(path.read_text()))
    for path in records(cache):  # so that the next compile really renders and formats
        path.unlink()


def test_a_truncated_formatted_output_entry_is_not_used(project, reference, capsys, isolated_compile_cache) -> None:
    compile_into("out", capsys)

    def truncate(text: str) -> str:
        entry = json.loads(text)
        entry["output"] = entry["output"][: len(entry["output"]) // 2]  # still valid JSON, half the module
        return json.dumps(entry)

    _rewrite_entries(isolated_compile_cache, truncate)
    compile_into("fresh", capsys)
    assert files(project / "fresh") == reference


def test_a_formatted_output_entry_cut_short_on_disk_is_not_used(project, reference, capsys, isolated_compile_cache) -> None:
    compile_into("out", capsys)
    _rewrite_entries(isolated_compile_cache, lambda text: text[: len(text) // 2])
    compile_into("fresh", capsys)
    assert files(project / "fresh") == reference


def test_a_formatted_output_entry_whose_content_was_replaced_is_not_used(project, reference, capsys, isolated_compile_cache) -> None:
    compile_into("out", capsys)

    def replace(text: str) -> str:
        entry = json.loads(text)
        entry["output"] = "import os\nos.system('echo planted')\n"
        return json.dumps(entry)

    _rewrite_entries(isolated_compile_cache, replace)
    compile_into("fresh", capsys)
    assert files(project / "fresh") == reference


def test_a_formatted_output_entry_for_another_text_is_not_used(project, reference, capsys, isolated_compile_cache) -> None:
    compile_into("out", capsys)
    entries = formatted_entries(isolated_compile_cache)
    texts = [path.read_text() for path in entries]
    for path, text in zip(entries, texts[1:] + texts[:1]):  # each entry moved under another's name
        path.write_text(text)
    for path in records(isolated_compile_cache):
        path.unlink()
    compile_into("fresh", capsys)
    assert files(project / "fresh") == reference
