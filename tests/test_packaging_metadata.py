"""What a package index shows and what the sdist holds: classifiers, project URLs,
absolute README links, a changelog, and an sdist that carries and runs its own tests.

Slow (``python -m build`` fetches setuptools into an isolated environment), so marked
``slow``; CI runs these too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tomllib
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HOME = "https://github.com/agentspec/agentspec"
#: build leftovers and local state a checkout may hold: not part of a source distribution
NOT_SOURCE_NAMES = ("build", "dist", "*.egg-info", "__pycache__", ".venv", ".git", ".pytest_cache")


def project(path: str) -> dict:
    return tomllib.loads((REPO / path).read_text(encoding="utf-8"))["project"]


@pytest.mark.parametrize("pyproject", ["pyproject.toml", "runtime/pyproject.toml"])
def test_classifiers_and_project_urls(pyproject: str) -> None:
    meta = project(pyproject)
    assert "Programming Language :: Python :: 3.11" in meta["classifiers"]
    assert any(c.startswith("Development Status ::") for c in meta["classifiers"])
    assert set(meta["urls"]) == {"Homepage", "Documentation", "Repository", "Issues", "Changelog"}
    assert all(url.startswith(HOME) for url in meta["urls"].values())


@pytest.mark.parametrize("readme", ["README.md", "runtime/README.md", "CHANGELOG.md", "runtime/CHANGELOG.md"])
def test_links_are_absolute_and_name_files_that_exist(readme: str) -> None:
    """A package index shows the README without the repository: a relative link breaks there."""
    text = (REPO / readme).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        assert re.match(r"https?://", target), f"{readme}: relative link {target}"
        if target.startswith(f"{HOME}/blob/main/") or target.startswith(f"{HOME}/tree/main/"):
            path = target.split("/main/", 1)[1].split("#", 1)[0]
            assert (REPO / path).exists(), f"{readme}: {target} names no file of the repository"


@pytest.mark.parametrize("argv", [[], ["check"], ["compile"], ["fmt"], ["record"], ["report"], ["graph"], ["init"], ["lsp"]])
def test_help_points_at_the_published_docs(argv: list[str], capsys) -> None:
    """The wheel ships no docs/: every doc --help names is a link to the published one."""
    from agentspec.cli import main

    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    out = capsys.readouterr().out
    if not argv:
        assert f"Documentation: {HOME}/blob/main/docs/language.md" in out
    for match in re.finditer(r"\S*docs/\w+\.md", out):
        assert match.group().startswith(f"{HOME}/blob/main/docs/"), match.group()
        assert (REPO / match.group().split("/main/", 1)[1]).is_file()


def build_sdist(source: str, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "src"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(
        "node_modules", "agentspec-results", ".hypothesis", "*.vsix", *NOT_SOURCE_NAMES))
    outdir = tmp_path / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(outdir), str(copy / source)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (sdist,) = outdir.glob("*.tar.gz")
    return sdist




@pytest.mark.slow
def test_the_sdist_holds_its_tests_and_runs_them(tmp_path: Path) -> None:
    sdist = build_sdist(".", tmp_path)
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        meta = Parser().parsestr(archive.extractfile(next(n for n in archive.getnames() if n.endswith("/PKG-INFO") and n.count("/") == 1)).read().decode())
        archive.extractall(tmp_path / "unpacked", filter="data")
    for needed in ("tests/conftest.py", "tests/test_cli_formats.py", "tests/data/sarif-schema-2.1.0.json",
                   "specs/travel.agentspec", "examples", "generated/test_travel.py", "grammar/agentspec.lark",
                   "CHANGELOG.md", "LICENSE", ".pre-commit-hooks.yaml", "runtime/pyproject.toml"):
        assert needed in names or any(n.startswith(needed + "/") for n in names), needed
    assert not any("node_modules" in n or "__pycache__" in n for n in names)
    assert "Project-URL: Changelog, https://github.com/agentspec/agentspec/blob/main/CHANGELOG.md" in str(meta)
    assert "Classifier: Topic :: Software Development :: Testing" in str(meta)

    (root,) = (tmp_path / "unpacked").iterdir()
    env = {**os.environ, "PYTHONPATH": str(root / "compiler"), "AGENTSPEC_NO_CACHE": "1"}
    where = subprocess.run([sys.executable, "-c", "import agentspec; print(agentspec.__file__)"],
                           cwd=root, env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(root)), "the tests below run the sdist's own compiler"
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_cli_formats.py",
         "tests/test_checker_diagnostics.py", "tests/test_codegen_golden.py"],
        cwd=root, env=env, capture_output=True, text=True, timeout=900,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert re.search(r"\d+ passed", tests.stdout)


@pytest.mark.slow
def test_the_runtime_sdist_has_its_license_changelog_and_metadata(tmp_path: Path) -> None:
    sdist = build_sdist("runtime", tmp_path)
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        pkg_info = archive.extractfile(next(n for n in archive.getnames() if n.endswith("/PKG-INFO") and n.count("/") == 1)).read().decode()
    assert {"LICENSE", "CHANGELOG.md", "README.md", "agentspec_runtime/__init__.py"} <= names
    assert "Project-URL: Documentation, https://github.com/agentspec/agentspec/blob/main/docs/runtime.md" in pkg_info
