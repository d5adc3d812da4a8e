"""The creator's stock: `on_hand` changes only with a ledger movement; orders drive `shipped`.

Which line items count where is `app.store.stock_rules`; this module reads its stored answer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import sqlite_utils

from app.store import outbox
from app.store.db import rows_in
from app.store.plain_inserts import insert_all_or_none
from app.store.stock_rules import (
    HANDED_OVER_SQL,
    HELD_SQL,
    RELEASED_SQL,
    handed_over,
    holds_stock,
)
from app.tiktok.errors import ShopdeskError
from app.tiktok.models import OrderRow

#: The rule's names, where callers have always found them.
__all__ = [
    "HANDED_OVER_SQL",
    "HELD_SQL",
    "RELEASED_SQL",
    "handed_over",
    "holds_stock",
]

SHIPPED, MANUAL, RETURNED, RESTOCKED, FIRST_COUNT = (
    "shipped",
    "manual",
    "returned",
    "restocked",
    "first_count",
)
#: A count this large is a typo, not a shelf.
MAX_ON_HAND = 1_000_000


class UnknownSku(ShopdeskError):
    """The SKU is not in the catalogue (or has no stock count yet)."""


def _handover_time(order: OrderRow) -> tuple[int, bool]:
    """When the carrier took it, and whether that time stays put: TikTok's `collection_time`
    does; the order's `update_time`, the fallback, moves with every later change."""
    if order.collection_time:
        return order.collection_time, True
    return order.update_time, False


def _shipped_refs(db: sqlite_utils.Database, item_ids: Sequence[str]) -> set[str]:
    """The line items among `item_ids` that have their `shipped` movement already."""
    sql = f"SELECT ref FROM stock_movements WHERE reason = '{SHIPPED}' AND ref IN ({{marks}})"
    return {str(r[0]) for r in rows_in(db, sql, item_ids)}


def save_order_stock(
    db: sqlite_utils.Database,
    orders: Sequence[OrderRow],
    *,
    now: int,
    created: Collection[str] = (),
) -> set[str]:
    """Apply what just-saved orders mean for stock: one `shipped` movement per line item.

    Called by `app.sync.order_saves.save_order_page` in the orders' transaction. Committed
    needs nothing here (it is counted from the orders when read). A unit handed over before
    the SKU's first count moves nothing, since that count already left it out; when only the
    order's update time tells when, a delta-0 row pins that down for later events. Returns
    SKUs whose on_hand moved. `created`: the ids of orders stored for the first time.
    """
    if not orders or db.execute("SELECT 1 FROM stock LIMIT 1").fetchone() is None:
        return set()  # nothing counted yet: there is no on_hand to move
    shipped: list[tuple[str, str, int, bool]] = []
    for order in orders:
        for item in order.line_items:
            if item.sku_id and handed_over(
                order.status, order.collection_time, item.display_status, item.package_status
            ):
                shipped.append((item.id, item.sku_id, *_handover_time(order)))
    if not shipped:
        return set()
    sku_ids = list({sku for _, sku, _, _ in shipped})
    marks = ",".join("?" for _ in sku_ids)
    counted = {
        str(r[0]): (int(r[1]), int(r[2]))
        for r in db.execute(
            f"SELECT sku_id, on_hand, counted_at FROM stock WHERE sku_id IN ({marks})", sku_ids
        )
    }
    if not counted:
        return set()
    if created and all(order.id in created for order in orders):
        moved = _save_new_shipped(db, shipped, counted, now)
        if moved is not None:
            return moved
    recorded = _shipped_refs(db, [item_id for item_id, *_ in shipped])
    rows, levels = _shipped_rows(shipped, counted, recorded, now)
    db.conn.executemany(_NEW_MOVEMENT, rows)
    return _save_levels(db, levels, now)


