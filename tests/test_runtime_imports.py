"""What importing the runtime pulls in.

The runtime deploys alone: authoring and running (``agentspec_runtime``) need
only pydantic, so using them must load neither agentgate nor pytest nor any
compiler dependency. The package imports its names on first use: its pytest
plugins are loaded by every pytest session of an environment that has the
runtime installed, and must not make each of them pay for the spec models.
Testing support (``agentspec_runtime.testing``) may load agentgate, but only in
the modules that use it: fixtures, scripts and approval scripts (used by
generated runtime definitions) stay free of it too.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

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


def program_output(program: str) -> str:
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout


def modules_after(statement: str) -> set[str]:
    """The modules in ``sys.modules`` of a fresh interpreter that ran ``statement``."""
    return set(json.loads(program_output(f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))\n")))


def top_level_packages_after_importing(*modules: str) -> set[str]:
    """The top-level packages in ``sys.modules`` of a fresh interpreter that imported ``modules``."""
    loaded = modules_after(f"import importlib\nfor name in {list(modules)!r}:\n    importlib.import_module(name)")
    return {module.split(".")[0] for module in loaded}


def test_the_authoring_api_loads_neither_agentgate_nor_pytest_nor_the_compiler() -> None:
    loaded = top_level_packages_after_importing("agentspec_runtime")
    assert "agentspec_runtime" in loaded and "pydantic" not in loaded  # its names are imported on first use
    authoring = modules_after("from agentspec_runtime import create_runtime, define_runtime, define_tool")
    used = {module.split(".")[0] for module in authoring}
    assert "pydantic" in used
    assert not used & {*TESTING, *COMPILER}, f"the authoring API loaded {sorted(used & {*TESTING, *COMPILER})}"


def test_the_pytest_plugins_load_neither_the_engine_nor_the_spec_models() -> None:
    # every pytest session of an environment with the runtime installed loads both
    loaded = modules_after("import agentspec_runtime.pytest_plugin, agentspec_runtime.summary_plugin")
    assert "agentspec_runtime.live.selection" in loaded
    heavy = {"pydantic", "agentspec_runtime.specs", "agentspec_runtime.runtime", "agentspec_runtime.engine"}
    assert not heavy & loaded, f"the pytest plugins loaded {sorted(heavy & loaded)}"


def test_every_lazy_name_has_its_home_and_an_import_for_type_checkers() -> None:
    # the table __getattr__ reads and the imports under TYPE_CHECKING say the same thing
    tree = ast.parse(Path(agentspec_runtime.__file__).read_text())
    guarded = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    imported = {(node.module, alias.name) for node in guarded.body for alias in node.names}
    table = {(module, name) for module, names in agentspec_runtime._HOMES.items() for name in names}
    assert imported == table
    # with the eval names (lazy too) and the one bound eagerly, they are __all__
    public = {name for _, name in table} | set(agentspec_runtime._EVAL_NAMES) | {"glimpse"}
    assert public == set(agentspec_runtime.__all__)
    for module, name in sorted(table):
        assert getattr(agentspec_runtime, name) is getattr(importlib.import_module(f"agentspec_runtime.{module}"), name)


def test_glimpse_stays_the_function_after_its_module_is_imported() -> None:
    program = (
        "import agentspec_runtime.glimpse, agentspec_runtime.runtime\n"
        "from agentspec_runtime import glimpse\n"
        "print(callable(glimpse), type(glimpse).__name__)"
    )
    assert program_output(program).split() == ["True", "function"]


def test_a_submodule_resolves_as_an_attribute_and_a_dunder_probe_imports_nothing() -> None:
    assert program_output("import agentspec_runtime\nprint(agentspec_runtime.specs.AgentSpec.__name__)").split() == [
        "AgentSpec"
    ]
    probe = (
        "import sys, agentspec_runtime\n"
        "print(hasattr(agentspec_runtime, '__wrapped__'), 'agentgate' in sys.modules, 'pydantic' in sys.modules)"
    )
    assert program_output(probe).split() == ["False", "False", "False"]


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
