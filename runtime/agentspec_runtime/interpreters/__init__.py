"""Interpreters: what stands in for the model (see ``base.Interpreter``, the seam)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..conversation import (
    AssistantMessage,
    EndTurn,
    Message,
    ModelUsage,
    StepPart,
    StepRequest,
    TextChunk,
    ToolCall,
    ToolDefinition,
    ToolResult,
    UserMessage,
)
from .base import Interpreter
from .noop import NoopInterpreter
from .scripted import ScriptedCall, ScriptedInterpreter, ScriptedReply, ScriptPlan, ScriptTurn, parse_script, plan_script
from .mock_response import TestingInterpreter

#: Names accepted by ``create_runtime(interpreter=...)``; the last two call a real model.
INTERPRETER_NAMES = ("noop", "scripted", "anthropic", "openai")


def interpreter_by_name(name: str, providers: Mapping[str, Any] | None = None) -> Interpreter:
    """The interpreter ``name``; a live one gets the spec's declaration of its provider from ``providers``."""
    if name == "noop":
        return NoopInterpreter()
    if name == "scripted":
        return ScriptedInterpreter()
    if name in ("anthropic", "openai"):
        from ..live import live_interpreter  # imports the SDK, or says which extra to install

        return live_interpreter(name, (providers or {}).get(name))
    raise ValueError(
        f"unknown interpreter {name!r}; valid interpreters: {', '.join(INTERPRETER_NAMES)} "
        "(for mocked responses pass testing={'mock_response': ...} instead)"
    )


__all__ = [
    "INTERPRETER_NAMES",
    "AssistantMessage",
    "EndTurn",
    "Interpreter",
    "Message",
    "ModelUsage",
    "StepPart",
    "StepRequest",
    "TextChunk",
    "ToolCall",
    "ToolDefinition",
    "ToolResult",
    "UserMessage",
    "NoopInterpreter",
    "ScriptedCall",
    "ScriptedReply",
    "ScriptPlan",
    "ScriptTurn",
    "ScriptedInterpreter",
    "TestingInterpreter",
    "interpreter_by_name",
    "parse_script",
    "plan_script",
]