_NEW_MOVEMENT = (
    "INSERT INTO stock_movements (sku_id, reason, ref, delta, on_hand_after, note, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _shipped_rows(
    shipped: Sequence[tuple[str, str, int, bool]],
    counted: Mapping[str, tuple[int, int]],
    recorded: set[str],
    now: int,
) -> tuple[list[tuple[str, str, str, int, int, str, int]], dict[str, int]]:
    """The movements for units not yet `recorded`, and the new on_hand of each SKU moved."""
    levels: dict[str, int] = {}
    rows: list[tuple[str, str, str, int, int, str, int]] = []
    for item_id, sku_id, at, settled in shipped:
        level = counted.get(sku_id)
        if level is None or item_id in recorded:
            continue  # not counted, or this unit's movement is in the ledger already
        delta = -1 if at >= level[1] else 0
        if not delta and settled:
            continue  # before the count, and always will be: nothing to record
        recorded.add(item_id)
        note = "" if delta else "handed to the carrier before the first count"
        on_hand = levels.get(sku_id, level[0]) + delta
        rows.append((sku_id, SHIPPED, item_id, delta, on_hand, note, now))
        if delta:
            levels[sku_id] = on_hand
    return rows, levels


def _save_new_shipped(
    db: sqlite_utils.Database,
    shipped: Sequence[tuple[str, str, int, bool]],
    counted: Mapping[str, tuple[int, int]],
    now: int,
) -> set[str] | None:
    """New orders' units written without first asking the ledger which it has (8k
    instructions an order). Its unique index on shipped refs refuses a unit it holds (an item
    TikTok moved from an older order): then nothing is written and None sends the caller the
    careful way."""
    rows, levels = _shipped_rows(shipped, counted, set(), now)
    if not insert_all_or_none(db, "stock_movements", _NEW_MOVEMENT, rows):
        return None
    return _save_levels(db, levels, now)


def _save_levels(db: sqlite_utils.Database, levels: Mapping[str, int], now: int) -> set[str]:
    """The SKUs' new on_hand; returns the SKUs moved."""
    db.conn.executemany(
        "UPDATE stock SET on_hand = ?, updated_at = ? WHERE sku_id = ?",
        [(on_hand, now, sku) for sku, on_hand in levels.items()],
    )
    return set(levels)


