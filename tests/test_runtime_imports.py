"""What importing the runtime pulls in.

The runtime deploys alone: authoring and running (``agentspec_runtime``) need
only pydantic, so importing it must load neither agentgate nor pytest nor any
compiler dependency. Testing support (``agentspec_runtime.testing``) may load
agentgate, but only in the modules that use it: fixtures, scripts and approval
scripts (used by generated runtime definitions) stay free of it too.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import agentspec_runtime
import agentspec_runtime.testing

COMPILER = ("lark", "jinja2", "black", "pygls", "pygments", "agentspec")
TESTING = ("agentgate", "pytest", "_pytest")
#: testing modules that need agentgate; every other runtime module must not load it
USES_AGENTGATE = {
    "agentspec_runtime.testing.bridge",
    "agentspec_runtime.testing.expectations",
    "agentspec_runtime.testing.located",
    "agentspec_runtime.testing.runner",
}


def runtime_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(agentspec_runtime.__path__, prefix="agentspec_runtime.")
    )


def top_level_packages_after_importing(*modules: str) -> set[str]:
    """The top-level packages in ``sys.modules`` of a fresh interpreter that imported ``modules``."""
    program = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    return set(json.loads(completed.stdout))


def test_importing_agentspec_runtime_loads_neither_agentgate_nor_pytest_nor_the_compiler() -> None:
    loaded = top_level_packages_after_importing("agentspec_runtime")
    assert "agentspec_runtime" in loaded and "pydantic" in loaded
    assert not loaded & {*TESTING, *COMPILER}, f"import agentspec_runtime loaded {sorted(loaded & {*TESTING, *COMPILER})}"


def test_no_runtime_module_outside_the_agentgate_bridge_loads_agentgate_or_pytest() -> None:
    modules = [name for name in runtime_modules() if name not in USES_AGENTGATE]
    assert "agentspec_runtime.interpreters.scripted" in modules and "agentspec_runtime.testing.fixtures" in modules
    loaded = top_level_packages_after_importing(*modules)
    assert not loaded & {*TESTING, *COMPILER}, f"runtime modules loaded {sorted(loaded & {*TESTING, *COMPILER})}"


def test_every_runtime_module_imports_without_compiler_dependencies() -> None:
    modules = runtime_modules()
    assert USES_AGENTGATE <= set(modules) and len(modules) > 20
    loaded = top_level_packages_after_importing("agentspec_runtime", *modules)
    assert "agentgate" in loaded  # the bridge really is agentgate's
    assert not loaded & set(COMPILER), f"runtime imported {sorted(loaded & set(COMPILER))}"


def test_the_public_surfaces_are_what_all_lists() -> None:
    for module in (agentspec_runtime, agentspec_runtime.testing):
        assert all(hasattr(module, name) for name in module.__all__), module.__name__
    for name in ("create_runtime", "define_tool", "Interpreter", "StreamTimeout"):
        assert name in agentspec_runtime.__all__
    for name in ("RuntimeAdapter", "events_to_trace", "ExpectDispatched", "run_scenario", "script", "returns"):
        assert name in agentspec_runtime.testing.__all__ and name not in agentspec_runtime.__all__


def test_the_old_top_level_testing_names_still_resolve_from_the_testing_package() -> None:
    from agentspec_runtime import RuntimeAdapter, run_scenario  # the names generated code of 0.1 imported
    from agentspec_runtime.testing.bridge import RuntimeAdapter as adapter
    from agentspec_runtime.testing.runner import run_scenario as runner

    assert RuntimeAdapter is adapter and run_scenario is runner
    try:
        agentspec_runtime.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name must be an AttributeError")
