"""The two distributions: build each wheel and install it into a fresh virtual environment.

``agentspec-runtime`` (runtime/pyproject.toml) installs alone and runs agents
with pydantic only; ``agentspec`` (pyproject.toml) installs with it, compiles
a spec, and the generated test passes under the installed packages.

Slow (builds, venvs and pip installs whose dependencies come from the package
index), so marked ``slow``; CI runs them too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

RUN_AGENT = (
    "import asyncio, json, agentspec_runtime\n"
    "from agentspec_runtime import create_runtime, define_runtime, define_specialist, define_tenant\n"
    "spec = define_runtime(tenant=define_tenant('acme', 'v1'),\n"
    "    agents=[define_specialist('s', model='claude-haiku-4-5')], providers=['anthropic'])\n"
    "async def main():\n"
    "    return [e['type'] async for e in create_runtime(spec, interpreter='scripted').run_specialist('s', 'hi')]\n"
    "print(json.dumps([agentspec_runtime.__file__, asyncio.run(main())]))\n"
)


#: what a checkout may hold that is not source: setuptools would pack a stale build/lib into the wheel
NOT_SOURCE = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", ".venv", ".git", ".pytest_cache")


def clean_copy(parts: list[str], where: Path) -> Path:
    """The named files and folders of the checkout, copied without build leftovers."""
    for part in parts:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, where / part, ignore=NOT_SOURCE)
        else:
            (where / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, where / part)
    return where


def build_wheel(source: Path, outdir: Path, name: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = outdir.glob(f"{name}-*.whl")
    return wheel


def metadata(wheel: Path) -> dict[str, list[str]]:
    archive = zipfile.ZipFile(wheel)
    (path,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    message = Parser().parsestr(archive.read(path).decode())
    return {key: message.get_all(key) or [] for key in ("Name", "Requires-Dist", "Provides-Extra")}


def fresh_venv(where: Path, *wheels: Path) -> Path:
    venv.create(where, with_pip=True)
    python = where / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *map(str, wheels)],
        check=True,
        capture_output=True,
        text=True,
    )
    return python


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dist = tmp_path_factory.mktemp("dist")
    sources = clean_copy(["pyproject.toml", "README.md", "LICENSE", "compiler", "runtime"], tmp_path_factory.mktemp("src"))
    return {
        "runtime": build_wheel(sources / "runtime", dist, "agentspec_runtime"),
        "compiler": build_wheel(sources, dist, "agentspec"),
    }


@pytest.mark.slow
def test_the_runtime_wheel_installs_alone_and_runs_agents_without_agentgate(wheels: dict[str, Path], tmp_path: Path) -> None:
    wheel = wheels["runtime"]
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "agentspec_runtime/__init__.py",
        "agentspec_runtime/py.typed",
        "agentspec_runtime/interpreters/scripted.py",
        "agentspec_runtime/testing/bridge.py",
    ):
        assert expected in names, f"{expected} missing from {wheel.name}"
    assert not [n for n in names if n.startswith("agentspec/")], "the compiler leaked into the runtime wheel"
    meta = metadata(wheel)
    assert meta["Name"] == ["agentspec-runtime"]
    unconditional = [r for r in meta["Requires-Dist"] if "extra ==" not in r]
    assert [r.split(">")[0].split("<")[0] for r in unconditional] == ["pydantic"]
    assert set(meta["Provides-Extra"]) >= {"testing", "anthropic", "openai"}

    python = fresh_venv(tmp_path / "venv", wheel)
    completed = subprocess.run([str(python), "-c", RUN_AGENT], check=True, capture_output=True, text=True, cwd=tmp_path)
    runtime_file, events = json.loads(completed.stdout)
    assert str(tmp_path / "venv") in runtime_file  # the installed copy, not the checkout
    assert events == ["tool-agent", "step-start", "text", "tool-agent", "finish", "data-cost-summary", "data-latency-summary"]
    for absent in ("agentgate", "pytest", "lark", "black"):
        probe = subprocess.run([str(python), "-c", f"import {absent}"], capture_output=True, text=True, cwd=tmp_path)
        assert probe.returncode != 0, f"{absent} was installed with the runtime alone"


@pytest.mark.slow
def test_the_agentspec_wheel_installs_with_the_runtime_and_its_generated_tests_pass(
    wheels: dict[str, Path], tmp_path: Path
) -> None:
    wheel = wheels["compiler"]
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("agentspec/__init__.py", "agentspec/cli.py"):
        assert expected in names, f"{expected} missing from {wheel.name}"
    assert not [n for n in names if n.startswith("agentspec_runtime/")], "the runtime is its own distribution"
    assert "agentspec-runtime[testing]==0.1.0" in metadata(wheel)["Requires-Dist"]

    python = fresh_venv(tmp_path / "venv", wheel, wheels["runtime"])
    spec = (REPO / "README.md").read_text(encoding="utf-8").split("```agentspec\n", 1)[1].split("```", 1)[0]
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "hello.agentspec").write_text(spec, encoding="utf-8")
    agentspec = python.parent / "agentspec"
    subprocess.run([str(agentspec), "compile", "specs", "-o", "generated"], check=True, capture_output=True, text=True, cwd=tmp_path)
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "generated"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert tests.returncode == 0, tests.stdout[-2000:]
    assert "1 passed" in tests.stdout
    completed = subprocess.run(
        [str(python), "-c", "import agentspec, agentspec_runtime, json; print(json.dumps([agentspec.__file__, agentspec_runtime.__file__]))"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    )
    assert all(str(tmp_path / "venv") in path for path in json.loads(completed.stdout))
