"""Real tool handlers: ``async def handler(args, ctx)``, as the harness calls them."""

from __future__ import annotations

from typing import Any

from agentspec_runtime import ToolFailure

KNOWN_FLIGHTS = {"NH7": 912, "JL1": 1040, "UA837": 780}


async def book_flight(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """Book one seat on a known flight and record it in the ledger service."""
    flight_id = args["flight_id"]
    if flight_id not in KNOWN_FLIGHTS:
        raise ToolFailure(f"unknown flight {flight_id}")
    passenger = args.get("passenger") or "guest"
    booking_id = ctx.ledger.record(flight_id, passenger)
    return {
        "booking_id": booking_id,
        "flight_id": flight_id,
        "price": KNOWN_FLIGHTS[flight_id],
        "status": "confirmed",
    }


async def sold_out(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """A booking handler for the day every flight is full: nothing is recorded."""
    return {"flight_id": args["flight_id"], "status": "sold_out"}
