"""Shared helpers for the live-interpreter tests (tests/test_live_*.py).

``shop(...)`` is a small system: a coordinator ``desk`` routing to a
specialist ``clerk`` (tools ``lookup`` and the approval-gated ``refund``) and to
a ``planner``/``executor`` pair, on Claude models (provider ``anthropic``) —
or GPT models (provider ``openai``). ``live_runtime`` points a live
interpreter at a running fake (``fake_providers``) with fast retries, and
``drain`` collects a stream, approving every approval.

``KEY`` is the distinctive API key every live test uses, so the key-leak test
can look for it in everything the other tests produce.
"""

from __future__ import annotations

import asyncio
from typing import Any

from agentspec_runtime import (
    RuntimeSpec,
    create_runtime,
    define_coordinator,
    define_executor,
    define_plan,
    define_planner,
    define_provider,
    define_runtime,
    define_specialist,
    define_tenant,
    define_tool,
)
from agentspec_runtime.live import live_interpreter

KEY = "sk-LIVE-TEST-KEY-7f3a9c1e-do-not-print"

MODELS = {"anthropic": ("claude-sonnet-4-6", "claude-haiku-4-5"), "openai": ("gpt-4.1", "gpt-4.1-mini")}


@define_tool("lookup", {"sku": str}, description="Look up a SKU's stock")
async def lookup(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
    return {"sku": args["sku"], "stock": 3}


@define_tool("refund", {"order": str, "amount": float}, approval="always", description="Refund an order")
async def refund(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
    return {"refunded": args["order"], "amount": args["amount"]}


PLAN = define_plan(
    "Restock",
    {"type": "object", "properties": {"actions": {"type": "array"}}, "required": ["actions"]},
)


def shop(provider: str = "anthropic", **settings: Any) -> RuntimeSpec:
    """The shop system on ``provider``'s models; ``settings`` go to its declaration (key: KEY)."""
    big, small = MODELS[provider]
    declared = define_provider(provider, **({"api_key": KEY} | settings))
    return define_runtime(
        tenant=define_tenant("shop", "v1"),
        agents=[
            define_coordinator("desk", model=big, prompt="Route stock questions to the clerk.", routes=["clerk", "planner", "executor"]),
            define_specialist("clerk", model=small, prompt="Answer stock questions with lookup.", tools=[lookup, refund]),
            define_planner("planner", model=small, prompt="Plan restocks.", plan=PLAN),
            define_executor("executor", model=small, prompt="Execute restock plans.", plan=PLAN),
        ],
        providers=[declared],
        plans=[PLAN],
    )


def live_runtime(wire: str, fake: Any, *, stream: bool = True, max_turns: int = 25, **settings: Any) -> Any:
    """A runtime whose live interpreter talks to ``fake`` (retries after 10 ms, not 0.5 s)."""
    spec = shop(wire, base_url=fake.base_url, **settings)
    interpreter = live_interpreter(
        wire, spec.providers[wire], stream=stream, max_turns=max_turns, initial_retry_delay=0.01
    )
    return create_runtime(spec, interpreter=interpreter, action_dispatcher=lambda actions, ctx: {"entitiesAffected": len(actions)})


async def _drain(runtime: Any, prompt: str, agent: str | None) -> list[dict[str, Any]]:
    stream = runtime.query(prompt) if agent is None else runtime.run_specialist(agent, prompt)
    events: list[dict[str, Any]] = []
    async for event in stream:
        events.append(event)
        if event["type"] == "approval-required":
            await runtime.respond_to_approval(event["data"]["id"], "approve", feedback="ok")
    return events


def drain(runtime: Any, prompt: str, agent: str | None = None, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Every event of one stream (approvals approved); fails the test instead of hanging."""

    async def bounded() -> list[dict[str, Any]]:
        async with asyncio.timeout(timeout):
            return await _drain(runtime, prompt, agent)

    return asyncio.run(bounded())


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] == kind]


def text_of(events: list[dict[str, Any]]) -> str:
    return "".join(event["text"] for event in of_type(events, "text"))
