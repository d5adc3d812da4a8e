"""The one order shape above `app/tiktok`: an order as the store holds it, read from columns.

`fetch_order` and `fetch_orders` build it from the typed columns of `orders` and
`line_items` (never from the raw JSON, which stays in `order_raw` for the detail view and
for fields not modelled yet). Shipping checks, carriers, cancellations and deadlines read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import sqlite_utils

from app.store.orders import LINE_ITEM_COLUMNS, fetch_order_raw
from app.store.stock_rules import CANCELLED, HELD, SHIPPED_STATE
from app.tiktok.models import Order


@dataclass(frozen=True, slots=True)
class StoredItem:
    """One line item (one unit) of a stored order."""

    id: str
    order_id: str
    sku_id: str
    product_id: str
    seller_sku: str
    product_name: str
    sku_name: str
    sale_price: str | None
    currency: str
    display_status: str
    package_id: str
    package_status: str
    cancel_user: str
    #: `held`, `shipped`, `released` or empty (`app.store.stock_rules`).
    stock_state: str

    @property
    def cancelled(self) -> bool:
        """Cancelled on its own or with its order."""
        return self.display_status == CANCELLED

    @property
    def held(self) -> bool:
        """Promised to the buyer and still on the creator's shelf."""
        return self.stock_state == HELD

    @property
    def with_carrier(self) -> bool:
        """A carrier has it (or had it, for a parcel lost after collection)."""
        return self.stock_state == SHIPPED_STATE


@dataclass(frozen=True, slots=True)
class StoredOrder:
    """An order as last saved: times are UTC seconds (None: TikTok has not set it), money is
    decimal text in `currency`."""

    id: str
    shop_id: str
    status: str
    order_type: str
    create_time: int
    update_time: int
    paid_time: int | None
    buyer_user_id: str
    buyer_name: str
    currency: str
    total_amount: str | None
    flags: tuple[str, ...]
    fulfillment_type: str
    shipping_type: str
    delivery_type: str
    tracking_number: str
    shipping_provider: str
    warehouse_id: str
    delivery_option_id: str
    package_ids: tuple[str, ...]
    cancel_reason: str
    request_cancel_time: int | None
    cancellation_initiator: str
    #: Ship by (latest time to be ready to ship).
    rts_sla_time: int | None
    #: Latest collection by the carrier.
    tts_sla_time: int | None
    #: TikTok cancels the order if not AWAITING_COLLECTION by then.
    shipping_due_time: int | None
    #: TikTok cancels the order if not IN_TRANSIT by then.
    collection_due_time: int | None
    #: TikTok cancels the order if not DELIVERED by then.
    delivery_due_time: int | None
    #: On-time delivery by then.
    delivery_sla_time: int | None
    rts_time: int | None
    collection_time: int | None
    delivery_time: int | None
    cancel_time: int | None
    synced_at: int
    line_items: tuple[StoredItem, ...]

    @property
    def seller_ships(self) -> bool:
        """The seller ships with their own carrier and tracking number."""
        return self.shipping_type == "SELLER"

    @property
    def item_ids(self) -> frozenset[str]:
        """Every line item's id."""
        return frozenset(i.id for i in self.line_items)

    def open_items(self, chosen: Sequence[str] = ()) -> list[StoredItem]:
        """Line items not cancelled, limited to `chosen` when some are named."""
        items = [i for i in self.line_items if not i.cancelled]
        if chosen:
            wanted = set(chosen)
            items = [i for i in items if i.id in wanted]
        return items


_ORDER_FIELDS = tuple(f.name for f in fields(StoredOrder) if f.name != "line_items")
#: A `StoredItem` is a `line_items` row, column for column.
_ITEM_FIELDS = LINE_ITEM_COLUMNS


def fetch_order(db: sqlite_utils.Database, order_id: str) -> StoredOrder | None:
    """One stored order, or None when Shopdesk has not seen it."""
    return fetch_orders(db, [order_id]).get(order_id)


def fetch_orders(db: sqlite_utils.Database, order_ids: Sequence[str]) -> dict[str, StoredOrder]:
    """Stored orders by id (ids not stored are left out), 500 per query."""
    found: dict[str, StoredOrder] = {}
    ids = list(dict.fromkeys(order_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        items: dict[str, list[StoredItem]] = {}
        for row in db.execute(
            f"SELECT {', '.join(_ITEM_FIELDS)} FROM line_items"
            f" WHERE order_id IN ({marks}) ORDER BY rowid",
            chunk,
        ):
            item = StoredItem(*row)
            items.setdefault(item.order_id, []).append(item)
        for row in db.execute(
            f"SELECT {', '.join(_ORDER_FIELDS)} FROM orders WHERE id IN ({marks})", chunk
        ):
            values = dict(zip(_ORDER_FIELDS, row, strict=True))
            values["flags"] = _split(values["flags"])
            values["package_ids"] = _split(values["package_ids"])
            found[row[0]] = StoredOrder(**values, line_items=tuple(items.get(row[0], ())))
    return found


def fetch_order_detail(db: sqlite_utils.Database, order_id: str) -> Order | None:
    """One order parsed from the raw JSON TikTok sent last (so the detail shows every field)."""
    raw = fetch_order_raw(db, order_id)
    return None if raw is None else Order.from_api(raw)


def _split(text: str) -> tuple[str, ...]:
    return tuple(t for t in text.split(";") if t)
