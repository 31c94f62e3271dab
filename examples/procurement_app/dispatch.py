"""The action dispatcher: places the purchase orders of an approved plan.

The runtime calls it once per executed plan with the plan's actions, each
normalised to ``{"kind", "payload", "references"}``; it returns the envelope
the runtime checks (``entitiesAffected`` is required).
"""

from __future__ import annotations

from typing import Any


def place_orders(actions: list[dict[str, Any]], context: dict[str, Any]) -> dict[str, Any]:
    """Place each ``purchase``; a ``defer`` only records that the item waits. Anything else is a bug."""
    lines: list[str] = []
    total = 0.0
    for action in actions:
        payload = action["payload"]
        if action["kind"] == "purchase":
            if payload["quantity"] <= 0:
                raise ValueError(f"cannot order {payload['quantity']} of {payload['sku']}")
            total += payload["quantity"] * payload["unit_price"]
            lines.append(f"{payload['quantity']} x {payload['sku']} from {payload['supplier']}")
        elif action["kind"] != "defer":
            raise ValueError(f"unknown action kind {action['kind']!r}")
    return {
        "entitiesAffected": len(actions),
        "summary": f"ordered {', '.join(lines) or 'nothing'} ({total:.2f} total)",
    }
