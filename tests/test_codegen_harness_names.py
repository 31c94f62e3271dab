"""`agentspec compile --harness flowai_harness` output uses only the published harness API.

The runtime definitions compiled for a project that runs on the published
harness import from ``flowai_harness`` nothing but its public names — the
``__all__`` of flowai-harness 0.1.0a1, recorded in
``tests/data/flowai_harness_public_names.txt`` — and no submodule of it.
Checked for every spec in ``specs/`` and every whole spec file that
docs/language.md compiles, by reading the generated modules with ``ast``; and
the definitions do run through a ``flowai_harness`` that is only a re-export of
``agentspec_runtime`` (the import is the only thing that changed).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from agentspec.cli import main
from codegen_support import REPO, imported

HARNESS = "flowai_harness"
NAMES_FILE = REPO / "tests" / "data" / "flowai_harness_public_names.txt"
PUBLIC_NAMES = frozenset(
    line.strip() for line in NAMES_FILE.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")
)
SPECS = sorted(path.name for path in (REPO / "specs").glob("*.agentspec"))
DOC_BLOCKS = re.findall(r"^```agentspec\n(.*?)^```", (REPO / "docs" / "language.md").read_text(encoding="utf-8"), flags=re.S | re.M)
#: the docs' whole spec files that define a runtime (a tenant and more than it): test_codegen_docs compiles them
DOC_FILES = [
    index
    for index, block in enumerate(DOC_BLOCKS)
    if re.search(r"^tenant ", block, re.M) and len([line for line in block.splitlines() if line.strip()]) > 1
]


def harness_imports(module: Path) -> list[tuple[str, str]]:
    """``(module, name)`` for every name ``module`` imports from the harness package or a submodule of it."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == HARNESS:
            found.extend((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((alias.name, "") for alias in node.names if alias.name.split(".")[0] == HARNESS)
    return found


def compiled_runtime_modules(spec_dir: Path, specs: list[str], out: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.chdir(spec_dir)
    assert main(["compile", *specs, "--harness", HARNESS, "-o", str(out)]) == 0
    modules = sorted(out.glob("*_runtime.py"))
    assert len(modules) == len(specs)
    return modules


def assert_published_only(modules: list[Path]) -> set[str]:
    used: set[str] = set()
    for module in modules:
        imports = harness_imports(module)
        assert imports, f"{module.name} imports nothing from {HARNESS}"
        assert {name for name, _ in imports} == {HARNESS}, f"{module.name} imports a harness submodule: {imports}"
        unknown = sorted(name for _, name in imports if name not in PUBLIC_NAMES)
        assert unknown == [], f"{module.name} imports names the published harness does not export: {unknown}"
        used.update(name for _, name in imports)
    return used


def test_the_recorded_list_is_the_published_one() -> None:
    header = NAMES_FILE.read_text(encoding="utf-8").splitlines()[:4]
    assert "0.1.0a1" in header[2] and "f5feaa79" in header[3]
    assert {"define_runtime", "create_runtime", "define_tool", "Runtime", "TestingConfig"} <= PUBLIC_NAMES
    assert "define_eval_request" in PUBLIC_NAMES and "RuntimeAdapter" not in PUBLIC_NAMES  # ours is not theirs


def test_every_spec_compiles_to_definitions_that_import_only_published_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = compiled_runtime_modules(REPO / "specs", SPECS, tmp_path / "out", monkeypatch)
    used = assert_published_only(modules)
    assert {"define_runtime", "create_runtime", "define_tenant", "define_tool"} <= used


@pytest.mark.parametrize("index", DOC_FILES)
def test_every_spec_the_docs_compile_imports_only_published_names(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "example.agentspec").write_text(DOC_BLOCKS[index], encoding="utf-8")
    assert_published_only(compiled_runtime_modules(tmp_path, ["example.agentspec"], tmp_path / "out", monkeypatch))


def test_the_checker_sees_a_name_outside_the_list(tmp_path: Path) -> None:
    module = tmp_path / "x_runtime.py"
    module.write_text("from flowai_harness import define_runtime, RuntimeAdapter\nimport flowai_harness.studio\n")
    imports = harness_imports(module)
    assert imports == [("flowai_harness", "define_runtime"), ("flowai_harness", "RuntimeAdapter"), ("flowai_harness.studio", "")]
    with pytest.raises(AssertionError, match="submodule"):
        assert_published_only([module])
    module.write_text("from flowai_harness import define_runtime, RuntimeAdapter\n")
    with pytest.raises(AssertionError, match="RuntimeAdapter"):
        assert_published_only([module])


def test_the_definitions_run_on_a_harness_that_only_re_exports_the_runtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agentspec_runtime

    shim = tmp_path / "shim" / HARNESS
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("from agentspec_runtime import *  # noqa: F401,F403\n", encoding="utf-8")
    modules = compiled_runtime_modules(REPO / "specs", SPECS, tmp_path / "out", monkeypatch)
    monkeypatch.syspath_prepend(str(tmp_path / "shim"))
    monkeypatch.syspath_prepend(str(REPO / "examples"))
    monkeypatch.delitem(sys.modules, HARNESS, raising=False)
    for module in modules:
        with imported(module.parent, module.stem) as (definitions,):
            assert isinstance(definitions.RUNTIME_SPEC, agentspec_runtime.RuntimeSpec)
            assert isinstance(definitions.build_runtime(), agentspec_runtime.Runtime)
    monkeypatch.delitem(sys.modules, HARNESS, raising=False)
