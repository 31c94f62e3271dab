"""pytest runs ``.agentspec`` files directly (entry point ``pytest11: agentspec_specs``).

``pytest specs/`` collects each spec file as a ``SpecFile`` and each of its
scenarios as a ``ScenarioItem`` with node id ``specs/travel.agentspec::<scenario
name>`` (a scenario's ``score`` block is a second item, ``<scenario name>[score]``,
as it is a second generated test). The spec is checked exactly as ``agentspec
check`` checks it; errors are the file's collection error, showing the
diagnostics as ``check`` prints them. Each item runs the lowered scenario
(``codegen.lower``, the IR code generation renders) through
``codegen.execute``: the same runtime, adapter, expectations and failure
report as the generated test, with each failing expectation's spec line.

Which spec files are collected: those under a path named on the command line
(``pytest specs/``, ``pytest specs/travel.agentspec``) or, for a bare
``pytest``, under the configured ``testpaths``. A bare ``pytest`` with no
``testpaths`` collects none, so a project that also keeps compiled tests
beside its specs does not run every scenario twice. See docs/pytest.md.

The runtime's own plugin (``agentspec_runtime.pytest_plugin``) adds
``--agentspec-interpreter``, ``--agentspec-concurrency`` and
``--agentspec-shard``; they apply to these items as to generated tests.

This module is imported by every pytest session of an environment with
agentspec installed, so it imports nothing of the compiler until a spec file
is collected.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from agentspec import interpreter_mode
from agentspec.paths import SPEC_SUFFIX

_ROOTS = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "agentspec: a scenario collected from a .agentspec file")
    config.stash[_ROOTS] = _collection_roots(config)
    # the checker's one mode-dependent rule (E321: a judge without `using` needs a live model)
    # follows the runtime's --agentspec-interpreter, as the scenarios do
    interpreter_mode.choose(config.getoption("agentspec_interpreter", None))


@pytest.hookimpl(tryfirst=True)  # before pytest's own unconfigure collects the cycle collector's garbage
def pytest_unconfigure(config: pytest.Config) -> None:
    interpreter_mode.choose(None)
    _let_go_of_units(config)


def _let_go_of_units(config: pytest.Config) -> None:
    """Drop the session's spec units now that every item has run and been reported.

    They hold every scenario's lowered IR (about 70 objects a scenario) and would
    otherwise stay alive to the end of the process; pytest's final full collections
    (twice, in its unconfigure and its cleanup, to report what finalizers raised)
    then walk them for nothing: about 0.1 s of CPU after 1,000 scenarios
    (docs/performance.md). Items and files keep no reference to them.
    """
    config.stash[_UNITS] = {}
    spec_units = sys.modules.get("agentspec.spec_units")
    if spec_units is not None:
        spec_units.forget()


_DEFERRED = pytest.StashKey[tuple[int, ...]]()
#: the oldest generation's threshold while spec files are collected: never reached
_OUT_OF_REACH = 2**31 - 1


def _defer_full_collections(config: pytest.Config) -> None:
    """Hold back the cycle collector's full collections until collection is over (from the first spec file).

    Loading a stored unit builds some 35 objects a scenario that all live on,
    and each item some more; as they age, a full collection starts, which
    walks the whole heap (pytest's tree, every module), 25-60 ms at 1,000
    scenarios. Once collection is done the runtime's plugin freezes that heap
    for the run (``agentspec_runtime.pytest_plugin``), so such a collection
    only delays what comes next. The young generations are still collected,
    so short-lived garbage goes as before; garbage cycles that outlived them
    wait, as those left since the last full collection always did (frozen for
    the run, or collected at the next full collection). The thresholds are
    restored when collection ends, however it ends.
    """
    if _DEFERRED not in config.stash:
        config.stash[_DEFERRED] = gc.get_threshold()
        young, middle, *_ = config.stash[_DEFERRED]
        gc.set_threshold(young, middle, _OUT_OF_REACH)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session):
    try:
        return (yield)
    finally:
        thresholds = session.config.stash.get(_DEFERRED, None)
        if thresholds is not None:
            del session.config.stash[_DEFERRED]
            if gc.get_threshold()[2:] == (_OUT_OF_REACH,):  # as we left them (a conftest may have set its own)
                gc.set_threshold(*thresholds)


def _collection_roots(config: pytest.Config) -> list[str]:
    """Absolute paths under which spec files are collected (see the module doc)."""
    if config.args_source == pytest.Config.ArgsSource.INVOCATION_DIR:
        return []
    base = config.invocation_params.dir
    return [os.path.abspath(os.path.join(base, arg.split("::", 1)[0])) for arg in config.args]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != SPEC_SUFFIX:
        return None
    where = os.path.abspath(file_path)
    for root in parent.config.stash[_ROOTS]:
        if where == root or where.startswith(root.rstrip(os.sep) + os.sep):
            return SpecFile.from_parent(parent, path=file_path)
    return None


def _spec_path(file_path: Path) -> str:
    """The path diagnostics and spec lines show: relative to the working directory
    when the file is below it (``specs/travel.agentspec``, as ``agentspec check specs`` says)."""
    relative = os.path.relpath(file_path)
    return relative if not relative.startswith(os.pardir) else str(file_path)


_UNITS = pytest.StashKey[dict[str, Any]]()
_USED = pytest.StashKey[Any]()


def _unit(config: pytest.Config, file_path: Path) -> Any:
    """The file's ``SpecUnit``, made once per session (``spec_units.unit_for``)."""
    return _unit_at(config, _spec_path(file_path))


def _unit_at(config: pytest.Config, path: str) -> Any:
    """The ``SpecUnit`` of the spec file ``path`` (as ``_spec_path`` gave it at collection)."""
    from agentspec.spec_units import unit_for

    units = config.stash.setdefault(_UNITS, {})
    if path not in units:
        units[path] = unit_for(path)
    return units[path]


def _used_in_run(session: pytest.Session) -> Any:
    """The agents and scripts that the run's spec files use, together: W101/W104 are judged
    over them, as ``agentspec check specs`` judges them over the files it is given.

    The run's spec files are known only once collection is over, but a file's
    warnings are shown (or, with ``strict``, fail it) as it is collected; so
    they are found here as pytest will find them: under the collection roots,
    less what its ignore rules (``collect_ignore``, ``--ignore``,
    ``norecursedirs``) leave out.
    """
    config = session.config
    if _USED not in config.stash:
        from agentspec.paths import PathNotFound, discover
        from agentspec.spec_units import used_across

        files: list[Path] = []
        for root in map(Path, config.stash[_ROOTS]):
            try:
                found = discover([str(root)])
            except PathNotFound:  # pytest reports a missing path itself
                continue
            files += [Path(file) for file in found if _reached(session, Path(file), root)]
        config.stash[_USED] = used_across([_unit(config, file) for file in sorted(set(files))])
    return config.stash[_USED]


def _reached(session: pytest.Session, file: Path, root: Path) -> bool:
    """Whether pytest's collection from ``root`` reaches ``file`` (no ignore rule stops it on the way)."""
    if file == root:
        return True
    way = [file, *file.parents[: len(file.relative_to(root).parts) - 1]]
    return not any(
        session.gethookproxy(path).pytest_ignore_collect(collection_path=path, config=session.config)
        for path in reversed(way)
    )


class SpecFile(pytest.File):
    """A ``.agentspec`` file: one item per scenario, or a collection error showing its diagnostics.

    The file's ``SpecUnit`` (its lowered scenarios above all) is looked up in
    the session's units each time, never kept here or on the items, so that
    letting go of the units when the session ends lets go of all of it
    (:func:`pytest_unconfigure`).
    """

    _namespace: dict[str, Any] | None = None
    _namespace_error: BaseException | None = None

    def collect(self):
        _defer_full_collections(self.config)
        unit = _unit(self.config, self.path)
        self.spec_path = unit.path  # as diagnostics and spec lines show it
        if unit.errors is not None:
            raise self.CollectError(unit.errors)
        warnings = unit.warnings(_used_in_run(self.session))
        if warnings is not None:
            if _strict(self.path):  # as `agentspec check` with [tool.agentspec] strict = true: warnings fail
                raise self.CollectError(f"{warnings}\n(strict = true in [tool.agentspec]: warnings fail)")
            self.warn(SpecWarning(warnings))
        tests = unit.lowered.tests
        if tests is None:
            return
        for index, test in enumerate(tests.tests):
            yield ScenarioItem.from_parent(self, name=test.title, index=index, location=test.location, score=False)
        for index, score in enumerate(tests.scores):
            yield ScenarioItem.from_parent(
                self, name=f"{score.title}[score]", index=index, location=score.location, score=True
            )

    def lowered(self) -> Any:
        """The file's lowered modules (``codegen.Lowered``), by the path it was collected as (a
        scenario that changes the working directory changes no spec path)."""
        return _unit_at(self.config, self.spec_path).lowered

    def namespace(self) -> dict[str, Any]:
        """The names the file's generated test module would have, built once, on first use."""
        if self._namespace_error is not None:
            raise self._namespace_error
        if self._namespace is None:
            from agentspec.codegen.execute import runtime_namespace, test_namespace

            lowered = self.lowered()
            try:
                _add_project_path(self.path)
                runtime = runtime_namespace(lowered.runtime)
                self._namespace = test_namespace(lowered.tests, lowered.runtime.module, runtime)
            except BaseException as exc:  # an import error in user code fails each scenario, as it happened
                self._namespace_error = exc
                raise
        return self._namespace


#: every item's marker: one decorator for all (``add_marker("agentspec")`` looks the name up on ``pytest.mark``
#: each time; a ``Mark`` is immutable, so items can share it)
_MARKER = pytest.mark.agentspec


class ScenarioItem(pytest.Item):
    """One scenario of a spec file (the ``index``-th test, or score test, of its lowered
    test module), run through the lowered IR."""

    def __init__(self, *, index: int, location: str, score: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.line = int(location.rsplit(":", 1)[1])
        self.score = score
        self.add_marker(_MARKER)

    @property
    def test(self) -> Any:
        """The scenario's ``TestCase`` (or ``ScoreTest``) in the IR."""
        tests = self.parent.lowered().tests
        return (tests.scores if self.score else tests.tests)[self.index]

    def runtest(self) -> None:
        from agentspec.codegen.execute import run_score, run_test

        scope = self.parent.namespace()
        (run_score if self.score else run_test)(self.test, scope)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None):
        from agentspec.codegen.execute import ScenarioFailed

        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)  # the report names the spec lines; a Python traceback would not help
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, f"{self.parent.spec_path}:{self.line}: {self.name}"


class SpecWarning(pytest.PytestWarning):
    """A spec has warnings (``agentspec check`` would print them)."""


def _strict(spec: Path) -> bool:
    """``strict`` of the ``[tool.agentspec]`` table that applies to ``spec``."""
    from agentspec.config import ConfigError, load_config

    try:
        return load_config(spec.parent).strict
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None


def _add_project_path(spec: Path) -> None:
    """Put the project's Python path on ``sys.path``, as ``agentspec check`` looks modules up:
    ``[tool.agentspec] pythonpath`` (and pytest's own, which pytest has added already) from the
    nearest ``pyproject.toml``, then the project root."""
    from agentspec.pythonpath import configured_entries, nearest_pyproject

    pyproject = nearest_pyproject(spec.resolve().parent)
    if pyproject is None:
        return
    entries = [str(p) for p in configured_entries(pyproject)] + [str(pyproject.parent)]
    for entry in reversed(entries):
        if os.path.abspath(entry) not in map(os.path.abspath, sys.path):
            sys.path.insert(0, entry)
