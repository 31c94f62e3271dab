"""The ``resolveRef`` and ``glimpseRef`` built-in tools (the published ``references`` toolkit).

Both take ``{kind, id}`` and read a reference the calling thread sees (its own,
then the tenant-wide ones). ``resolveRef`` answers ``{kind, value, glimpse}``,
``glimpseRef`` ``{kind, glimpse}``; an unknown, expired or malformed reference
is an error result, and the stream goes on. Like every built-in they are never
gated by approval policies. Who gets them: ``toolkits.py``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, AsyncIterator

from .conversation import ToolDefinition
from .outcomes import ToolOutcome
from .schema import Schema
from .specs import AgentSpec, RuntimeSpec
from .state import StoredReference
from .toolkits import BUILTIN_DESCRIPTIONS
from .tools import Tool

if TYPE_CHECKING:
    from .execution import Execution

REF_INPUT = {
    "type": "object",
    "properties": {
        "kind": {
            "type": "string",
            "description": "Reference kind, matching a declared ReferenceSpec name",
        },
        "id": {
            "type": "string",
            "description": "Reference id, as create_reference returned it",
        },
    },
    "required": ["kind", "id"],
    "additionalProperties": False,
}
_REF_SCHEMA = Schema.of(REF_INPUT)


class _ReferenceTool(Tool):
    description: str

    def definition(self, spec: RuntimeSpec, agent: AgentSpec) -> ToolDefinition:
        return ToolDefinition(self.name, self.description, copy.deepcopy(REF_INPUT))

    def answer(self, stored: StoredReference) -> dict[str, Any]:
        raise NotImplementedError

    async def run(
        self,
        execution: "Execution",
        agent: AgentSpec,
        tool_id: str,
        args: dict[str, Any],
        outcome: ToolOutcome,
    ) -> AsyncIterator[dict[str, Any]]:
        _, errors = _REF_SCHEMA.validate(args)
        if errors:
            outcome.fail(f"invalid arguments for {self.name}: {'; '.join(errors)}")
            return
        try:
            stored = execution.reference(args)
        except ValueError as exc:
            outcome.fail(str(exc))
            return
        outcome.result = copy.deepcopy(self.answer(stored))
        return
        yield  # an async generator that emits no events of its own


class ResolveRef(_ReferenceTool):
    name = "resolveRef"
    description = BUILTIN_DESCRIPTIONS["resolveRef"]

    def answer(self, stored: StoredReference) -> dict[str, Any]:
        return {"kind": stored.kind, "value": stored.payload, "glimpse": stored.glimpse}


class GlimpseRef(_ReferenceTool):
    name = "glimpseRef"
    description = BUILTIN_DESCRIPTIONS["glimpseRef"]

    def answer(self, stored: StoredReference) -> dict[str, Any]:
        return {"kind": stored.kind, "glimpse": stored.glimpse}
