"""Services handed to tools through the tool context (``ctx.ledger``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Ledger:
    """An in-memory booking ledger: every confirmed booking gets the next id."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    def record(self, flight_id: str, passenger: str) -> str:
        booking_id = f"BK-{len(self.entries) + 1}"
        self.entries.append({"booking_id": booking_id, "flight_id": flight_id, "passenger": passenger})
        return booking_id


def make_ledger() -> Ledger:
    """Service factory: the generated ``build_runtime`` calls it once per runtime."""
    return Ledger()


def make_busy_ledger() -> Ledger:
    """A ledger that already holds two bookings, so the next one is ``BK-3``."""
    ledger = Ledger()
    ledger.record("JL1", "Grace Hopper")
    ledger.record("UA837", "Alan Turing")
    return ledger
