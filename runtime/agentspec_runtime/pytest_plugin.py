"""The pytest plugin generated tests run under (entry point ``pytest11: agentspec``).

``--agentspec-interpreter {scripted,anthropic,openai}`` selects the interpreter
for generated tests (default: ``AGENTSPEC_INTERPRETER``, else ``scripted``);
``--agentspec-concurrency N`` bounds how many runs of one scenario wait on the
network at once in live mode. See ``agentspec_runtime.live.selection``.
``--agentspec-shard I/N`` keeps the I-th of N disjoint, stable shards of the
collected tests (``agentspec_runtime.sharding``), for a CI matrix; it applies
to generated tests and to scenarios the compiler's plugin collects from
``.agentspec`` files alike.

In a session that runs agentspec scenarios, the cycle collector's heap is
frozen once collection is done and unfrozen when the session finishes, and
frozen again when the process exits (see :func:`pytest_collection_finish` and
:func:`_freeze_at_exit`; docs/performance.md).
"""

from __future__ import annotations

import atexit
import gc
import sys
from typing import Any

from .live import selection
from .sharding import parse_shard, shard_of

# pytest is imported where it is needed, not here: importing it loads pygments, and the runtime's
# modules import no compiler dependency (tests/test_runtime_imports.py)


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("agentspec", "agentspec generated tests")
    group.addoption(
        "--agentspec-interpreter",
        choices=selection.CHOICES,
        default=None,
        help=f"interpreter for generated tests (default: ${selection.INTERPRETER_ENV}, else scripted); "
        "anthropic/openai run every scenario against the real model",
    )
    group.addoption(
        "--agentspec-concurrency",
        type=int,
        default=None,
        help=f"live mode: runs of one scenario that wait on the network at once "
        f"(default: ${selection.CONCURRENCY_ENV}, else {selection.DEFAULT_CONCURRENCY})",
    )
    group.addoption(
        "--agentspec-shard",
        metavar="I/N",
        default=None,
        help="run only the I-th of N disjoint shards of the collected tests (1 <= I <= N), "
        "chosen by a hash of each node id: the same on every machine, for a CI matrix",
    )


def pytest_configure(config: Any) -> None:
    try:
        selection.choose(
            interpreter=config.getoption("agentspec_interpreter"),
            concurrency=config.getoption("agentspec_concurrency"),
        )
        selection.selected_interpreter()  # a bad environment value is a usage error now, not in every test
        selection.concurrency()
        shard = config.getoption("agentspec_shard")
        if shard is not None:
            parse_shard(shard)
    except ValueError as exc:
        import pytest

        raise pytest.UsageError(str(exc)) from None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    shard = config.getoption("agentspec_shard")
    if shard is None:
        return
    index, count = parse_shard(shard)
    kept, other = [], []
    for item in items:
        (kept if shard_of(item.nodeid, count) == index else other).append(item)
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = kept


#: the session for which this plugin holds the collector's heap frozen (see pytest_collection_finish);
#: a session run inside another (pytester's inline runs) neither freezes nor unfreezes it
_frozen_for: Any = None


def pytest_collection_finish(session: Any) -> None:
    """Freeze the cycle collector's heap once collection is done, in a session that runs
    agentspec scenarios.

    What is alive now — pytest's collected tree, the imported modules, the spec
    models — stays alive until the session ends, and a scenario allocates many
    objects that refcounting frees but the collector still counts: each full
    collection they triggered walked that whole heap again (about 4 per
    thousand scenarios, some 50 ms each). Frozen, it is left out of every
    collection while the tests run. Sessions without scenarios are left alone,
    as is a heap someone else froze. The heap is unfrozen when the session
    finishes, so pytest's final collections (which report exceptions raised in
    finalizers) see every object, as without the freeze, and a process that
    runs pytest again in process gets its collector back as it was.
    """
    global _frozen_for
    if _frozen_for is None and gc.get_freeze_count() == 0 and _runs_scenarios(session.items):
        gc.freeze()
        _frozen_for = session
        _freeze_at_exit()


#: whether this process freezes the heap when it exits (registered once, by the first session with scenarios)
_exit_freeze = False


def _freeze_at_exit() -> None:
    """Freeze the heap once more when the process exits, before Python's finalization.

    Finalization clears every module and runs full collections over whatever
    is still alive; after a thousand scenarios that heap is large (pytest's
    items, the modules, the spec models, the compiler's lowered scenarios for
    `.agentspec` items), and those collections cost 0.1-0.4 s of CPU per run
    (docs/performance.md). By then pytest has made its own final collections
    and reported what finalizers raised, so nothing it reports is lost; the
    objects left are still freed by reference counting as modules are cleared.
    Only garbage in reference cycles is then left to the operating system,
    as Python itself does not promise to finalize objects alive at exit.
    ``atexit`` handlers run last-registered first: this one runs before those
    registered earlier (logging's flush, coverage's save), which are unaffected.
    """
    global _exit_freeze
    if not _exit_freeze:
        atexit.register(gc.freeze)
        _exit_freeze = True


def _runs_scenarios(items: list[Any]) -> bool:
    """Generated test modules import the scenario runner; the compiler's plugin marks its items ``agentspec``."""
    if "agentspec_runtime.testing.runner" in sys.modules:
        return True
    return any(item.get_closest_marker("agentspec") is not None for item in items)


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    global _frozen_for
    if _frozen_for is session:
        gc.unfreeze()
        _frozen_for = None


def pytest_unconfigure(config: Any) -> None:
    selection.choose()


def pytest_report_header(config: Any) -> list[str]:
    lines = []
    shard = config.getoption("agentspec_shard")
    if shard is not None:
        index, count = parse_shard(shard)
        lines.append(f"agentspec: shard {index} of {count} (--agentspec-shard)")
    try:
        name = selection.selected_interpreter()
    except ValueError:
        return lines
    if name != "scripted":
        lines.append(f"agentspec: live interpreter {name}, concurrency {selection.concurrency()}")
    return lines
