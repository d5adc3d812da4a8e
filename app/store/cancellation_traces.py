"""Buyers' cancellation requests that closed without an answer from Shopdesk, kept as a trace.

A request leaves the queue when the buyer withdraws it, when TikTok Shop decides it (at its
deadline, or because the order was cancelled), or when the order moves on (shipped,
delivered): the creator should see which, not a row that silently vanished.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from app.store.fulfillment import ANSWERABLE_ORDER_STATUSES, PENDING_REQUEST

_OPEN = ",".join(f"'{s}'" for s in ANSWERABLE_ORDER_STATUSES)


def fetch_closed_requests(db: sqlite_utils.Database, *, since: int) -> list[dict[str, Any]]:
    """Buyer requests closed lately with no answer of ours: by TikTok's word or by the order.

    Rows have the columns of `fetch_open_requests` plus `status` (the request's) and
    `closed_at` (when it closed, by TikTok's clock), newest first.
    """
    cursor = db.execute(
        "SELECT c.cancel_id, c.order_id, c.reason, c.reason_text, c.deadline, c.refund_total,"
        " c.currency, c.create_time, o.status AS order_status, o.sku_summary, c.status,"
        " CASE WHEN c.status = ? THEN o.update_time ELSE c.update_time END AS closed_at"
        " FROM cancellations c LEFT JOIN orders o ON o.id = c.order_id"
        " WHERE c.role = 'BUYER'"
        f" AND (c.status != ? OR (o.status IS NOT NULL AND o.status NOT IN ({_OPEN})))"
        " AND NOT EXISTS (SELECT 1 FROM outbox w WHERE w.ref = c.cancel_id"
        "  AND w.kind IN ('cancel_approve', 'cancel_reject'))"
        " AND (CASE WHEN c.status = ? THEN o.update_time ELSE c.update_time END) >= ?"
        " ORDER BY closed_at DESC",
        [PENDING_REQUEST, PENDING_REQUEST, PENDING_REQUEST, since],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def closed_words(request_status: str, order_status: str | None) -> str:
    """How the request ended, in the creator's words."""
    if request_status == PENDING_REQUEST and order_status == "CANCELLED":
        return "Closed by TikTok Shop: the order was cancelled before an answer"
    if request_status == PENDING_REQUEST:
        moved = (order_status or "").replace("_", " ").lower()
        return f"Closed: the order moved on ({moved}) before an answer"
    if request_status.startswith("CANCELLATION_REQUEST_CANCEL"):
        return "Withdrawn by the buyer"
    if request_status == "CANCELLATION_REQUEST_SUCCESS":
        return "Accepted by TikTok Shop: the order was cancelled and refunded"
    if request_status == "CANCELLATION_REQUEST_COMPLETE":
        return "Closed by TikTok Shop"
    return f"Closed by TikTok Shop ({request_status.lower()})"
