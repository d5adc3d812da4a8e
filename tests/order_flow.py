"""The next documented status of an order (FACTS.md 4.3), for tests that move orders along."""

from __future__ import annotations

from typing import Any

_NEXT = {
    "ON_HOLD": "AWAITING_SHIPMENT",
    "AWAITING_SHIPMENT": "AWAITING_COLLECTION",
    "PARTIALLY_SHIPPING": "AWAITING_COLLECTION",
    "AWAITING_COLLECTION": "IN_TRANSIT",
    "IN_TRANSIT": "DELIVERED",
    "DELIVERED": "COMPLETED",
}


def next_status(order: dict[str, Any]) -> str | None:
    """Paid UNPAID orders go to ON_HOLD only when they take the remorse window."""
    if order["status"] == "UNPAID":
        return "ON_HOLD" if order.get("is_on_hold_order") else "AWAITING_SHIPMENT"
    return _NEXT.get(order["status"])
