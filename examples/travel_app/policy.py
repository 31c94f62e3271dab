"""Approval predicates: ``(args, ctx) -> bool``, True when a human must approve."""

from __future__ import annotations

from typing import Any

REFUND_LIMIT = 500


def large_refund(args: dict[str, Any], ctx: Any) -> bool:
    """Refunds above the limit need a human; small ones go through."""
    return float(args.get("amount", 0)) > REFUND_LIMIT
