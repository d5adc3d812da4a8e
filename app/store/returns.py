"""Buyers' return and refund requests as TikTok reports them, and each returned item's fate."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app.store import outbox
from app.store.stock import RETURNED, _level
from app.tiktok.models.returns import Return, ReturnRecord

RESTOCKED, WRITTEN_OFF = "restocked", "written_off"
DECIDING_WORDS = re.compile(r"approv|reject|refund|declin", re.IGNORECASE)
#: Statuses in which the buyer's parcel is on its way back or already arrived.
ITEM_TRAVELS = frozenset(
    {
        "BUYER_SHIPPED_ITEM",
        "REJECT_RECEIVE_PACKAGE",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "RETURN_OR_REFUND_REQUEST_COMPLETE",
    }
)
_COLUMNS = (
    "return_id, order_id, return_type, return_status, arbitration_status, role, reason_text,"
    " evidence, next_action, deadline, refund_total, currency, items, reject_reasons,"
    " reasons_for, decided_by, decision, create_time, update_time"
)


@dataclass(frozen=True)
class ReturnItem:
    """One returned unit: which SKU, and what the creator did with it (empty: not yet)."""

    return_line_item_id: str
    order_line_item_id: str
    sku_id: str
    name: str
    seller_sku: str
    refund: str
    outcome: str = ""


@dataclass(frozen=True)
class StoredReturn:
    """A request as last read, with the seller's next action and TikTok's deadline for it."""

    return_id: str
    order_id: str
    return_type: str
    return_status: str
    arbitration_status: str
    role: str
    reason_text: str
    evidence: str
    next_action: str
    deadline: int | None
    refund_total: str
    currency: str
    items: tuple[ReturnItem, ...]
    reject_reasons: tuple[tuple[str, str], ...]
    reasons_for: str
    decided_by: str
    decision: str
    create_time: int
    update_time: int

    @property
    def pending(self) -> bool:
        """The seller must approve or reject something before the deadline."""
        return bool(self.next_action)

    @property
    def item_travels(self) -> bool:
        """The buyer sent the item back, so it can be put on the shelf or written off."""
        return self.return_type == "RETURN_AND_REFUND" and self.return_status in ITEM_TRAVELS


def _money(value: Any) -> str:
    return "" if value is None else str(value)


def _items(found: Return) -> str:
    return json.dumps(
        [
            {
                "return_line_item_id": i.return_line_item_id,
                "order_line_item_id": i.order_line_item_id,
                "sku_id": i.sku_id,
                "name": " ".join(p for p in (i.product_name, i.sku_name) if p),
                "seller_sku": i.seller_sku,
                "refund": _money(i.refund_amount.refund_total if i.refund_amount else None),
            }
            for i in found.return_line_items
        ]
    )


def save_returns(
    db: sqlite_utils.Database, shop_id: str, found: Sequence[Return], *, now: int
) -> list[str]:
    """Upsert requests as TikTok reports them (an older `update_time` never wins)."""
    changed: list[str] = []
    with db.atomic():
        for r in found:
            action = r.next_action if r.awaiting_seller else None
            refund = r.refund_amount
            cursor = db.execute(
                "INSERT INTO returns (return_id, shop_id, order_id, return_type, return_status,"
                " arbitration_status, role, reason_text, next_action, deadline, refund_total,"
                " currency, items, raw, create_time, update_time, synced_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (return_id) DO UPDATE SET order_id = excluded.order_id,"
                " return_type = excluded.return_type, return_status = excluded.return_status,"
                " arbitration_status = excluded.arbitration_status, role = excluded.role,"
                " reason_text = excluded.reason_text, next_action = excluded.next_action,"
                " deadline = excluded.deadline, refund_total = excluded.refund_total,"
                " currency = excluded.currency, items = excluded.items, raw = excluded.raw,"
                " update_time = excluded.update_time, synced_at = excluded.synced_at"
                " WHERE excluded.update_time >= returns.update_time AND (excluded.raw !="
                " returns.raw)",
                [
                    r.return_id,
                    shop_id,
                    r.order_id,
                    r.return_type,
                    r.return_status,
                    r.arbitration_status,
                    r.role,
                    r.return_reason_text or r.return_reason,
                    action.action if action else "",
                    action.deadline if action and action.deadline else None,
                    _money(refund.refund_total if refund else None),
                    refund.currency if refund else "",
                    _items(r),
                    json.dumps(r.raw, sort_keys=True),
                    r.create_time,
                    r.update_time,
                    now,
                ],
            )
            if cursor.rowcount:
                changed.append(r.return_id)
    return changed


def save_records(
    db: sqlite_utils.Database, return_id: str, status: str, records: Sequence[ReturnRecord]
) -> None:
    """What the records add: the buyer's evidence text and who took the last decision."""
    # The buyer's own words on the steps that give evidence (a reason, pictures, a video); the
    # reason's text itself is already `reason_text`, a ship-back step's note is its tracking.
    evidence = "; ".join(
        dict.fromkeys(
            r.note
            for r in records
            if r.by == "BUYER" and r.note and (r.reason_text or r.images or r.videos)
        )
    )
    # Records carry no outcome field (their `event` is always ORDER_RETURN): a decision is a
    # seller's, system's or agent's step that says it approved, rejected or refunded.
    deciding = [
        r for r in records if r.by != "BUYER" and DECIDING_WORDS.search(r.description or "")
    ]
    last = max(deciding, key=lambda r: r.create_time, default=None)
    db.execute(
        "UPDATE returns SET evidence = ?, decided_by = ?, decision = ?, records_status = ?"
        " WHERE return_id = ?",
        [
            evidence,
            last.by if last else "",
            last.description if last else "",
            status,
            return_id,
        ],
    )


