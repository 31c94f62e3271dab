"""Usage bookkeeping: the engine's turn records, and the token estimate.

The engine records every model turn (agent, model, duration, tokens). An
interpreter that calls a real model reports the tokens the provider counted
(``ModelUsage``); for anything it leaves out the engine uses an estimate.

agentgate's ``expect_max_tokens`` and cost metrics need token counts, and the
deterministic interpreters call no model. They report a documented estimate
instead: ``estimate_tokens(s) = ceil(len(s) / 4)`` (0 for an empty string), the
usual four-characters-per-token rule. It is a pure function of the text, so a
given run always reports the same usage.

What counts per model turn (see docs/runtime.md):

* prompt tokens — the agent's system prompt, the prompt it was given, and the
  JSON of every tool result it has already seen in this run;
* completion tokens — everything the model "emitted" in the turn: the JSON of a
  scripted tool call (``{"tool": ..., "args": ...}``) and any text.

The noop interpreter does no work and reports zero.
"""

from __future__ import annotations

import json
from json import encoder as json_encoder
from dataclasses import dataclass, field
from typing import Any


def estimate_tokens(value: str) -> int:
    """Return the deterministic token estimate for ``value`` (ceil(len / 4))."""
    return (len(value) + 3) // 4


#: ``json.dumps(value, ensure_ascii=False)`` builds this encoder on every call; it keeps no state between calls
_ENCODER = json.JSONEncoder(ensure_ascii=False)
#: the C encoder ``_ENCODER.encode`` builds on every call (with its separators, ``default`` and ``allow_nan``), built
#: once: it holds no state when it is given no circular-reference markers. Without them a value that contains itself
#: recurses until RecursionError, and then ``_ENCODER`` says what it says of such a value (or of one nested too deep)
_C_ENCODE = (
    None
    if json_encoder.c_make_encoder is None
    else json_encoder.c_make_encoder(
        None, _ENCODER.default, json_encoder.encode_basestring, None,
        _ENCODER.key_separator, _ENCODER.item_separator, False, False, True,
    )
)


def json_text(value: Any) -> str:
    """The canonical JSON text of a value, as echoed and as counted (``json.dumps(value, ensure_ascii=False)``)."""
    if _C_ENCODE is not None:
        try:
            return "".join(_C_ENCODE(value, 0))
        except RecursionError:
            pass
    return _ENCODER.encode(value)


@dataclass
class Usage:
    """Prompt and completion tokens; ``as_event()`` gives the finish-event shape."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: "Usage") -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens

    def as_event(self) -> dict[str, int]:
        """The wire shape (the published ``TokenUsage``: no prompt cache here, so its counts are 0)."""
        return {
            "promptTokens": self.prompt_tokens,
            "completionTokens": self.completion_tokens,
            "cacheReadInputTokens": 0,
            "cacheCreationInputTokens": 0,
            "totalTokens": self.total_tokens,
        }


class AgentUsages:
    """Usage per agent over a stream, in the order agents first started a model turn (``data-cost-summary``)."""

    def __init__(self) -> None:
        self._by_agent: dict[str, tuple[str, Usage]] = {}

    def add(self, agent: str, model: str, usage: Usage) -> None:
        """Add ``usage`` to ``agent``'s; ``model`` (the latest one reported) replaces the one recorded."""
        _, total = self._by_agent.get(agent, (model, Usage()))
        total.add(usage)
        self._by_agent[agent] = (model, total)

    def as_event(self) -> dict[str, Any]:
        agents = [
            {"agentName": agent, "model": model, "usage": usage.as_event()}
            for agent, (model, usage) in self._by_agent.items()
        ]
        prompt = sum(usage.prompt_tokens for _, usage in self._by_agent.values())
        completion = sum(usage.completion_tokens for _, usage in self._by_agent.values())
        return {
            "agents": agents,
            "totalPromptTokens": prompt,
            "totalCompletionTokens": completion,
            "totalCacheReadInputTokens": 0,
            "totalCacheCreationInputTokens": 0,
            "totalTokens": prompt + completion,
        }


@dataclass
class TurnRecord:
    """One model turn as the engine saw it; ``as_event()`` is its latency-summary shape."""

    agent: str
    model: str
    duration_ms: float = 0.0
    usage: Usage = field(default_factory=Usage)

    def finish(self, usage: Usage, duration_ms: float, model: str | None = None) -> None:
        self.usage = usage
        self.duration_ms = duration_ms
        if model:
            self.model = model

    def as_event(self) -> dict[str, Any]:
        return {"agent": self.agent, "model": self.model, "durationMs": self.duration_ms, "usage": self.usage.as_event()}
