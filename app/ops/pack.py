"""The pack station: scans in, what to show and what to record out (no Qt, no network).

A keyboard-wedge scanner types a code and presses Enter. The first scan names an order (the
packing slip's barcode is the order id; a label's tracking number works too); then each scan
of an item (its seller SKU or its barcode) ticks one unit. A code that is not in the order,
or one unit too many, is refused. When every unit is ticked the order is packed and the pack
is recorded; a seller-shipped order then takes one more scan, its tracking number, and is
queued to ship with the station's carrier.
"""

from __future__ import annotations

import enum
import json
import time
from dataclasses import dataclass, field

import sqlite_utils

from app.ops.tracking import mismatch_problem
from app.queries.labels import PackItem, PackOrder, fetch_order_by_tracking, fetch_pack_order
from app.queries.returns import find_return_for_item
from app.store.sku_profiles import fetch_sku_ids_by_code
from app.sync.ship_requests import ShipPlan, check_request, save_plan

#: Orders the station packs; others are refused with their state.
PACKABLE = frozenset({"AWAITING_SHIPMENT", "AWAITING_COLLECTION"})


class Cue(enum.Enum):
    """What the creator hears and sees for a scan."""

    ORDER = "order"  # an order is on screen
    TICK = "tick"  # one unit ticked
    PACKED = "packed"  # the last unit: packed
    TRACKING = "tracking"  # seller shipping: scan the tracking number now
    SHIPPED = "shipped"  # queued to ship
    RETURNED = "returned"  # a returned item: back on the shelf
    WRONG = "wrong"  # refused: loud


@dataclass(frozen=True)
class ScanResult:
    """One scan's outcome: the cue, a line to show, and what to record (if anything)."""

    cue: Cue
    message: str
    pack: PackRecord | None = None
    ship: tuple[str, str] | None = None  # (order id, tracking number) to queue
    returned: str = ""  # a returned item's code, to record back on the shelf


@dataclass(frozen=True)
class PackRecord:
    """One finished pack: which order, which units, where and when."""

    order_id: str
    station: str
    items: dict[str, int]
    packed_at: int
    tracking_number: str = ""


