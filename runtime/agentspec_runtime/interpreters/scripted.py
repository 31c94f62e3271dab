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

import json
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AsyncIterator

from ..errors import ScriptError
from ..events import text
from ..outcomes import ToolOutcome
from ..usage import estimate_tokens, json_text
from .base import Interpreter

if TYPE_CHECKING:
    from ..execution import AgentRun

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


class ScriptedInterpreter(Interpreter):
    """Replays a scripted prompt (see module docstring)."""

    name = "scripted"
    tool_id_prefix = "scripted-tool"
    emits_summary = True

    async def run(self, run: "AgentRun") -> AsyncIterator[dict[str, Any]]:
        calls = parse_script(run.prompt)
        if calls is None:
            yield run.start_turn()
            yield text(run.prompt)
            run.end_turn(estimate_tokens(run.prompt))
            return
        for call in calls:
            yield run.start_turn()
            emitted = estimate_tokens(json_text({"tool": call.tool, "args": call.args}))
            outcome = ToolOutcome()
            async with aclosing(run.call_tool(call.tool, call.args, outcome)) as stream:
                async for event in stream:
                    yield event
            if outcome.ok:
                echo = json_text(outcome.result)
                emitted += estimate_tokens(echo)
                yield text(echo)
            run.end_turn(emitted)
