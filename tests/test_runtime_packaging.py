"""The wheel: build it, install it into a fresh virtual environment, import both packages.

Slow (a build, a venv and a pip install whose dependencies come from the
package index), so it is marked ``slow``; CI runs it too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_installs_and_both_packages_import(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = dist.glob("agentspec-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "agentspec/__init__.py",
        "agentspec_runtime/__init__.py",
        "agentspec_runtime/py.typed",
        "agentspec_runtime/interpreters/scripted.py",
    ):
        assert expected in names, f"{expected} missing from {wheel.name}"

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    program = (
        "import agentspec, agentspec_runtime, json\n"
        "from agentspec_runtime import create_runtime, define_runtime, define_coordinator, define_tenant\n"
        "spec = define_runtime(tenant=define_tenant('acme', 'v1'),\n"
        "    agents=[define_coordinator('c', model='claude-sonnet-4-6')], providers=['anthropic'])\n"
        "print(json.dumps([agentspec.__file__, agentspec_runtime.__file__, create_runtime(spec).interpreter]))\n"
    )
    completed = subprocess.run([str(python), "-c", program], check=True, capture_output=True, text=True, cwd=tmp_path)
    agentspec_file, runtime_file, interpreter = json.loads(completed.stdout)
    assert str(env) in agentspec_file and str(env) in runtime_file  # the installed copies, not the checkout
    assert interpreter == "noop"