@dataclass
class PackStation:
    """The station's state between scans; `scan(db, code)` moves it on."""

    station: str = ""
    carrier: str = ""
    order: PackOrder | None = None
    scanned: dict[str, int] = field(default_factory=dict)
    awaiting_tracking: bool = False

    def remaining(self, item: PackItem) -> int:
        return item.quantity - self.scanned.get(item.sku_id, 0)

    @property
    def complete(self) -> bool:
        return self.order is not None and all(self.remaining(i) <= 0 for i in self.order.items)

    def clear(self) -> None:
        """Put the order down (Esc): nothing is recorded."""
        self.order, self.scanned, self.awaiting_tracking = None, {}, False

    def scan(self, db: sqlite_utils.Database, code: str, *, now: int | None = None) -> ScanResult:
        """What this scan does; reads only (the caller records `pack` and queues `ship`)."""
        code = code.strip()
        if not code:
            return ScanResult(Cue.WRONG, "Nothing was scanned.")
        if self.awaiting_tracking and self.order is not None:
            return self._tracking(code)
        if self.order is None or self.complete:
            # Returned items are taken only on an empty station (Esc clears it), so a second
            # scan of a unit just packed never puts a returned one on the shelf by mistake.
            return self._open(db, code, returns=self.order is None)
        return self._item(db, code, int(time.time()) if now is None else now)

    def _open(self, db: sqlite_utils.Database, code: str, *, returns: bool) -> ScanResult:
        order_id = code if fetch_pack_order(db, code) else fetch_order_by_tracking(db, code)
        order = fetch_pack_order(db, order_id) if order_id else None
        if order is None:
            back = find_return_for_item(db, code) if returns else None
            if back is not None:
                return ScanResult(
                    Cue.RETURNED,
                    f"Returned item {code} (return {back[0]}): back on the shelf. A damaged "
                    "one is written off in the Returns tab, not scanned here.",
                    returned=code,
                )
            return ScanResult(Cue.WRONG, f"{code} is no order or tracking number in Shopdesk.")
        if order.status not in PACKABLE:
            state = order.status.replace("_", " ").lower()
            return ScanResult(Cue.WRONG, f"Order {order.order_id} is {state}: do not pack it.")
        if order.stale:
            return ScanResult(Cue.WRONG, f"Order {order.order_id}: {order.stale}.")
        self.clear()
        self.order = order
        units = sum(i.quantity for i in order.items)
        return ScanResult(Cue.ORDER, f"Order {order.order_id}: scan its {units} units.")

    def _item(self, db: sqlite_utils.Database, code: str, now: int) -> ScanResult:
        assert self.order is not None
        skus = set(fetch_sku_ids_by_code(db, code))
        matches = [
            i for i in self.order.items if i.sku_id in skus or code in (i.seller_sku, i.barcode)
        ]
        if not matches:
            if fetch_pack_order(db, code) or fetch_order_by_tracking(db, code):
                return ScanResult(
                    Cue.WRONG, f"Order {self.order.order_id} is not finished: pack it or press Esc."
                )
            return ScanResult(
                Cue.WRONG, f"WRONG ITEM: {code} is not in order {self.order.order_id}."
            )
        item = next((i for i in matches if self.remaining(i) > 0), None)
        if item is None:
            first = matches[0]
            return ScanResult(
                Cue.WRONG, f"TOO MANY: all {first.quantity} of {first.seller_sku} are packed."
            )
        self.scanned[item.sku_id] = self.scanned.get(item.sku_id, 0) + 1
        if not self.complete:
            return ScanResult(
                Cue.TICK, f"{item.seller_sku or item.name}: {self.remaining(item)} to go."
            )
        record = PackRecord(self.order.order_id, self.station, dict(self.scanned), now)
        if self.order.shipping_type == "SELLER" and self.order.status == "AWAITING_SHIPMENT":
            self.awaiting_tracking = True
            return ScanResult(
                Cue.TRACKING,
                f"Packed. Scan the tracking number of order {self.order.order_id}.",
                pack=record,
            )
        return ScanResult(Cue.PACKED, f"Order {self.order.order_id} packed.", pack=record)

    def _tracking(self, code: str) -> ScanResult:
        assert self.order is not None
        if not self.carrier:
            return ScanResult(Cue.WRONG, "Choose the carrier for this station first.")
        order_id = self.order.order_id
        self.awaiting_tracking = False
        return ScanResult(
            Cue.SHIPPED, f"Order {order_id} goes out with {code}.", ship=(order_id, code)
        )


def save_pack(db: sqlite_utils.Database, record: PackRecord) -> int:
    """Record a finished pack (when, which units, which station)."""
    cursor = db.execute(
        "INSERT INTO packs (order_id, station, items, tracking_number, packed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            record.order_id,
            record.station,
            json.dumps(record.items, sort_keys=True),
            record.tracking_number,
            record.packed_at,
        ],
    )
    return int(cursor.lastrowid or 0)


def queue_ship(
    db: sqlite_utils.Database, order_id: str, tracking: str, carrier: str, *, now: int
) -> list[str]:
    """Queue the seller-shipped order to ship with the scanned tracking number; the problems
    in plain words when it cannot (nothing queued then)."""
    request, problems = check_request(db, order_id, tracking=tracking, provider=carrier)
    if request is None:
        return [p.for_cli() for p in problems]
    mismatch = mismatch_problem(db, request)
    if mismatch is not None:  # the Ship dialog can still send it on purpose
        return [f"{mismatch.message}. To send it as it is, use Ship… on the order"]
    with db.atomic():
        save_plan(db, ShipPlan([request]), now=now)
        db.execute(
            "UPDATE packs SET tracking_number = ? WHERE id = (SELECT max(id) FROM packs"
            " WHERE order_id = ?)",
            [tracking, order_id],
        )
    return []
