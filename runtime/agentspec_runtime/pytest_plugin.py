"""The pytest plugin generated tests run under (entry point ``pytest11: agentspec``).

``--agentspec-interpreter {scripted,anthropic,openai}`` selects the interpreter
for generated tests (default: ``AGENTSPEC_INTERPRETER``, else ``scripted``);
``--agentspec-concurrency N`` bounds how many runs of one scenario wait on the
network at once in live mode. See ``agentspec_runtime.live.selection``.
``--agentspec-shard I/N`` keeps the I-th of N disjoint, stable shards of the
collected tests (``agentspec_runtime.sharding``), for a CI matrix; it applies
to generated tests and to scenarios the compiler's plugin collects from
``.agentspec`` files alike.
"""

from __future__ import annotations

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
