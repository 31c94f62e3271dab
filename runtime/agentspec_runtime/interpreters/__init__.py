"""Interpreters: what stands in for the model (see ``base.Interpreter``, the seam)."""

from __future__ import annotations

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
from .scripted import ScriptedCall, ScriptedInterpreter, parse_script
from .mock_response import TestingInterpreter
from .unavailable import UnavailableInterpreter

#: Names accepted by ``create_runtime(interpreter=...)``.
INTERPRETER_NAMES = ("noop", "scripted", "anthropic")


def interpreter_by_name(name: str) -> Interpreter:
    if name == "noop":
        return NoopInterpreter()
    if name == "scripted":
        return ScriptedInterpreter()
    if name == "anthropic":
        return UnavailableInterpreter("anthropic")
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
    "ScriptedInterpreter",
    "TestingInterpreter",
    "UnavailableInterpreter",
    "interpreter_by_name",
    "parse_script",
]
