"""The unit record (agentspec.units, cache.UnitRecord): a compile that reuses
what each unchanged file contributed gives exactly what a cold compile gives —
outputs, diagnostics, exit code — and a bad record only costs a full compile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentspec import cache, units
from agentspec.commands.compile import compile_command

COMMON = """\
tenant t version "v1"
provider anthropic { api_key_env "ANTHROPIC_API_KEY" }

tool lookup(customer_id: str) {
  description "Find a customer"
  returns { tier: "gold" }
}

specialist concierge {
  model "claude-haiku-4-5"
  prompt "Look the customer up."
  tools [lookup]
}

specialist spare {
  model "claude-haiku-4-5"
  prompt "Nobody routes here unless a scenario starts here."
  tools [lookup]
}
"""

SCENARIO = """\
import "common.agentspec"

scenario "lookup {n}" {{
  input "What tier is customer {n}?"
  agent {agent}
  run {{
    lookup(customer_id: "C-{n}")
  }}
  expect {{
    output contains "gold"
  }}
}}
"""


def write(root: Path, name: str, text: str) -> None:
    (root / "specs").mkdir(exist_ok=True)
    (root / "specs" / name).write_text(text)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGENTSPEC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AGENTSPEC_NO_CACHE", raising=False)
    write(tmp_path, "common.agentspec", COMMON)
    for n in range(3):
        write(tmp_path, f"lookup_{n}.agentspec", SCENARIO.format(n=n, agent="concierge"))
    return tmp_path


def compile_into(out: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cold: bool = False):
    """(exit code, what was reported on stderr, {file name: bytes} of OUTDIR)."""
    with monkeypatch.context() as m:
        if cold:
            m.setenv("AGENTSPEC_NO_CACHE", "1")
        code = compile_command(["specs"], out)
    reported = capsys.readouterr().err
    files = {p.name: p.read_bytes() for p in sorted(Path(out).glob("*.py"))} if Path(out).is_dir() else {}
    return code, reported, files


def same_as_cold(capsys, monkeypatch, tag: str):
    warm = compile_into("out", capsys, monkeypatch)
    cold = compile_into(f"cold_{tag}", capsys, monkeypatch, cold=True)
    assert warm == cold
    return warm


def test_a_one_file_edit_recompiles_only_that_file_and_matches_a_cold_compile(tree, capsys, monkeypatch):
    first = compile_into("out", capsys, monkeypatch)
    assert first[0] == 0 and len(first[2]) == 7
    calls: list[list[str]] = []
    real_load = units.load
    monkeypatch.setattr(units, "load", lambda files, **options: calls.append(list(files)) or real_load(files, **options))

    write(tree, "lookup_1.agentspec", SCENARIO.format(n="1b", agent="concierge"))
    code, _, files = same_as_cold(capsys, monkeypatch, "edit")
    assert code == 0 and b"C-1b" in files["test_lookup_1.py"]
    assert calls[0] == ["specs/lookup_1.agentspec"]  # the cached compile loaded one root (and its import)
    assert len(calls) == 1 + 4  # ... and the cold compile beside it loaded the four roots one by one


def test_an_edit_in_an_imported_file_invalidates_every_importer(tree, capsys, monkeypatch):
    compile_into("out", capsys, monkeypatch)
    write(tree, "common.agentspec", COMMON.replace('tier: "gold"', 'tier: "platinum"'))
    code, _, files = same_as_cold(capsys, monkeypatch, "import")
    assert code == 0
    for n in range(3):
        assert b"platinum" in files[f"lookup_{n}_runtime.py"]


def test_warnings_judged_across_files_follow_an_edit_elsewhere(tree, capsys, monkeypatch):
    write(tree, "lookup_2.agentspec", SCENARIO.format(n=2, agent="spare"))
    code, reported, _ = same_as_cold(capsys, monkeypatch, "used")
    assert code == 0 and "W101" not in reported  # spare is used by lookup_2
    write(tree, "lookup_2.agentspec", SCENARIO.format(n=2, agent="concierge"))
    code, reported, _ = same_as_cold(capsys, monkeypatch, "unused")
    assert code == 0 and "specialist `spare` is unreachable" in reported  # reported at common.agentspec


def test_an_error_in_an_edited_file_is_reported_as_by_a_cold_compile(tree, capsys, monkeypatch):
    compile_into("out", capsys, monkeypatch)
    write(tree, "lookup_0.agentspec", SCENARIO.format(n=0, agent="nobody"))
    code, reported, _ = compile_into("out", capsys, monkeypatch)
    cold_code, cold_reported, _ = compile_into("cold_error", capsys, monkeypatch, cold=True)
    assert code == cold_code == 1
    assert reported == cold_reported and "nobody" in reported
    write(tree, "lookup_0.agentspec", SCENARIO.format(n=0, agent="concierge"))
    same_as_cold(capsys, monkeypatch, "fixed")


def test_an_output_changed_in_outdir_is_written_again(tree, capsys, monkeypatch):
    compile_into("out", capsys, monkeypatch)
    edited = tree / "out" / "test_lookup_0.py"
    edited.write_text(edited.read_text() + "# edited by hand\n")
    write(tree, "lookup_1.agentspec", SCENARIO.format(n="1b", agent="concierge"))
    same_as_cold(capsys, monkeypatch, "outdir")


def test_a_root_that_an_edited_root_imports_keeps_its_outputs_and_counts(tree, capsys, monkeypatch):
    # common.agentspec is a root and lookup_1 imports it: the edit reloads common, whose
    # outputs must still be taken from OUTDIR (once they were dropped: "12 files" of 14)
    compile_into("out", capsys, monkeypatch)
    capsys.readouterr()
    edited = tree / "out" / "common_runtime.py"
    edited.write_text(edited.read_text() + "# edited by hand\n")
    write(tree, "lookup_1.agentspec", SCENARIO.format(n="1b", agent="concierge"))
    assert compile_command(["specs"], "out", check_only=True) == 1
    shown = capsys.readouterr().out
    assert "would write out/common_runtime.py" in shown  # and lookup_1's test
    assert "2 files would change" in shown
    same_as_cold(capsys, monkeypatch, "imported_root")  # common_runtime.py written again
    write(tree, "lookup_2.agentspec", SCENARIO.format(n="2b", agent="concierge"))
    assert compile_command(["specs"], "out") == 0
    assert "compiled 4 specs into out: 1 written, 6 unchanged" in capsys.readouterr().out
    assert compile_command(["specs"], "out", check_only=True) == 0  # the record, served from the cache
    assert "out is up to date (7 files)" in capsys.readouterr().out
    record = json.loads(unit_record_path(tree).read_text())
    assert set(record["files"]["specs/common.agentspec"]["outputs"]) == {"common_runtime.py"}  # no scenarios


def unit_record_path(tree: Path) -> Path:
    [path] = (tree / "cache").glob("units-*.json")
    return path


def corruptions(record: dict) -> list:
    entry = record["files"]["specs/lookup_0.agentspec"]
    bad_diagnostic = json.loads(json.dumps(record))
    bad_diagnostic["files"]["specs/common.agentspec"]["candidates"] = [["spare", {"code": 1}]]
    wrong_hash = json.loads(json.dumps(record))
    wrong_hash["files"]["specs/lookup_0.agentspec"]["hash"] = "0" * 64
    missing_field = json.loads(json.dumps(record))
    del missing_field["files"]["specs/lookup_0.agentspec"]["uses"]
    wrong_outputs = json.loads(json.dumps(record))
    wrong_outputs["files"]["specs/lookup_0.agentspec"]["outputs"] = {name: "f" * 64 for name in entry["outputs"]}
    return ["", "{", "[]", json.dumps({**record, "format": -1}), json.dumps(bad_diagnostic),
            json.dumps(wrong_hash), json.dumps(missing_field), json.dumps(wrong_outputs), "\udcff"]


def test_a_corrupt_unit_record_is_ignored_safely(tree, capsys, monkeypatch):
    compile_into("out", capsys, monkeypatch)
    path = unit_record_path(tree)
    record = json.loads(path.read_text())
    for index, text in enumerate(corruptions(record)):
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        write(tree, "lookup_1.agentspec", SCENARIO.format(n=f"1-{index}", agent="concierge"))
        same_as_cold(capsys, monkeypatch, f"corrupt{index}")


def test_the_unit_record_round_trips_through_its_validation(tree, capsys, monkeypatch):
    compile_into("out", capsys, monkeypatch)
    roots = sorted(f"specs/{p.name}" for p in (tree / "specs").glob("*.agentspec"))
    fingerprint = cache.fingerprint("agentspec_runtime")
    loaded = cache.load_units("out", fingerprint, roots)
    assert loaded is not None and set(loaded.files) == set(roots)
    assert cache.load_units("out", fingerprint, roots[1:]) is None  # other roots: other names
    assert cache.load_units("out", "another compiler", roots) is None


PARSE = (
    "from agentspec.syntax.parser import parse; "
    "result = parse('tenant t version \"v1\"\\n', 'a.agentspec'); "
    "print(result.spec.declarations[0].kind, len(result.diagnostics))"
)


def test_the_parser_tables_are_kept_between_processes_and_a_bad_file_is_rebuilt(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "AGENTSPEC_CACHE_DIR": str(tmp_path)}
    env.pop("AGENTSPEC_NO_CACHE", None)

    def parse_in_a_new_process() -> str:
        return subprocess.run([sys.executable, "-c", PARSE], env=env, capture_output=True, text=True, check=True).stdout

    assert parse_in_a_new_process() == "tenant 0\n"
    [tables] = tmp_path.glob("lark-*.tables")
    assert parse_in_a_new_process() == "tenant 0\n"  # loaded from the file
    for damage in (b"", b"garbage\n", tables.read_bytes()[:100]):
        tables.write_bytes(damage)
        assert parse_in_a_new_process() == "tenant 0\n"
    assert tables.stat().st_size > 1000  # written again in full


def whole_and_one_by_one(tree: Path):
    from agentspec.paths import discover

    files = discover(["specs"])
    one_by_one, whole = units._cold(files, "agentspec_runtime"), units._whole(files, "agentspec_runtime")
    for compiled in (one_by_one, whole):
        compiled.outputs = None if compiled.outputs is None else [(o.name, o.content) for o in compiled.outputs]
    return one_by_one, whole


def test_compiling_roots_one_by_one_finds_what_the_whole_program_finds(tree):
    # a root imported by another root, a library agent used only from another file, errors in two files
    write(tree, "lookup_1.agentspec", SCENARIO.format(n=1, agent="spare").replace(
        'import "common.agentspec"', 'import "common.agentspec"\nimport "lookup_0.agentspec"'))
    for_errors = SCENARIO.format(n=2, agent="nobody") + 'scenario "lookup 2" { input "x" }\n'
    for case in ("clean", "errors"):
        if case == "errors":
            write(tree, "lookup_2.agentspec", for_errors)
        one_by_one, whole = whole_and_one_by_one(tree)
        assert one_by_one.diagnostics == whole.diagnostics, case
        assert one_by_one.outputs == whole.outputs, case
        assert one_by_one.sources == whole.sources, case
    assert whole.outputs is None and any(d.is_error for d in whole.diagnostics)


def test_an_import_cycle_is_reported_as_for_the_whole_program(tree, capsys, monkeypatch):
    write(tree, "lookup_0.agentspec", SCENARIO.format(n=0, agent="concierge").replace(
        'import "common.agentspec"', 'import "common.agentspec"\nimport "lookup_1.agentspec"'))
    write(tree, "lookup_1.agentspec", SCENARIO.format(n=1, agent="concierge").replace(
        'import "common.agentspec"', 'import "common.agentspec"\nimport "lookup_0.agentspec"'))
    code, reported, _ = compile_into("out", capsys, monkeypatch)
    assert code == 1 and "cycle" in reported
    from agentspec.commands.check import check_command

    check_command(["specs"])
    checked = capsys.readouterr().out
    assert checked.strip() in reported  # the same diagnostics and summary as `agentspec check`
