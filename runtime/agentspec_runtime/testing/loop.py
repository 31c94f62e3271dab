"""One event loop for the scenarios a process runs, instead of one per scenario.

``asyncio.run`` builds an event loop (a selector, a self-pipe, signal
handlers) and tears it down again; for a scripted scenario that costs more
than the scenario itself. :func:`run` drives a coroutine on one loop kept for
the main thread and reused by every scenario after it.

Scenarios stay isolated: after each coroutine, every task still pending on
the loop (a handler's background task, an abandoned call) is cancelled and
awaited before :func:`run` returns, so nothing one scenario started can run
during the next. Anything else a runtime keeps is per runtime, and generated
tests build a fresh one per scenario.

Other threads (agentgate's workers, a user's own) and callers inside a
running loop get what ``asyncio.run`` gives: a private loop, closed after use.
"""

from __future__ import annotations

import asyncio
import asyncio.tasks
import atexit
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Coroutine, TypeVar

T = TypeVar("T")

_shared: asyncio.AbstractEventLoop | None = None

#: Python 3.11's registry of every task not yet freed. ``asyncio.all_tasks`` copies it under an iteration guard and
#: filters it on every call, even when it is empty, as it is after nearly every scenario: an empty registry means
#: no task is pending anywhere. Where it is not a WeakSet (3.12 on keep tasks elsewhere) ``all_tasks`` alone decides.
_REGISTRY = getattr(asyncio.tasks, "_all_tasks", None)
if not isinstance(_REGISTRY, weakref.WeakSet):
    _REGISTRY = None


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion and return its result (see the module docstring)."""
    if threading.current_thread() is not threading.main_thread() or _running():
        return _private(coroutine)
    loop = _main_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        _cancel_leftovers(loop)


def _running() -> bool:
    # asyncio's own test for a running loop (get_running_loop raises instead, which costs more, once per scenario)
    return asyncio._get_running_loop() is not None


def _private(coroutine: Coroutine[Any, Any, T]) -> T:
    if not _running():
        return asyncio.run(coroutine)
    # called from inside a running loop (an async test): a private loop in a worker thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _main_loop() -> asyncio.AbstractEventLoop:
    global _shared
    if _shared is None or _shared.is_closed():
        _shared = asyncio.new_event_loop()
        atexit.register(_close, _shared)
    return _shared


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is still pending on ``loop`` and wait for it to finish."""
    if _REGISTRY is not None and not _REGISTRY:  # no task exists at all, on any loop
        return
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not pending:
        return
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def _close(loop: asyncio.AbstractEventLoop) -> None:
    if loop.is_closed() or loop.is_running():
        return
    _cancel_leftovers(loop)
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
