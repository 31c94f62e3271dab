"""Judge functions for ``judge "..." using "travel_app.judges:..."`` expectations.

agentgate calls ``judge_fn(criteria, trace_text)`` and accepts a bool or a
``(passed, reasoning)`` pair. These judges are deterministic: they read the
trace text instead of asking a model, so CI gives the same answer every run.
"""

from __future__ import annotations


def confirms_booking(criteria: str, trace_text: str) -> tuple[bool, str]:
    """Passes when the run booked a flight and its output shows the confirmation."""
    booked = "tool_call: book_flight(" in trace_text
    confirmed = '"status": "confirmed"' in trace_text
    if booked and confirmed:
        return True, "the booking was made and confirmed"
    if not booked:
        return False, "book_flight was never called"
    return False, "book_flight was called but no confirmation appears in the output"
