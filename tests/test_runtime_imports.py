"""The runtime deploys alone: importing every runtime module pulls in no compiler dependency."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import agentspec_runtime

FORBIDDEN = ("lark", "jinja2", "black", "pygls", "pygments", "agentspec")


def runtime_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(agentspec_runtime.__path__, prefix="agentspec_runtime.")
    )


def test_every_runtime_module_imports_without_compiler_dependencies() -> None:
    modules = runtime_modules()
    assert "agentspec_runtime.interpreters.scripted" in modules and len(modules) > 20
    program = (
        "import importlib, json, sys\n"
        f"for name in {['agentspec_runtime', *modules]!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    top_level = set(json.loads(completed.stdout))
    assert "agentspec_runtime" in top_level and "agentgate" in top_level
    assert not top_level & set(FORBIDDEN), f"runtime imported {sorted(top_level & set(FORBIDDEN))}"


def test_the_public_surface_is_what_all_lists() -> None:
    exported = set(agentspec_runtime.__all__)
    assert all(hasattr(agentspec_runtime, name) for name in exported)
    for name in ("create_runtime", "define_tool", "RuntimeAdapter", "events_to_trace", "ExpectDispatched", "run_scenario"):
        assert name in exported
