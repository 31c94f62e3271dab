"""The judge's model call: one step of the runtime's own interpreter, without tools.

``provider_judge`` (in ``judge``) asks the model of the scenario's entry agent.
Here that becomes one :class:`StepRequest` — the judge prompt as the system
prompt, the criteria and trace as the only user message, no tools — given to
the interpreter the runtime was built with, so a live run's judge goes through
the same provider settings, key handling, retries and error reporting as its
agents. An interpreter offering ``for_judging()`` (the live ones: temperature
0, one step) is asked through that.
"""

from __future__ import annotations

import os
from contextlib import aclosing
from typing import Any, Callable

from .conversation import StepRequest, TextChunk, ToolCall, UserMessage
from .judge import Complete
from .validation import agent_provider

ENV_VAR = "AGENTSPEC_INTERPRETER"
LIVE_INTERPRETERS = ("anthropic", "openai")


def selected_interpreter() -> str:
    """The interpreter generated tests run under (the pytest option, else the environment)."""
    try:
        from .live.selection import selected_interpreter as selected  # honours --agentspec-interpreter
    except ImportError:
        return os.environ.get(ENV_VAR, "").strip().lower() or "scripted"
    return selected()


def interpreter_completion(runtime: Any, agent: str | None = None) -> Complete:
    """``complete(system, user)`` answered by ``runtime``'s interpreter as ``agent``'s model
    (``agent`` None: the coordinator). The reply is the text of one step; a tool call is an error."""
    spec = runtime.spec
    agents = {a.name: a for a in spec.agents}
    if agent is None:
        chosen = next((a for a in spec.agents if a.role == "coordinator"), None)
    else:
        chosen = agents.get(agent)
    if chosen is None:
        raise ValueError(f"no agent {agent!r} to take the judge's model from" if agent else "no coordinator to judge with")
    provider_name = agent_provider(chosen)
    provider = spec.providers.get(provider_name) if provider_name else None
    interpreter = runtime.interpreter_instance
    judging = interpreter.for_judging() if hasattr(interpreter, "for_judging") else interpreter

    async def complete(system: str, user: str) -> str:
        request = StepRequest(agent=chosen, provider=provider, system=system, messages=[UserMessage(user)], tools=())
        text: list[str] = []
        async with aclosing(judging.next_step(request)) as parts:
            async for part in parts:
                if isinstance(part, TextChunk):
                    text.append(part.text)
                elif isinstance(part, ToolCall):
                    raise ValueError(f"the judge model called a tool ({part.name}) instead of answering")
        return "".join(text)

    return complete


def completion_for(runtime_factory: Callable[..., Any], agent: str | None) -> tuple[Complete | None, str]:
    """A ``complete(system, user)`` for the entry agent's model in a live run, or (None, why not)."""
    interpreter = selected_interpreter()
    if interpreter not in LIVE_INTERPRETERS:
        return None, (
            f"judge without `using` needs a model, and this run uses the {interpreter} interpreter: "
            f"set {ENV_VAR}=anthropic or openai, or give the judge a function with `using`"
        )
    try:
        # the generated `build_runtime`: a runtime of this spec with the selected live interpreter
        return interpreter_completion(runtime_factory(interpreter=interpreter), agent), ""
    except Exception as exc:  # a runtime that cannot be built or has no such agent: the judge fails, saying why
        return None, f"judge without `using`: cannot ask the model ({type(exc).__name__}: {exc})"
