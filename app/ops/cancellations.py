"""Cancellations: answer a buyer's request, or cancel an order as the seller."""

from __future__ import annotations

import sqlite_utils

from app.changes import Changes
from app.ops.results import Done
from app.sync.ship_requests import save_cancel_answer, save_seller_cancel
from app.tiktok.reasons import reject_reasons, seller_cancel_reasons

__all__ = ["answer_request", "cancel_order", "reject_reasons", "seller_cancel_reasons"]


def answer_request(
    db: sqlite_utils.Database,
    *,
    cancel_id: str,
    order_id: str,
    approve: bool,
    reason: str = "",
    comment: str = "",
    now: int,
) -> Done:
    """Queue the seller's answer to a buyer's request (raises when it cannot be given)."""
    outbox_id = save_cancel_answer(
        db, cancel_id, approve=approve, reason=reason, comment=comment, now=now
    )
    return Done(Changes.of(outbox=[outbox_id], cancellations=[order_id]), value=outbox_id)


def cancel_order(db: sqlite_utils.Database, *, order_id: str, reason: str, now: int) -> Done:
    """Queue the seller's own cancellation of an order (out of stock, say)."""
    outbox_id = save_seller_cancel(db, order_id, reason, now=now)
    return Done(Changes.of(outbox=[outbox_id], cancellations=[order_id]), value=outbox_id)
