"""Running a tool's handler: off the event loop if it is synchronous, and never
longer than its timeout.

A synchronous handler runs in a thread of its own, so a blocking one (a
``time.sleep``, a socket without a timeout) stalls only itself, never the
other streams on the loop. The thread is a daemon and is not joined: Python
cannot stop a thread, so one that never returns is abandoned when its call
times out, and must not keep the process (or ``asyncio.run``) from exiting.
A thread whose call returned is reused for a later call (``workers``).
Approval predicates and the action dispatcher are called the same way.
An asynchronous handler runs as a task of its own; on timeout it is cancelled
and abandoned, so the call ends on time even if the handler ignores the
cancellation.

The fixtures the runtime makes itself (``testing.fixtures``: ``returns``,
``fails``) await nothing, read no context and return at once; each is
registered with :func:`register_immediate` together with a synchronous twin
taking the arguments alone, which :func:`call_handler` calls directly — no
task, thread or timer for a call that cannot block — and which a tool call
finds with :func:`immediate_twin`, to make no context for it either. Only those
exact function objects are registered: a user's handler, even one wrapping a
fixture, takes the usual path.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import weakref
from typing import Any, Callable

from . import workers

#: How long a handler may run when neither its tool nor ``create_runtime`` says otherwise.
DEFAULT_TOOL_TIMEOUT = 30.0


class HandlerTimeout(Exception):
    """The handler was still running when its timeout passed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
        self.seconds = seconds


def check_timeout(value: Any, where: str) -> float | None:
    """A timeout in seconds: a positive, finite number, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where} must be a number of seconds or None, got {value!r}")
    if not 0 < value < float("inf"):
        raise ValueError(f"{where} must be a positive number of seconds, got {value!r}")
    return float(value)


#: handler -> its synchronous twin (see the module docstring); weak, so a dropped fixture is forgotten
_IMMEDIATE: "weakref.WeakKeyDictionary[Callable[..., Any], Callable[..., Any]]" = weakref.WeakKeyDictionary()


def register_immediate(handler: Callable[..., Any], twin: Callable[[Any], Any]) -> None:
    """Let :func:`call_handler` call ``twin(args)`` instead of ``handler(args, ctx)``: for a handler
    that awaits nothing and reads no context, whose twin returns (or raises) what it would, at once."""
    _IMMEDIATE[handler] = twin


def immediate_twin(handler: Callable[..., Any]) -> Callable[[Any], Any] | None:
    """The twin registered for ``handler``, if it is one of the runtime's own fixtures."""
    return _IMMEDIATE.get(handler)


def is_async(handler: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(getattr(handler, "__call__", None))


async def call_handler(handler: Callable[..., Any], args: Any, ctx: Any, timeout: float | None) -> Any:
    """``handler(args, ctx)``'s result; raises what it raises, or ``HandlerTimeout``."""
    twin = _IMMEDIATE.get(handler)
    if twin is not None:
        return twin(args)
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    if is_async(handler):
        work: asyncio.Future[Any] = asyncio.ensure_future(_contained(handler(args, ctx)))
    else:
        work = _in_thread(handler, args, ctx)
    result = await _outcome(work, deadline, timeout)
    if inspect.isawaitable(result):  # a synchronous function that returned a coroutine
        result = await _outcome(asyncio.ensure_future(_contained(result)), deadline, timeout)
    return result


class _Exit(Exception):
    """Carries a handler's ``SystemExit`` out of its task: raised in a task, asyncio
    would let it escape the event loop itself."""

    def __init__(self, original: SystemExit) -> None:
        self.original = original


async def _contained(awaitable: Any) -> Any:
    try:
        return await awaitable
    except SystemExit as exc:
        raise _Exit(exc) from None


async def _outcome(work: asyncio.Future[Any], deadline: float | None, timeout: float | None) -> Any:
    remaining = None if deadline is None else max(0.0, deadline - asyncio.get_running_loop().time())
    try:
        done, _ = await asyncio.wait({work}, timeout=remaining)
    except asyncio.CancelledError:  # the consumer's task is being cancelled: take the handler with it
        work.cancel()
        raise
    if not done:
        work.cancel()
        work.add_done_callback(_forget)
        raise HandlerTimeout(timeout or 0.0)
    try:
        return work.result()
    except _Exit as exc:
        raise exc.original from None


def _forget(future: asyncio.Future[Any]) -> None:
    """Retrieve an abandoned call's outcome, so asyncio does not log it as never retrieved."""
    if not future.cancelled():
        future.exception()


def _in_thread(function: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
    """Run ``function(*args)`` in a daemon thread (an idle one reused, see ``workers``); a future
    of its result on this loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    context = contextvars.copy_context()

    def settle(setter: Callable[[Any], None], value: Any) -> None:
        if not future.done():  # a timed-out call's future was cancelled long ago
            setter(value)

    def work() -> None:
        try:
            outcome: tuple[Callable[[Any], None], Any] = (future.set_result, context.run(function, *args))
        except BaseException as exc:  # noqa: BLE001 - delivered to the awaiting task, which decides
            outcome = (future.set_exception, exc)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:
            pass  # the loop is closed: nobody waits for this call any more

    workers.submit(work, f"tool handler {getattr(function, '__name__', '?')}")
    return future
