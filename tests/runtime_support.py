"""Shared helpers for the runtime tests (tests/test_runtime_*.py).

Why a module and not a conftest: the helpers are only for the runtime tests,
and tests/conftest.py belongs to everybody. Nothing here is collected by pytest.

- ``collect`` drains a stream, answering approvals with a callback.
- ``inventory_spec`` builds the small coordinator → planner/executor/clerk
  system most tests use; every handler and the dispatcher record their calls
  in a ``Recorder`` so a test can assert what ran, and in which order.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable

from agentspec_runtime import (
    Runtime,
    RuntimeSpec,
    create_runtime,
    define_coordinator,
    define_executor,
    define_plan,
    define_planner,
    define_reference,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)

Decide = Callable[[dict[str, Any]], Any]


async def collect(
    stream: AsyncIterator[dict[str, Any]],
    runtime: Runtime | None = None,
    decide: Decide | None = None,
) -> list[dict[str, Any]]:
    """All events of ``stream``; each approval is answered with ``decide(data)``.

    ``decide`` returns ``"approve"``/``"reject"``/``"revise"`` or a tuple
    ``(decision, feedback, partial)``.
    """
    events: list[dict[str, Any]] = []
    async for event in stream:
        events.append(event)
        if event["type"] == "approval-required" and decide is not None:
            assert runtime is not None
            answer = decide(event["data"])
            if isinstance(answer, str):
                answer = (answer, None, None)
            decision, feedback, partial = answer
            await runtime.respond_to_approval(event["data"]["id"], decision, feedback=feedback, partial=partial)
    return events


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


#: the events a successful stream ends with after its entry agent's ``tool-agent`` result
SUMMARIES = ["data-cost-summary", "data-latency-summary"]


def finish_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The stream's one ``finish`` event (the summaries may follow it)."""
    (finish,) = [event for event in events if event["type"] == "finish"]
    return finish


def summary_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The data of the stream's one ``data-latency-summary``."""
    (summary,) = [event for event in events if event["type"] == "data-latency-summary"]
    return summary["data"]


def results(events: list[dict[str, Any]], tool: str | None = None) -> list[Any]:
    return [
        event["result"]
        for event in events
        if event["type"] == "tool-invocation" and event["state"] == "result" and (tool is None or event["toolName"] == tool)
    ]


def texts(events: list[dict[str, Any]]) -> list[str]:
    return [event["text"] for event in events if event["type"] == "text"]


@dataclass
class Recorder:
    """What ran, in order: ("handler", tool, args) and ("dispatch", actions, context)."""

    log: list[tuple[Any, ...]] = field(default_factory=list)

    def dispatches(self) -> list[tuple[Any, ...]]:
        return [entry for entry in self.log if entry[0] == "dispatch"]

    def handlers(self, tool: str | None = None) -> list[tuple[Any, ...]]:
        return [entry for entry in self.log if entry[0] == "handler" and (tool is None or entry[1] == tool)]


INVENTORY_PLAN = define_plan(
    "InventoryPlan",
    {
        "type": "object",
        "properties": {
            "rationale": {"type": "string"},
            "actions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"kind": {"enum": ["reorder", "hold"]}},
                    "required": ["kind"],
                },
            },
        },
        "required": ["rationale", "actions"],
    },
)


def inventory_spec(
    recorder: Recorder,
    *,
    approval_policies: Any = None,
    approval_overrides: Any = None,
    coordinator_approval: Any = None,
) -> RuntimeSpec:
    @define_tool("lookup", {"sku": str}, description="Stock level of a SKU")
    async def lookup(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        recorder.log.append(("handler", "lookup", args))
        return {"sku": args["sku"], "stock": 3}

    @define_tool("order", {"sku": str, "quantity": int}, approval="always", description="Place an order")
    async def order(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        recorder.log.append(("handler", "order", args))
        return {"ordered": args["sku"], "quantity": args["quantity"]}

    return define_runtime(
        tenant=define_tenant("acme", "v1"),
        agents=[
            define_coordinator(
                "ops",
                model="claude-sonnet-4-6",
                prompt="Plan, then execute.",
                routes=["planner", "executor", "clerk"],
                approval=coordinator_approval,
            ),
            define_planner("planner", model="claude-sonnet-4-6", prompt="Store one plan.", plan=INVENTORY_PLAN),
            define_executor("executor", model="claude-sonnet-4-6", prompt="Execute plans.", plan=INVENTORY_PLAN),
            define_specialist("clerk", model="claude-haiku-4-5", prompt="Check stock.", tools=[lookup, order], stateful=True),
        ],
        providers={"anthropic": {"api_key_env": "ANTHROPIC_API_KEY"}},
        plans=[INVENTORY_PLAN],
        references=[define_reference("supplier", {"name": str})],
        approval_policies=approval_policies,
        approval_overrides=approval_overrides,
    )


def recording_dispatcher(recorder: Recorder, envelope: Any = None) -> Callable[..., Any]:
    async def dispatch(actions: list[dict[str, Any]], context: dict[str, Any]) -> Any:
        recorder.log.append(("dispatch", actions, context))
        return envelope if envelope is not None else {"entitiesAffected": len(actions), "summary": "ok"}

    return dispatch


def inventory_runtime(recorder: Recorder, **options: Any) -> Runtime:
    spec_options = {k: options.pop(k) for k in ("approval_policies", "approval_overrides", "coordinator_approval") if k in options}
    options.setdefault("interpreter", "scripted")
    options.setdefault("action_dispatcher", recording_dispatcher(recorder))
    return create_runtime(inventory_spec(recorder, **spec_options), **options)


def store_plan_call(plan_id: str = "p1", actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body = {
        "rationale": "low stock",
        "actions": actions if actions is not None else [{"kind": "reorder", "sku": "SKU-1", "quantity": 5}],
    }
    return {"tool": "storePlan", "args": {"specName": "InventoryPlan", "planId": plan_id, "body": body}}
