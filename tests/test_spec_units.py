"""The pytest plugin's per-file work (agentspec.spec_units): cached by content, in process
and on disk, and never trusted past a change to a spec, an imported spec or the user code
it names."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agentspec import spec_units
from agentspec.codegen import render

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    shutil.copytree(REPO / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "pyproject.toml").write_text('[tool.agentspec]\npythonpath = ["examples"]\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fresh_session() -> None:
    """What a new pytest process starts with: nothing cached in memory."""
    spec_units._units.clear()
    spec_units._parse.cache_clear()


def stored_entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "spec-units").glob("*.pickle"))


def test_a_stored_unit_is_the_unit_a_full_check_makes(project: Path, isolated_compile_cache: Path) -> None:
    cold = spec_units.unit_for("specs/travel.agentspec")
    assert cold.errors is None and cold.lowered is not None
    assert len(stored_entries(isolated_compile_cache)) == 1
    fresh_session()
    warm = spec_units.unit_for("specs/travel.agentspec")
    assert not spec_units._units  # answered from disk: nothing was checked in this session
    assert warm == cold
    assert render.test_source(warm.lowered.tests) == (REPO / "generated/test_travel.py").read_text()


def test_a_stored_unit_holds_each_expression_once(project: Path, isolated_compile_cache: Path) -> None:
    cold = spec_units.unit_for("specs/travel.agentspec")
    fresh_session()
    warm = spec_units.unit_for("specs/travel.agentspec")
    assert warm == cold
    first, second = warm.lowered.tests.tests[:2]
    assert first.run.func is second.run.func  # Name("run_scenario"), stored once
    assert first.adapter.args[0] is second.adapter.args[0]  # lambda: build_runtime(**live_or(...)), stored once
    assert cold.lowered.tests.tests[0].run.func is not cold.lowered.tests.tests[1].run.func  # the lowering's own


def test_sharing_keeps_apart_literals_that_python_calls_equal() -> None:
    from agentspec.codegen.pyexpr import ListOf, Lit, source
    from agentspec.codegen.sharing import shared

    values = [1, True, 1.0, -0.0, 0.0, 0, False, None, "1", [1], [1], 1]
    together = shared(ListOf(tuple(Lit(v) for v in values)))
    assert source(together) == source(ListOf(tuple(Lit(v) for v in values)))
    assert source(together) == '[1, True, 1.0, -0.0, 0.0, 0, False, None, "1", [1], [1], 1]'
    items = together.items
    assert [type(i.value) for i in items] == [type(v) for v in values]
    assert items[0] is items[-1]  # the same literal, one object
    assert items[9] is not items[10]  # a Lit's list is data, never shared
    assert len({id(i) for i in items}) == len(values) - 1


#: What a pytest session whose spec units all come from the disk cache has no use for
PARSE_AND_CHECK = ("lark", "agentspec.syntax.parser", "agentspec.syntax.nodes", "agentspec.loader", "agentspec.checker")


def test_a_stored_unit_is_served_without_the_parser_or_the_checker(project: Path, isolated_compile_cache: Path) -> None:
    # travel.agentspec imports common.agentspec and names user code, so serving it re-reads both
    # files and looks its import paths up again; its warnings are decided too, as the plugin does
    assert spec_units.unit_for("specs/travel.agentspec").errors is None
    program = (
        "import json, sys\n"
        "from agentspec import spec_units\n"
        "unit = spec_units.unit_for('specs/travel.agentspec')\n"
        "unit.warnings(spec_units.used_across([unit]))\n"
        "print(json.dumps({'served': not spec_units._units, 'tests': len(unit.lowered.tests.tests),"
        " 'modules': sorted(sys.modules)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=project)
    seen = json.loads(done.stdout)
    assert seen["served"] and seen["tests"] > 0
    loaded = [m for m in seen["modules"] if any(m == name or m.startswith(f"{name}.") for name in PARSE_AND_CHECK)]
    assert not loaded, f"serving a stored unit loaded {loaded}"


def test_an_edit_in_an_imported_spec_invalidates_its_importers(project: Path) -> None:
    before = spec_units.unit_for("specs/travel.agentspec")
    common = project / "specs/common.agentspec"
    common.write_text(common.read_text().replace('tenant acme', 'tenant acme_travel', 1))
    fresh_session()
    after = spec_units.unit_for("specs/travel.agentspec")
    assert spec_units._units  # checked afresh
    assert after.lowered.runtime.tenant != before.lowered.runtime.tenant
    assert "acme_travel" in str(after.lowered.runtime.tenant.value)


def test_a_renamed_handler_is_reported_although_the_specs_did_not_change(project: Path) -> None:
    assert spec_units.unit_for("specs/travel.agentspec").errors is None
    judges = project / "examples/travel_app/judges.py"
    judges.write_text(judges.read_text().replace("def confirms_booking", "def confirmed_booking"))
    fresh_session()
    unit = spec_units.unit_for("specs/travel.agentspec")
    assert unit.errors is not None and "error[E110]" in unit.errors and "confirms_booking" in unit.errors


def test_a_corrupt_entry_costs_a_full_check(project: Path, isolated_compile_cache: Path) -> None:
    cold = spec_units.unit_for("specs/smoke.agentspec")
    (entry,) = stored_entries(isolated_compile_cache)
    entry.write_bytes(entry.read_bytes()[:40])
    fresh_session()
    assert spec_units.unit_for("specs/smoke.agentspec") == cold
    assert spec_units._units


def test_units_with_errors_are_not_stored(project: Path, isolated_compile_cache: Path) -> None:
    spec = project / "specs/smoke.agentspec"
    spec.write_text(spec.read_text() + "\nscenario {\n")
    unit = spec_units.unit_for("specs/smoke.agentspec")
    assert unit.errors is not None and "error[E" in unit.errors and unit.lowered is None
    assert stored_entries(isolated_compile_cache) == []


def test_no_disk_cache_when_caching_is_off(project: Path, isolated_compile_cache: Path, monkeypatch) -> None:
    monkeypatch.setenv("AGENTSPEC_NO_CACHE", "1")
    assert spec_units.unit_for("specs/smoke.agentspec").errors is None
    assert stored_entries(isolated_compile_cache) == []
