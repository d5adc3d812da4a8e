"""TikTok cancels an order by itself when its seller misses a due time (FACTS.md 9.5).

get-order-detail: "If the order hasn't updated its status to AWAITING_COLLECTION before
[shipping_due_time], the order will be automatically canceled by TikTok Shop", and the same
for IN_TRANSIT by `collection_due_time`. The cancellation is the system's (initiator
`SYSTEM`) with the market's SYSTEM reason for the status it left (reasons.US_DEFAULTS:
`platform_cancel` before shipping, `system_cancel_order_reason_shipping_timeout` when the
carrier never collected), and it sends the order-status webhook like any other change.

Orders are noted when they change (a heap of due times, checked lazily), so a tick costs
nothing while nothing is due, whatever the number of orders.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from app.sandbox import reasons

if TYPE_CHECKING:
    from app.sandbox.model import Shop
    from app.sandbox.state import World

#: Which due time cancels an order in each status.
DUE_FIELD = {
    "AWAITING_SHIPMENT": "shipping_due_time",
    "PARTIALLY_SHIPPING": "shipping_due_time",
    "AWAITING_COLLECTION": "collection_due_time",
}


def due_at(order: dict[str, Any]) -> int | None:
    """When TikTok cancels this order if nothing moves it on (None: never by a due time)."""
    name = DUE_FIELD.get(order["status"])
    value = order.get(name) if name else None
    return int(value) if isinstance(value, int) else None


class DueCancels:
    """The due times of open orders, earliest first; stale entries are dropped when reached."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, str, str]] = []
        self._noted: set[tuple[int, str]] = set()

    def note(self, shop: Shop, order: dict[str, Any]) -> None:
        """An order changed: remember its due time, if its status has one."""
        at = due_at(order)
        if at is None or (at, order["id"]) in self._noted:
            return
        self._noted.add((at, order["id"]))
        heapq.heappush(self._heap, (at, order["id"], shop.id))

    def run(self, world: World, now: int) -> int:
        """Cancel every order whose due time has passed by `now`, each at its due time."""
        cancelled = 0
        while self._heap and self._heap[0][0] <= now:
            at, order_id, shop_id = heapq.heappop(self._heap)
            self._noted.discard((at, order_id))
            shop = world.shops[shop_id]
            order = shop.orders.get(order_id)
            if order is None or due_at(order) != at:
                continue  # shipped, collected or cancelled in time, or due later now
            reason = reasons.default_reason(shop.region, "SYSTEM", order["status"])
            world.transition(
                shop, order_id, "CANCELLED", at, cancel_reason=reason, initiator="SYSTEM"
            )
            cancelled += 1
        return cancelled
