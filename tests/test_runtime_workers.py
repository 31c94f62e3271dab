"""The daemon threads synchronous user code runs in (``agentspec_runtime.workers``).

Each test uses a pool of its own; blocked calls wait on ``threading.Event``s the
test sets afterwards. Waits are bounded (``wait(timeout=...)``, ``until``) so a
broken pool fails the test instead of hanging it; nothing asserts a duration.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import weakref
from typing import Callable

import pytest

from agentspec_runtime import workers


def until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether ``condition()`` became true within ``seconds`` (polled)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def recording(seen: list, done: threading.Event) -> Callable[[], None]:
    def call() -> None:
        seen.append((threading.get_ident(), threading.current_thread().name, threading.current_thread().daemon))
        done.set()

    return call


def test_a_thread_that_finished_its_call_runs_the_next_one() -> None:
    pool = workers.Pool()
    seen: list = []
    first, second = threading.Event(), threading.Event()
    pool.submit(recording(seen, first), "first")
    assert first.wait(timeout=10) and until(lambda: pool.idle == 1)
    pool.submit(recording(seen, second), "second")
    assert second.wait(timeout=10)
    (ident_1, name_1, daemon_1), (ident_2, name_2, daemon_2) = seen
    assert ident_1 == ident_2 and (name_1, name_2) == ("first", "second") and daemon_1 and daemon_2


def test_a_stuck_call_does_not_delay_the_next_one() -> None:
    pool = workers.Pool()
    release, started, ran = threading.Event(), threading.Event(), threading.Event()

    def stuck() -> None:
        started.set()
        release.wait(timeout=60)

    try:
        pool.submit(stuck, "stuck")
        assert started.wait(timeout=10)
        pool.submit(ran.set, "other")  # no thread is idle: a new one runs it while `stuck` blocks
        assert ran.wait(timeout=10)
    finally:
        release.set()
    assert until(lambda: pool.idle == 2)  # both threads wait for calls again


def test_an_idle_thread_exits_after_a_while() -> None:
    pool = workers.Pool(idle_seconds=0.01)
    seen: list = []
    done = threading.Event()
    pool.submit(recording(seen, done), "brief")
    assert done.wait(timeout=10)
    ident, _, _ = seen[0]
    assert until(lambda: ident not in {thread.ident for thread in threading.enumerate()})
    assert pool.idle == 0
    again = threading.Event()
    pool.submit(again.set, "again")  # a new thread, since none is idle
    assert again.wait(timeout=10)


def test_many_calls_at_once_all_run() -> None:
    pool = workers.Pool()
    done = [threading.Event() for _ in range(50)]
    for event in done:
        pool.submit(event.set, "many")
    assert all(event.wait(timeout=10) for event in done)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_starts_its_own_threads() -> None:
    warm = threading.Event()
    workers.submit(warm.set, "warm")  # the parent's shared pool now has an idle thread
    assert warm.wait(timeout=10) and until(lambda: workers._pool.idle >= 1)
    pid = os.fork()
    if pid == 0:  # the child: the parent's idle thread does not exist here
        ran = threading.Event()
        workers.submit(ran.set, "child")
        os._exit(0 if ran.wait(timeout=10) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_an_idle_thread_keeps_nothing_of_its_last_call() -> None:
    # a call's closure holds the user code's arguments and the future of its result
    pool = workers.Pool(idle_seconds=60.0)

    class Payload:
        pass

    payload = Payload()
    kept = weakref.ref(payload)
    done = threading.Event()

    def call(held: Payload = payload) -> None:
        done.set()

    pool.submit(call, "payload")
    assert done.wait(timeout=10)
    del call, payload
    assert until(lambda: pool.idle == 1)  # the thread is waiting for its next call
    gc.collect()
    assert kept() is None
