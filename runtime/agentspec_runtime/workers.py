"""Daemon threads for synchronous user code, reused from call to call.

``handlers.call_handler`` runs a synchronous handler, approval predicate or
action dispatcher off the event loop, in a thread of its own. Starting a
thread per call costs about as much as a whole scripted stream (≈0.1 ms here),
so a thread that finished its call waits a while for the next one instead of
exiting. The rules that make a thread per call safe still hold:

* every thread is a daemon and nobody joins it, so a call that never returns
  (abandoned by its timeout) cannot keep the process from exiting;
* a thread is handed a call only while it is idle: one stuck in a call is
  simply busy, and :func:`submit` starts a new thread when none is idle, so a
  stuck call never delays another.

``concurrent.futures.ThreadPoolExecutor`` breaks both: its threads are joined
at interpreter exit and it has a maximum size that stuck calls would fill.
"""

from __future__ import annotations

import os
import queue
import threading
from typing import Callable

#: how long an idle thread waits for another call before it exits
IDLE_SECONDS = 5.0


class Pool:
    """Idle daemon threads waiting for calls; new ones when none is idle (see the module docstring)."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self._idle_seconds = idle_seconds
        self._calls: "queue.SimpleQueue[tuple[Callable[[], None], str]]" = queue.SimpleQueue()
        self._lock = threading.Lock()
        # idle threads minus the calls queued for them; a call is queued only when this is positive
        self._idle = 0

    def submit(self, call: Callable[[], None], name: str) -> None:
        with self._lock:
            if self._idle > 0:
                self._idle -= 1
                # under the lock: an idle thread deciding to exit (below) sees this call
                self._calls.put((call, name))
                return
        # the call goes in a list the thread empties: the Thread object keeps its args while it runs
        threading.Thread(target=self._serve, args=([call],), name=name, daemon=True).start()

    def _serve(self, first: list[Callable[[], None]]) -> None:
        thread = threading.current_thread()
        call = first.pop()
        while True:
            call()  # never raises: the caller's call catches what the user code raises
            del call  # an idle thread keeps nothing of its last call (its arguments, its result's future)
            with self._lock:
                self._idle += 1
            try:
                call, thread.name = self._calls.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:
                    try:  # a call queued for us after the wait gave up, before we took the lock
                        call, thread.name = self._calls.get_nowait()
                    except queue.Empty:
                        self._idle -= 1
                        return

    @property
    def idle(self) -> int:
        """How many threads are waiting for a call."""
        with self._lock:
            return self._idle


_pool = Pool()


def submit(call: Callable[[], None], name: str) -> None:
    """Run ``call()`` (which must not raise) in an idle daemon thread, or a new one; the thread
    is named ``name`` while it runs it."""
    _pool.submit(call, name)


def _after_fork() -> None:
    # a forked child has none of its parent's threads: counting them as idle would strand every call
    global _pool
    _pool = Pool()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
