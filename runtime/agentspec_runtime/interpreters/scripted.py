"""The scripted interpreter: the prompt *is* the model's decisions.

A prompt is read as follows:

* a JSON object ``{"tool": NAME, "args": {...}}`` — one tool call;
* a JSON object ``{"script": [STEP, ...]}`` — steps in order, each a call
  ``{"tool": NAME, "args": {...}}`` (``args`` may be omitted and means ``{}``)
  or a reply ``{"say": TEXT}`` (an agentspec extension: the published
  harness's scripted interpreter knows only calls);
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
approval events, its ``result`` event, and — if the result is not an error and
the script says nothing itself — a ``text`` event with the JSON of the result,
so a scripted run has an output. Replies are what the model writes: those
before a call are the text of that call's turn (as a model writes "Let me
search" and calls the tool), those after the last call are the final turn,
which has no call and so ends the run. A script with replies is the agent's
whole output: tool results are not echoed. Consecutive replies are one message,
one line each.
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


@dataclass(frozen=True)
class ScriptedReply:
    """``{"say": text}``: what the agent says (an agentspec extension of the script format)."""

    text: str


def _reply(value: dict[str, Any], where: str) -> ScriptedReply:
    if len(value) != 1:
        extra = next(key for key in value if key != "say")
        raise ScriptError(f"malformed script: {where} has unexpected key {extra!r} (a reply has only 'say')")
    if not isinstance(value["say"], str):
        raise ScriptError(f"malformed script: {where} 'say' must be a string, got {json.dumps(value['say'])}")
    return ScriptedReply(value["say"])


def _step(value: Any, where: str) -> ScriptedCall | ScriptedReply:
    """One step of a ``script`` list: a call, or a reply."""
    if isinstance(value, dict) and "say" in value:
        return _reply(value, where)
    return _call(value, where)


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


def _plain_call(value: Any) -> bool:
    """Whether ``value`` is a well-formed call, ``{"tool": non-empty str, "args": dict}`` (``args`` optional),
    which ``_call`` would accept as it is."""
    if type(value) is not dict or not 1 <= len(value) <= 2:
        return False
    tool = value.get("tool")
    if type(tool) is not str or not tool:
        return False
    return len(value) == 1 or type(value.get("args")) is dict


def parse_script(prompt: str) -> list[ScriptedCall | ScriptedReply] | None:
    """The steps a prompt scripts, or ``None`` if the prompt is plain text to echo.

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
    # each level of nesting opens a bracket, so text with few brackets need not be walked
    brackets = stripped.count("{") + stripped.count("[")
    if brackets > MAX_SCRIPT_DEPTH and _depth(value) > MAX_SCRIPT_DEPTH:
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
        # a call that is a plain {"tool": str, "args": dict} needs no checking beyond that (nor its "where")
        return [
            ScriptedCall(step["tool"], step.get("args", {})) if _plain_call(step) else _step(step, f"script[{index}]")
            for index, step in enumerate(calls)
        ]
    if "tool" in value:
        return [ScriptedCall(value["tool"], value.get("args", {})) if _plain_call(value) else _call(value, "the call")]
    raise ScriptError(
        f"malformed script: expected a 'tool' or a 'script' key, got {sorted(value)}"
    )


@dataclass(frozen=True)
class ScriptTurn:
    """One model turn of a script: what the agent says, then the call it makes (if any)."""

    says: tuple[str, ...]
    call: ScriptedCall | None


@dataclass(frozen=True)
class ScriptPlan:
    turns: tuple[ScriptTurn, ...]
    echo: bool  # no replies in the script: each result is echoed as the turn's text


@functools.lru_cache(maxsize=128)
def plan_script(prompt: str) -> ScriptPlan | None:
    """The model turns a prompt scripts (``None``: plain text to echo), computed once per
    prompt: a step asks for its turn by index, not by parsing again. Raises
    :class:`ScriptError` for a malformed script."""
    steps = parse_script(prompt)
    if steps is None:
        return None
    turns: list[ScriptTurn] = []
    says: list[str] = []
    echo = True
    for step in steps:
        if isinstance(step, ScriptedReply):
            says.append(step.text)
            echo = False
        else:
            turns.append(ScriptTurn(tuple(says), step))
            says = []
    if says:
        turns.append(ScriptTurn(tuple(says), None))
    return ScriptPlan(tuple(turns), echo=echo)


#: frozen, so one instance serves every run
_END_TURN = EndTurn()


class ScriptedInterpreter(Interpreter):
    """Replays a scripted prompt (see module docstring).

    It keeps no state: the script is the prompt, and how far it has got is
    the step it is asked for.
    """

    name = "scripted"
    tool_id_prefix = "scripted-tool"
    emits_summary = True

    async def next_step(self, request: StepRequest) -> AsyncIterator[StepPart]:
        plan = plan_script(request.prompt)
        if plan is None:
            yield TextChunk(request.prompt)
            yield _END_TURN
            return
        made = request.step - 1  # each earlier step was one turn of the plan
        if made >= len(plan.turns):
            return  # an empty script: no model turn at all
        turn = plan.turns[made]
        if turn.says:
            yield TextChunk("\n".join(turn.says))
        if turn.call is not None:
            # its own args: the parse is shared by every run of this prompt, the events are the consumer's
            yield ToolCall(turn.call.tool, copy_value(turn.call.args))
            result = request.messages[-1]
            if plan.echo and isinstance(result, ToolResult) and not result.is_error:
                yield TextChunk(result.json)
        if made + 1 == len(plan.turns):
            yield _END_TURN
