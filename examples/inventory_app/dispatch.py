"""The action dispatcher: executes the actions of an approved inventory plan.

The runtime calls it once per executed plan with the plan's actions, each
normalised to ``{"kind", "payload", "references"}``, and returns an envelope
the runtime checks (``entitiesAffected`` is required).
"""

from __future__ import annotations

from typing import Any


def apply_actions(actions: list[dict[str, Any]], context: dict[str, Any]) -> dict[str, Any]:
    """Apply reorders and holds; unknown action kinds are a bug in the plan."""
    reordered = held = 0
    for action in actions:
        payload = action["payload"]
        if action["kind"] == "reorder":
            if payload["quantity"] <= 0:
                raise ValueError(f"cannot reorder {payload['quantity']} of {payload['product_id']}")
            reordered += payload["quantity"]
        elif action["kind"] == "hold":
            held += 1
        else:
            raise ValueError(f"unknown action kind {action['kind']!r}")
    return {
        "entitiesAffected": len(actions),
        "summary": f"reordered {reordered} unit(s), held {held} product(s)",
    }


def summary_only(actions: list[dict[str, Any]], context: dict[str, Any]) -> dict[str, Any]:
    """A broken dispatcher: its envelope has no ``entitiesAffected``, which the runtime refuses."""
    return {"summary": f"applied {len(actions)} action(s)"}
