"""Return requests as the Returns tab, the order detail, the CLI and `status` read them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from app.store.returns import (
    ReturnItem,
    StoredReturn,
    fetch_pending_summary,
    fetch_return,
    fetch_returns,
)
from app.tiktok.return_reasons import status_words

__all__ = [
    "AfterSale",
    "ReturnItem",
    "StoredReturn",
    "fetch_after_sales",
    "fetch_pending_summary",
    "fetch_return",
    "fetch_returns",
    "find_return_for_item",
    "status_words",
]


def find_return_for_item(db: sqlite_utils.Database, code: str) -> tuple[str, str] | None:
    """(return id, sku id) of the oldest return on its way back that waits for this item
    (scanned as its SKU id or seller SKU), or None."""
    code = code.strip()
    for found in sorted(fetch_returns(db), key=lambda r: r.update_time):
        if not found.item_travels:
            continue
        for item in found.items:
            if not item.outcome and code in (item.sku_id, item.seller_sku):
                return found.return_id, item.sku_id
    return None


@dataclass(frozen=True)
class AfterSale:
    """One step of an order's after-sales history, for its detail pane."""

    kind: str  # cancellation | return | refund | replacement
    ref: str
    status: str
    amount: str
    currency: str
    at: int
    decided_by: str = ""


_KIND = {"REFUND": "refund", "RETURN_AND_REFUND": "return", "REPLACEMENT": "replacement"}


def fetch_after_sales(db: sqlite_utils.Database, order_id: str) -> list[AfterSale]:
    """The order's cancellation requests, returns and refunds, oldest first, with amounts."""
    found: list[AfterSale] = []
    if "cancellations" in db.table_names():
        rows = db.execute(
            "SELECT cancel_id, status, refund_total, currency, create_time FROM cancellations"
            " WHERE order_id = ?",
            [order_id],
        ).fetchall()
        found += [
            AfterSale(
                "cancellation",
                str(r[0]),
                str(r[1]),
                str(r[2] or ""),
                str(r[3] or ""),
                int(r[4] or 0),
            )
            for r in rows
        ]
    found += [
        AfterSale(
            _KIND.get(r.return_type, "return"),
            r.return_id,
            status_words(r.return_status),
            r.refund_total,
            r.currency,
            r.create_time,
            r.decided_by,
        )
        for r in fetch_returns(db, order_id=order_id)
    ]
    return sorted(found, key=lambda a: a.at)