def save_reject_reasons(
    db: sqlite_utils.Database, return_id: str, action: str, reasons: Sequence[tuple[str, str]]
) -> None:
    """The reasons TikTok offers for rejecting this request now (already market-filtered)."""
    db.execute(
        "UPDATE returns SET reject_reasons = ?, reasons_for = ? WHERE return_id = ?",
        [json.dumps([list(r) for r in reasons]), action, return_id],
    )


def fetch_unrecorded(db: sqlite_utils.Database) -> list[str]:
    """Requests whose records were not read since their status last moved (waiting ones
    first, then the newest)."""
    rows = db.execute(
        "SELECT return_id FROM returns WHERE records_status != return_status"
        " ORDER BY next_action = '', deadline, update_time DESC"
    ).fetchall()
    return [str(r[0]) for r in rows]


def fetch_reasonless(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """Pending requests whose reject reasons were not read for their current next action."""
    rows = db.execute(
        "SELECT return_id, next_action FROM returns WHERE next_action != ''"
        " AND reasons_for != next_action ORDER BY deadline"
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def _stored(db: sqlite_utils.Database, row: Sequence[Any]) -> StoredReturn:
    values = dict(zip([c.strip() for c in _COLUMNS.split(",")], row, strict=True))
    outcomes = dict(
        db.execute(
            "SELECT return_line_item_id, outcome FROM return_items WHERE return_id = ?",
            [values["return_id"]],
        ).fetchall()
    )
    items = tuple(
        ReturnItem(**i, outcome=outcomes.get(i["return_line_item_id"], ""))
        for i in json.loads(values["items"])
    )
    reasons = tuple((str(n), str(t)) for n, t in json.loads(values["reject_reasons"]))
    return StoredReturn(**{**values, "items": items, "reject_reasons": reasons})


def fetch_returns(
    db: sqlite_utils.Database, *, pending: bool = False, order_id: str | None = None
) -> list[StoredReturn]:
    """Requests, soonest deadline first (then the newest), optionally only those waiting."""
    sql = f"SELECT {_COLUMNS} FROM returns WHERE 1 = 1"
    args: list[Any] = []
    if pending:
        sql += " AND next_action != ''"
    if order_id is not None:
        sql += " AND order_id = ?"
        args.append(order_id)
    sql += " ORDER BY deadline IS NULL, deadline, update_time DESC"
    return [_stored(db, row) for row in db.execute(sql, args).fetchall()]


def fetch_return(db: sqlite_utils.Database, return_id: str) -> StoredReturn | None:
    """One request, or None."""
    row = db.execute(f"SELECT {_COLUMNS} FROM returns WHERE return_id = ?", [return_id]).fetchone()
    return None if row is None else _stored(db, row)


def fetch_pending_summary(db: sqlite_utils.Database) -> tuple[int, int | None]:
    """How many requests wait for the seller, and the soonest deadline."""
    row = db.execute(
        "SELECT count(*), min(deadline) FROM returns WHERE next_action != ''"
    ).fetchone()
    return int(row[0]), None if row[1] is None else int(row[1])


def save_item_outcome(
    db: sqlite_utils.Database, item: ReturnItem, return_id: str, *, restock: bool, now: int
) -> int | None:
    """Back on the shelf (+1 on hand, a `returned` movement with the return id, a queued push;
    returns the outbox id) or written off (no stock change). Each unit is decided once."""
    with db.atomic():
        cursor = db.execute(
            "INSERT OR IGNORE INTO return_items (return_id, return_line_item_id, sku_id, outcome,"
            " at) VALUES (?, ?, ?, ?, ?)",
            [
                return_id,
                item.return_line_item_id,
                item.sku_id,
                RESTOCKED if restock else WRITTEN_OFF,
                now,
            ],
        )
        if cursor.rowcount != 1 or not restock:
            return None
        current, product_id = _level(db, item.sku_id)
        moved = db.execute(
            "INSERT INTO stock_movements (sku_id, reason, ref, delta, on_hand_after, note, at)"
            " VALUES (?, ?, ?, 1, ?, ?, ?)",
            [
                item.sku_id,
                RETURNED,
                f"{return_id}:{item.return_line_item_id}",
                current + 1,
                f"return {return_id}: back on the shelf",
                now,
            ],
        )
        db.execute(
            "UPDATE stock SET on_hand = ?, updated_at = ? WHERE sku_id = ?",
            [current + 1, now, item.sku_id],
        )
        db.execute(
            "UPDATE return_items SET movement_id = ?"
            " WHERE return_id = ? AND return_line_item_id = ?",
            [moved.lastrowid, return_id, item.return_line_item_id],
        )
        return outbox.save_push_request(db, item.sku_id, product_id, reason=RETURNED, now=now)
