"""Which units an order holds, has handed to a carrier, or gave back: the rule, stated once.

FACTS.md 4.3 and 4.4, applied to each line item when its order is saved and kept in
`line_items.stock_state`, so every SQL query reads the stored answer instead of a second copy
of the rule:
- held: the order is open (UNPAID, ON_HOLD, AWAITING_SHIPMENT, PARTIALLY_SHIPPING,
  AWAITING_COLLECTION) and the line item is neither cancelled nor with a carrier. A packed
  parcel waiting for pickup (AWAITING_COLLECTION) is still on the creator's shelf and still
  committed on TikTok's side, which releases it at IN_TRANSIT.
- shipped (handed to a carrier): the order is IN_TRANSIT, DELIVERED or COMPLETED, or the line
  item itself shows IN_TRANSIT/DELIVERED/COMPLETED (`display_status`) or FULFILLING/COMPLETED
  (`package_status`), which is how one parcel of a PARTIALLY_SHIPPING order shows it left.
  A cancelled order that a carrier had already collected (`collection_time` set, e.g. lost in
  transit) counts as shipped: the unit is gone either way.
- released: the line item was cancelled before a carrier had it; TikTok gave the unit back.
- anything else holds nothing and moves nothing.
"""

from __future__ import annotations

from app.tiktok.models import OPEN_STATUSES

CARRIER_STATUSES = frozenset({"IN_TRANSIT", "DELIVERED", "COMPLETED"})
CARRIER_PACKAGE = frozenset({"FULFILLING", "COMPLETED"})
CANCELLED = "CANCELLED"

HELD, SHIPPED_STATE, RELEASED, NO_STOCK = "held", "shipped", "released", ""

#: The stored answers, over `line_items li`.
HELD_SQL = f"li.stock_state = '{HELD}'"
HANDED_OVER_SQL = f"li.stock_state = '{SHIPPED_STATE}'"
RELEASED_SQL = f"li.stock_state = '{RELEASED}'"


def handed_over(status: str, collected: object, display_status: str, package_status: str) -> bool:
    """True once a carrier has the unit (see the module docstring)."""
    if display_status == CANCELLED or package_status == CANCELLED:
        return status == CANCELLED and bool(collected)
    if status in CARRIER_STATUSES:
        return True
    return display_status in CARRIER_STATUSES or package_status in CARRIER_PACKAGE


def holds_stock(status: str, display_status: str, package_status: str) -> bool:
    """True while the unit is promised to the buyer and still on the creator's shelf."""
    return (
        status in OPEN_STATUSES
        and display_status not in CARRIER_STATUSES
        and display_status != CANCELLED
        and package_status not in CARRIER_PACKAGE
        and package_status != CANCELLED
    )


def stock_state(status: str, collected: object, display_status: str, package_status: str) -> str:
    """One line item's state for the ledger and the committed count (stored on save)."""
    if handed_over(status, collected, display_status, package_status):
        return SHIPPED_STATE
    if holds_stock(status, display_status, package_status):
        return HELD
    if display_status == CANCELLED or package_status == CANCELLED:
        return RELEASED
    return NO_STOCK
