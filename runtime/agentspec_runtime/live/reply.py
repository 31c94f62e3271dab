"""What one model call produced, once its stream is over (text was streamed already)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..conversation import ToolCall

#: The key a tool call's arguments are put under when the model sent arguments that are
#: not a JSON object: the tool's schema check then fails, and the model is told so.
UNPARSED_ARGUMENTS = "unparsed_arguments"


@dataclass
class ModelReply:
    model: str
    stop_reason: str  # provider-neutral: "end_turn", "tool_use", "max_tokens", "refusal", ...
    tool_calls: list[ToolCall] = field(default_factory=list)
    input_tokens: int | None = None
    output_tokens: int | None = None


def tool_arguments(raw: str | dict[str, Any] | None) -> dict[str, Any]:
    """A model's tool arguments as an object; anything else is kept (and fails the schema check)."""
    if isinstance(raw, dict):
        return raw
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {UNPARSED_ARGUMENTS: raw}
    return value if isinstance(value, dict) else {UNPARSED_ARGUMENTS: raw}
