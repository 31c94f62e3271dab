"""Exceptions of the runtime, and why each exists.

Only two of them are meant for users:

* ``ToolFailure`` — raise it from a tool handler to make the tool fail with
  exactly your message (any other exception fails the tool too, but its message
  is prefixed with the exception type).
* ``StreamTimeout`` — raised by :class:`agentspec_runtime.testing.bridge.RuntimeAdapter`
  when a stream does not finish in time, so a hung run fails a test instead of
  hanging it.

``StreamError`` and ``ScriptError`` are internal signals: an interpreter raises
them to end a run, and the runtime turns them into an ``error`` event (top-level
run) or an error tool result (a routed agent's run). They never reach the
consumer of a stream as exceptions.
"""

from __future__ import annotations


class ToolFailure(Exception):
    """A tool handler failed in an expected way; the message becomes the tool's error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StreamError(Exception):
    """Ends an agent run with an error that has a stable machine-readable code."""

    code = "run_failed"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ScriptError(StreamError):
    """The scripted interpreter was given a prompt that is not a well-formed script."""

    code = "invalid_script"


class StreamTimeout(Exception):
    """A runtime stream did not finish within the adapter's hard timeout.

    Deliberately not a ``TimeoutError``: agentgate treats those as its own
    scenario timeout and reports its own limit instead of this message.
    """
