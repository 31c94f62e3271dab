"""What every stream of one runtime shares: the engine's state, in one place.

:class:`Runtime` (the public handle) owns one :class:`Engine`; each stream's
:class:`~agentspec_runtime.execution.Execution` reads it through these
attributes and nothing else. Tools, in turn, reach the engine only through the
``Execution`` they are given (see ``tools.py``).
"""

from __future__ import annotations

from typing import Any, Callable

from .approvals import ApprovalBook
from .builtins import builtins_for
from .conversation import ToolDefinition
from .interpreters import Interpreter
from .policy import PolicyResolver
from .specs import AgentSpec, RuntimeSpec
from .state import StateStore
from .tools import Tool, UserTool


class Engine:
    """The spec, interpreter, services, dispatcher, policies, timeouts, state, approvals and tools of a runtime."""

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
        #: per agent: tool name → the tool (its own tools, its toolkits', then its role's built-ins)
        self.toolboxes: dict[str, dict[str, Tool]] = {agent.name: _toolbox(agent) for agent in spec.agents}
        #: per agent: the tools as an interpreter is shown them
        self.tool_definitions: dict[str, tuple[ToolDefinition, ...]] = {
            agent.name: tuple(tool.definition(spec, agent) for tool in self.toolboxes[agent.name].values())
            for agent in spec.agents
        }


def _toolbox(agent: AgentSpec) -> dict[str, Tool]:
    tools: list[Tool] = [UserTool(spec) for spec in agent.all_tools()]
    tools.extend(builtins_for(agent))
    return {tool.name: tool for tool in tools}
