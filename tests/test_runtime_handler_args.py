"""A handler's arguments are its own: what it does to them reaches no event, no later run of the same
script, and (for a tool that asks for approval) not the payload shown for approval.

The engine copies a call's arguments once for the tool (``execution.py``), and the handler gets that copy
as it is (``tools.UserTool._handle``); a tool asking for approval shows its predicate and the approval
payload copies of their own.
"""

from __future__ import annotations

from typing import Any

from agentspec_runtime import create_runtime, define_runtime, define_specialist, define_tenant, define_tool
from agentspec_runtime.testing import script, tool_call
from runtime_support import collect, results, run


def _spender(approval: Any, seen: list[Any]) -> Any:
    @define_tool("spend", {"amount": int, "tags": list}, approval=approval)
    def spend(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        seen.append({"amount": args["amount"], "tags": list(args["tags"])})
        args["amount"] = -1  # the handler's own copy: none of this may show anywhere else
        args["tags"].append("mutated")
        args["extra"] = True
        return {"ok": True}

    return define_runtime(
        tenant=define_tenant("t", "v1"),
        agents=[define_specialist("clerk", model="claude-haiku-4-5", prompt="Spend.", tools=[spend])],
        providers={"anthropic": {"apiKeyEnv": "ANTHROPIC_API_KEY"}},
    )


PROMPT = script(tool_call("spend", {"amount": 5, "tags": ["a"]}), tool_call("spend", {"amount": 5, "tags": ["a"]}))
ORIGINAL = {"amount": 5, "tags": ["a"]}


def _calls(events: list[dict[str, Any]]) -> list[Any]:
    return [e["args"] for e in events if e["type"] == "tool-invocation"]


def test_a_quiet_tools_handler_changes_no_event_and_no_later_run() -> None:
    seen: list[Any] = []
    runtime = create_runtime(_spender("never", seen), interpreter="scripted")
    for _ in range(2):  # the same script again: its parse is shared, its arguments must be as written
        events = run(collect(runtime.run_specialist("clerk", PROMPT)))
        assert _calls(events) == [ORIGINAL] * 4  # call and result events of both calls
        assert results(events) == [{"ok": True}, {"ok": True}]
    assert seen == [ORIGINAL] * 4


def test_an_approved_tools_handler_changes_neither_the_events_nor_the_approval_payload() -> None:
    seen: list[Any] = []
    predicate_saw: list[Any] = []

    def ask(args: dict[str, Any], ctx: Any) -> bool:
        predicate_saw.append({"amount": args["amount"], "tags": list(args["tags"])})
        args["tags"].append("by the predicate")
        return True

    runtime = create_runtime(_spender(ask, seen), interpreter="scripted")
    events = run(collect(runtime.run_specialist("clerk", PROMPT), runtime, lambda data: "approve"))
    assert _calls(events) == [ORIGINAL] * 4
    assert [e["data"]["payload"] for e in events if e["type"] == "approval-required"] == [ORIGINAL] * 2
    assert predicate_saw == seen == [ORIGINAL] * 2