def save_first_counts(
    db: sqlite_utils.Database, counts: Mapping[str, tuple[int, int]], *, now: int
) -> list[str]:
    """Start on_hand at TikTok's listed quantity plus its committed units, marked an estimate.

    `counts` maps sku_id to (TikTok's quantity over all warehouses, TikTok's committed).
    SKUs that already have a count are left alone. Units already with a carrier whose
    collection time TikTok did not give get a `shipped` row now (delta 0), so no later event
    for them can take them off again.
    """
    created: list[str] = []
    for sku_id, (listed, committed) in counts.items():
        on_hand = max(0, listed) + max(0, committed)
        cursor = db.execute(
            "INSERT OR IGNORE INTO stock (sku_id, on_hand, estimate, counted_at,"
            " tiktok_quantity, tiktok_seen_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?)",
            [sku_id, on_hand, now, max(0, listed), now, now],
        )
        if cursor.rowcount != 1:
            continue
        created.append(sku_id)
        db.execute(
            "INSERT INTO stock_movements (sku_id, reason, ref, delta, on_hand_after, note, at)"
            " VALUES (?, ?, '', ?, ?, ?, ?)",
            [
                sku_id,
                FIRST_COUNT,
                on_hand,
                on_hand,
                f"estimate: TikTok listed {listed} and held {committed} for open orders",
                now,
            ],
        )
    for start in range(0, len(created), 500):
        chunk = created[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        db.execute(
            "INSERT OR IGNORE INTO stock_movements (sku_id, reason, ref, delta, on_hand_after,"
            " note, at) SELECT li.sku_id, ?, li.id, 0, s.on_hand,"
            " 'handed to the carrier before the first count', ?"
            " FROM line_items li JOIN orders o ON o.id = li.order_id"
            " JOIN stock s ON s.sku_id = li.sku_id"
            f" WHERE li.sku_id IN ({marks}) AND {HANDED_OVER_SQL} AND o.collection_time IS NULL",
            [SHIPPED, now, *chunk],
        )
    return created


def save_tiktok_observed(
    db: sqlite_utils.Database, observed: Mapping[str, Mapping[str, int]], *, seen_at: int
) -> None:
    """What TikTok listed per warehouse at `seen_at`; an older look never replaces a newer."""
    fresh = [
        sku_id
        for sku_id in observed
        if db.execute(
            "UPDATE stock SET tiktok_quantity = ?, tiktok_seen_at = ?"
            " WHERE sku_id = ? AND tiktok_seen_at <= ?",
            [max(0, sum(observed[sku_id].values())), seen_at, sku_id, seen_at],
        ).rowcount
    ]
    db.conn.executemany(
        "UPDATE sku_warehouses SET tiktok_quantity = ? WHERE sku_id = ? AND warehouse_id = ?",
        [(q, sku_id, w) for sku_id in fresh for w, q in observed[sku_id].items()],
    )


def save_pushed(
    db: sqlite_utils.Database, sku_id: str, quantities: Mapping[str, int], *, now: int
) -> None:
    """TikTok accepted our quantities: that is now what it lists."""
    total = sum(quantities.values())
    db.execute(
        "UPDATE stock SET tiktok_quantity = ?, tiktok_seen_at = ?, pushed_quantity = ?,"
        " pushed_at = ? WHERE sku_id = ?",
        [total, now, total, now, sku_id],
    )
    db.conn.executemany(
        "UPDATE sku_warehouses SET tiktok_quantity = ? WHERE sku_id = ? AND warehouse_id = ?",
        [(q, sku_id, w) for w, q in quantities.items()],
    )


def fetch_overpushed(db: sqlite_utils.Database, sku_ids: Sequence[str]) -> list[str]:
    """SKUs TikTok still lists at what we last pushed and that an order named after the push.

    Such an order may have been placed while the push was on the wire: the quantity we sent
    did not count it, so TikTok's listing can be one of ours too many.
    """
    sql = (
        "SELECT s.sku_id FROM stock s WHERE s.sku_id IN ({marks})"
        " AND s.pushed_at IS NOT NULL AND s.tiktok_quantity = s.pushed_quantity"
        " AND EXISTS (SELECT 1 FROM line_items li JOIN orders o ON o.id = li.order_id"
        " WHERE li.sku_id = s.sku_id AND o.synced_at >= s.pushed_at)"
    )
    return [str(r[0]) for r in rows_in(db, sql, sku_ids)]


def _level(db: sqlite_utils.Database, sku_id: str) -> tuple[int, str]:
    row = db.execute(
        "SELECT s.on_hand, k.product_id FROM stock s JOIN skus k ON k.id = s.sku_id"
        " WHERE s.sku_id = ?",
        [sku_id],
    ).fetchone()
    if row is None:
        raise UnknownSku(f"SKU {sku_id} has no stock count yet (sync the catalogue first)")
    return int(row[0]), str(row[1])


def _check_count(name: str, value: int | None) -> None:
    if value is not None and not 0 <= value <= MAX_ON_HAND:
        raise ValueError(f"{name} must be a whole number from 0 to {MAX_ON_HAND:,}")


def save_manual_stock(
    db: sqlite_utils.Database,
    sku_id: str,
    *,
    on_hand: int | None = None,
    buffer: int | None = None,
    low_stock: int | None = None,
    now: int,
    source: str = "manual",
) -> int | None:
    """The creator's edit: a ledger row for a new count, and a queued push; returns its outbox id.

    Setting on_hand (even to the same number) confirms the estimate. Buffer and threshold
    override the settings' defaults for this SKU. A count or buffer change queues a push.
    """
    for name, value in (("on_hand", on_hand), ("buffer", buffer), ("low_stock", low_stock)):
        _check_count(name, value)
    with db.atomic():
        current, product_id = _level(db, sku_id)
        if on_hand is not None:
            db.execute(
                "INSERT INTO stock_movements (sku_id, reason, ref, delta, on_hand_after, note, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [sku_id, MANUAL, source, on_hand - current, on_hand, f"set to {on_hand}", now],
            )
            db.execute(
                "UPDATE stock SET on_hand = ?, estimate = 0, updated_at = ? WHERE sku_id = ?",
                [on_hand, now, sku_id],
            )
        if buffer is not None:
            db.execute("UPDATE stock SET buffer = ? WHERE sku_id = ?", [buffer, sku_id])
        if low_stock is not None:
            db.execute("UPDATE stock SET low_stock = ? WHERE sku_id = ?", [low_stock, sku_id])
        if on_hand is None and buffer is None:
            return None
        return outbox.save_push_request(db, sku_id, product_id, reason=source, now=now)


def save_stock_confirmed(db: sqlite_utils.Database, sku_ids: Sequence[str], *, now: int) -> None:
    """The creator checked the estimated counts and they are right."""
    db.conn.executemany(
        "UPDATE stock SET estimate = 0, updated_at = ? WHERE sku_id = ?",
        [(now, s) for s in sku_ids],
    )


def save_returned(
    db: sqlite_utils.Database, order_id: str, return_id: str, *, now: int
) -> list[int]:
    """A buyer sent units of this order back: recorded per shipped line item, on_hand unchanged.

    Putting a returned unit back on the shelf is the creator's call (`save_restocked`).
    """
    items = db.execute(
        "SELECT m.ref, m.sku_id, s.on_hand FROM stock_movements m"
        " JOIN line_items li ON li.id = m.ref JOIN stock s ON s.sku_id = m.sku_id"
        " WHERE m.reason = ? AND li.order_id = ?",
        [SHIPPED, order_id],
    ).fetchall()
    ids = []
    for item_id, sku_id, on_hand in items:
        cursor = db.execute(
            "INSERT OR IGNORE INTO stock_movements (sku_id, reason, ref, delta, on_hand_after,"
            " note, at) VALUES (?, ?, ?, 0, ?, ?, ?)",
            [
                sku_id,
                RETURNED,
                f"{return_id}:{item_id}",
                on_hand,
                f"return {return_id} of order {order_id}",
                now,
            ],
        )
        if cursor.rowcount == 1:
            ids.append(int(cursor.lastrowid or 0))
    return ids


def save_restocked(db: sqlite_utils.Database, movement_id: int, *, now: int) -> int | None:
    """The creator put a returned unit back: +1 on hand and a queued push."""
    row = db.execute(
        "SELECT sku_id, ref FROM stock_movements WHERE id = ? AND reason = ?",
        [movement_id, RETURNED],
    ).fetchone()
    if row is None:
        raise ValueError(f"movement {movement_id} is not a return")
    sku_id, ref = str(row[0]), str(row[1])
    with db.atomic():
        current, product_id = _level(db, sku_id)
        cursor = db.execute(
            "INSERT OR IGNORE INTO stock_movements (sku_id, reason, ref, delta, on_hand_after,"
            " note, at) VALUES (?, ?, ?, 1, ?, 'returned unit put back', ?)",
            [sku_id, RESTOCKED, ref, current + 1, now],
        )
        if cursor.rowcount != 1:
            return None
        db.execute(
            "UPDATE stock SET on_hand = ?, updated_at = ? WHERE sku_id = ?",
            [current + 1, now, sku_id],
        )
        return outbox.save_push_request(db, sku_id, product_id, reason=RESTOCKED, now=now)


def save_warehouse_shares(
    db: sqlite_utils.Database, sku_id: str, shares: dict[str, int] | None
) -> None:
    """The creator's split of a SKU over its warehouses (None: back to TikTok's proportions)."""
    with db.atomic():
        db.execute("UPDATE sku_warehouses SET share = NULL WHERE sku_id = ?", [sku_id])
        for warehouse_id, share in (shares or {}).items():
            if share < 0:
                raise ValueError("a warehouse share cannot be negative")
            db.execute(
                "UPDATE sku_warehouses SET share = ? WHERE sku_id = ? AND warehouse_id = ?",
                [share, sku_id, warehouse_id],
            )


def fetch_movements(
    db: sqlite_utils.Database, sku_id: str, limit: int = 200
) -> list[dict[str, Any]]:
    """A SKU's ledger, newest first (rows that moved nothing included, for the record)."""
    cursor = db.execute(
        "SELECT id, reason, ref, delta, on_hand_after, note, at FROM stock_movements"
        " WHERE sku_id = ? ORDER BY id DESC LIMIT ?",
        [sku_id, limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
