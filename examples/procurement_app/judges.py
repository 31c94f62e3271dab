"""Judge functions for ``judge "..." using "procurement_app.judges:..."`` expectations.

agentgate calls ``judge_fn(criteria, trace_text)``; the trace text ends with
``Final output: ...``, the run's answer. These judges are deterministic (they
read that answer instead of asking a model), so CI gives the same verdict
every run.
"""

from __future__ import annotations

import re

_FINAL = "Final output: "


def states_the_order(criteria: str, trace_text: str) -> tuple[bool, str]:
    """Passes when the answer says, in words, how many units of which SKU are on order."""
    answer = trace_text.split(_FINAL, 1)[1] if _FINAL in trace_text else ""
    if not answer:
        return False, "the run gave no answer"
    if "{" in answer:
        return False, "the answer is tool-result JSON, not words"
    if not re.search(r"\b\d+ units? of SKU-\d+ (?:are|is) on order\b", answer):
        return False, f"the answer does not say what is on order: {answer!r}"
    return True, "the answer states the order"
