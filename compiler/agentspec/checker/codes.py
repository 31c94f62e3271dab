"""Every diagnostic code the checker emits, with a one-line title.

The codes are stable: tests, editors and CI scripts match on them. Each is
documented, with an example, in docs/diagnostics.md (a test keeps the two in
step). E0xx come from the parser and loader; the checker owns the rest:
E1xx names that do not resolve, E2xx types and values, E3xx structure,
W1xx warnings.
"""

from __future__ import annotations

import re

from agentspec.project import DOCS

#: The diagnostics reference as published; editors and SARIF link each code to its section.
REFERENCE_URL = f"{DOCS}/diagnostics.md"

CODES: dict[str, str] = {
    # reading and syntax (parser, loader)
    "E001": "syntax error",
    "E002": "unterminated string",
    "E003": "invalid escape sequence",
    "E004": "invalid regular expression",
    "E005": "setting given twice",
    "E006": "unreadable file",
    "E007": "imported file not found",
    "E008": "import cycle",
    "E009": "nesting too deep",
    # names
    "E101": "unknown tool",
    "E102": "unknown agent",
    "E103": "unknown plan",
    "E104": "unknown script",
    "E105": "unknown provider",
    "E106": "unknown plan status",
    "E107": "unknown plan action",
    "E108": "unknown reference kind",
    "E109": "unknown score word",
    "E110": "import path that does not resolve",
    "E111": "unknown service",
    # types and values
    "E201": "unknown or malformed type",
    "E202": "default value does not match its type",
    "E203": "missing required argument",
    "E204": "unknown argument",
    "E205": "argument of the wrong type",
    "E206": "argument given twice",
    "E207": "plan body does not match the plan",
    "E208": "storePlan names another plan",
    "E209": "malformed import path",
    "E210": "value out of range",
    "E211": "malformed dispatched action",
    # structure
    "E301": "duplicate definition",
    "E302": "duplicate or reserved member name",
    "E303": "model without a declared provider",
    "E304": "agent without a model",
    "E305": "setting not allowed for this role",
    "E306": "planner or executor without a plan",
    "E307": "tool with more than one implementation",
    "E308": "tool not available to the agent",
    "E309": "built-in tool used by the wrong role",
    "E310": "call or route the topology does not allow",
    "E311": "scenario without an entry agent",
    "E312": "wrong kind of entry agent",
    "E313": "both `via` and `agent`",
    "E314": "both `mock_response` and `run`",
    "E315": "more than one per compiled unit",
    "E316": "no tenant",
    "E317": "misuse of a built-in tool name",
    "E318": "script that calls itself",
    "E319": "same name listed twice",
    "E320": "fixture or decision given twice",
    "E321": "judge without `using` in a scripted run",
    "E322": "score option on the wrong line",
    "E323": "score that scores nothing",
    "E324": "conflicting payload match",
    "E325": "coordinator without routes",
    # warnings
    "W101": "unreachable agent",
    "W102": "empty scenario",
    "W103": "scenario without expectations",
    "W104": "unused script",
    "W105": "approval decision that is never asked for",
    "W106": "call of a tool without an implementation",
    "W107": "approval rule the script never asks for",
    "W108": "approval decision after the last request the script can make",
    "W109": "`on approval plan` shadowed by rules for every plan",
}


def anchor(code: str) -> str:
    """The section of docs/diagnostics.md about ``code`` (its heading ``### E101 unknown tool``,
    as the docs site slugs it: lower case, punctuation dropped, spaces as hyphens)."""
    heading = f"{code} {CODES[code]}".lower()
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def reference_url(code: str) -> str | None:
    """Where ``code`` is documented, or None for a code that is not a spec diagnostic."""
    return f"{REFERENCE_URL}#{anchor(code)}" if code in CODES else None
