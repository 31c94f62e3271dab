"""Testing support: what generated tests (and hand-written ones) use to check a runtime.

=========================  ==========================================================
module                     what it holds
=========================  ==========================================================
``bridge``                 ``events_to_trace`` (events → agentgate ``AgentTrace``) and
                           ``RuntimeAdapter`` (agentgate drives a runtime)
``expectations``           harness facts as agentgate expectations: ``ExpectDispatched``,
                           ``ExpectPlanStatus``, ``ExpectApprovalDecision``,
                           ``ExpectApprovalRequested``, ``ExpectNoApproval``, ``ExpectError``
``runner``                 ``run_scenario`` (agentgate's ``TestSuite.run``) and ``failure_report``
``located``                ``SpecScenario``: a ``Scenario`` whose expectations know their spec lines
``approval_script``        ``ApprovalScript`` / ``ApprovalAnswer``: how a test answers approvals
``scripts``                ``script``, ``tool_call``, ``agent_call``, ``say``: scripted-interpreter prompts
``fixtures``               ``returns``, ``fails``, ``override_handlers``: stand-in tool handlers
``loop``                   ``run``: the event loop scenarios share (leftover tasks cancelled)
=========================  ==========================================================

``bridge``, ``expectations``, ``located`` and ``runner`` need agentgate (the ``testing``
extra of ``agentspec-runtime``); ``approval_script``, ``scripts`` and
``fixtures`` need only the runtime, so generated runtime definitions that use
fixtures deploy without agentgate. For that reason this package imports
nothing eagerly: ``from agentspec_runtime.testing import RuntimeAdapter``
loads ``bridge`` (and agentgate) when the name is first asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name → the submodule defining it
EXPORTS = {
    "RuntimeAdapter": "bridge",
    "events_to_trace": "bridge",
    "plan_state_key": "bridge",
    "ExpectApprovalDecision": "expectations",
    "ExpectApprovalRequested": "expectations",
    "ExpectDispatched": "expectations",
    "ExpectError": "expectations",
    "ExpectNoApproval": "expectations",
    "ExpectPlanStatus": "expectations",
    "SpecScenario": "located",
    "failure_report": "runner",
    "run_scenario": "runner",
    "ApprovalAnswer": "approval_script",
    "ApprovalScript": "approval_script",
    "agent_call": "scripts",
    "say": "scripts",
    "script": "scripts",
    "tool_call": "scripts",
    "fails": "fixtures",
    "override_handlers": "fixtures",
    "returns": "fixtures",
}

__all__ = sorted(EXPORTS)


def __getattr__(name: str) -> Any:
    module = EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(EXPORTS))
