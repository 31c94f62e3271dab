"""The scripted interpreter: the prompt *is* the model's decisions.

A prompt is read as follows:

* a JSON object ``{"tool": NAME, "args": {...}}`` — one tool call;
* a JSON object ``{"script": [{"tool": NAME, "args": {...}}, ...]}`` — calls in order
  (``args`` may be omitted and means ``{}``);
* text that does not start with ``{`` or ``[`` — echoed back as one ``text`` event.

Text starting with ``{`` or ``[`` that is not one of the shapes above is a
malformed script, and so is a misspelled key, nesting deeper than
``MAX_SCRIPT_DEPTH`` or a number Python will not read (past its digit limit):
the run ends with an ``error`` event (code ``invalid_script``) before any tool
runs. Mistakes the model could
make at run time — a tool this agent does not have, arguments that do not match
the tool's schema, a failing handler — become error *tool results* and the
script goes on, exactly as a real model would see them.

Each call is one model turn: ``step-start``, the tool's ``call`` event, any
approval events, its ``result`` event, and — if the result is not an error —
a ``text`` event with the JSON of the result, so a scripted run has an output.
Tool-use ids are ``scripted-tool-1``, ``scripted-tool-2``, … in the order calls
are made across the whole stream (a routed agent's calls continue the count).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, AsyncIterator

from ..conversation import EndTurn, StepPart, StepRequest, TextChunk, ToolCall, ToolResult
from ..errors import ScriptError
from ..jsonable import copy_value
from ..usage import json_text
from .base import Interpreter

_CALL_KEYS = ("tool", "args")
#: Deeper scripts are malformed: arguments are copied, validated and echoed
#: recursively, and no real tool call nests this deep.
MAX_SCRIPT_DEPTH = 100


def _depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (with its own stack, not recursion)."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_SCRIPT_DEPTH:
                break
            pending.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


@dataclass(frozen=True)
class ScriptedCall:
    tool: str
    args: dict[str, Any]


def _call(value: Any, where: str) -> ScriptedCall:
    if not isinstance(value, dict):
        raise ScriptError(f"malformed script: {where} must be an object {{\"tool\": ..., \"args\": {{...}}}}, got {json.dumps(value)}")
    unknown = [key for key in value if key not in _CALL_KEYS]
    if unknown:
        raise ScriptError(f"malformed script: {where} has unexpected key {unknown[0]!r} (a call has 'tool' and 'args')")
    tool = value.get("tool")
    if not isinstance(tool, str) or not tool:
        raise ScriptError(f"malformed script: {where} needs a non-empty string 'tool', got {json.dumps(tool)}")
    args = value.get("args", {})
    if not isinstance(args, dict):
        raise ScriptError(f"malformed script: {where} 'args' must be an object, got {json.dumps(args)}")
    return ScriptedCall(tool, args)


def parse_script(prompt: str) -> list[ScriptedCall] | None:
    """The calls a prompt scripts, or ``None`` if the prompt is plain text to echo.

    Raises :class:`ScriptError` for a malformed script.
    """
    stripped = prompt.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise ScriptError(f"malformed script: invalid JSON ({exc})") from None
    except RecursionError:
        raise ScriptError(f"malformed script: nested more than {MAX_SCRIPT_DEPTH} levels deep") from None
    except ValueError as exc:  # an integer past Python's digit limit (sys.get_int_max_str_digits)
        raise ScriptError(f"malformed script: a number cannot be read ({exc})") from None
    if _depth(value) > MAX_SCRIPT_DEPTH:
        raise ScriptError(f"malformed script: nested more than {MAX_SCRIPT_DEPTH} levels deep")
    if not isinstance(value, dict):
        raise ScriptError(
            "malformed script: a script is a JSON object, either {\"tool\": ..., \"args\": {...}} "
            f"or {{\"script\": [...]}}, got a JSON {type(value).__name__}"
        )
    if "script" in value:
        if len(value) != 1:
            extra = next(key for key in value if key != "script")
            raise ScriptError(f"malformed script: unexpected key {extra!r} next to 'script'")
        calls = value["script"]
        if not isinstance(calls, list):
            raise ScriptError(f"malformed script: 'script' must be a list of calls, got {json.dumps(calls)}")
        return [_call(call, f"script[{index}]") for index, call in enumerate(calls)]
    if "tool" in value:
        return [_call(value, "the call")]
    raise ScriptError(
        f"malformed script: expected a 'tool' or a 'script' key, got {sorted(value)}"
    )


@functools.lru_cache(maxsize=128)
def _parsed(prompt: str) -> tuple[ScriptedCall, ...] | None:
    """``parse_script``, once per prompt: a step asks for its call by index, not by parsing again."""
    calls = parse_script(prompt)
    return None if calls is None else tuple(calls)


class ScriptedInterpreter(Interpreter):
    """Replays a scripted prompt (see module docstring).

    It keeps no state: the script is the prompt, and how far it has got is
    the step it is asked for.
    """

    name = "scripted"
    tool_id_prefix = "scripted-tool"
    emits_summary = True

    async def next_step(self, request: StepRequest) -> AsyncIterator[StepPart]:
        calls = _parsed(request.prompt)
        if calls is None:
            yield TextChunk(request.prompt)
            yield EndTurn()
            return
        made = request.step - 1  # each earlier step made exactly one call
        if made >= len(calls):
            return  # an empty script: no model turn at all
        call = calls[made]
        # its own args: the parse is shared by every run of this prompt, the events are the consumer's
        yield ToolCall(call.tool, copy_value(call.args))
        result = request.messages[-1]
        if isinstance(result, ToolResult) and not result.is_error:
            yield TextChunk(json_text(result.result))
        if made + 1 == len(calls):
            yield EndTurn()
