"""What every stream of one runtime shares: the engine's state, in one place.

:class:`Runtime` (the public handle) owns one :class:`Engine`; each stream's
:class:`~agentspec_runtime.execution.Execution` reads it through these
attributes and nothing else. Tools, in turn, reach the engine only through the
``Execution`` they are given (see ``tools.py``).
"""

from __future__ import annotations

from typing import Any, Callable

from .approvals import ApprovalBook
from .builtins import PLAN_AND_ROUTING_TOOLS
from .conversation import ToolDefinition
from .interpreters import Interpreter
from .policy import PolicyResolver
from .reference_tools import GlimpseRef, ResolveRef
from .references import ReferenceBook
from .specs import AgentSpec, RuntimeSpec
from .state import StateStore
from .toolkits import builtin_tool_names
from .tools import Tool, UserTool

#: every built-in tool by name (``toolkits.py`` says which agent has which)
BUILTIN_TOOL_CLASSES: dict[str, type[Tool]] = {**PLAN_AND_ROUTING_TOOLS, ResolveRef.name: ResolveRef, GlimpseRef.name: GlimpseRef}


class Engine:
    """The spec, interpreter, services, dispatcher, policies, timeouts, state, approvals, references and tools of a runtime."""

    def __init__(
        self,
        spec: RuntimeSpec,
        interpreter: Interpreter,
        services: dict[str, Any],
        action_dispatcher: Callable[..., Any] | None,
        policies: PolicyResolver,
        tool_timeout: float | None = None,
    ) -> None:
        self.spec = spec
        self.interpreter = interpreter
        self.services = services
        self.action_dispatcher = action_dispatcher
        self.policies = policies
        #: seconds a handler may run unless its tool sets ``timeout`` (``None``: no limit)
        self.tool_timeout = tool_timeout
        self.store = StateStore()
        self.approvals = ApprovalBook()
        self.references = ReferenceBook(spec, self.store)
        #: per agent: tool name → the tool (its own tools, its toolkits', then its role's built-ins)
        self.toolboxes: dict[str, dict[str, Tool]] = {agent.name: _toolbox(spec, agent) for agent in spec.agents}
        #: per agent: the tools as an interpreter is shown them
        self.tool_definitions: dict[str, tuple[ToolDefinition, ...]] = {
            agent.name: tuple(tool.definition(spec, agent) for tool in self.toolboxes[agent.name].values())
            for agent in spec.agents
        }


def _toolbox(spec: RuntimeSpec, agent: AgentSpec) -> dict[str, Tool]:
    tools: list[Tool] = [UserTool(tool) for tool in agent.all_tools()]
    tools.extend(BUILTIN_TOOL_CLASSES[name]() for name in builtin_tool_names(agent, spec.toolkits))
    return {tool.name: tool for tool in tools}
