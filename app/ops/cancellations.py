"""Cancellations: answer a buyer's request, or cancel an order as the seller."""

from __future__ import annotations

import sqlite_utils

from app.changes import Changes
from app.ops.guards import late_answer_problem, seller_fault_problem
from app.ops.problems import ProblemsError
from app.ops.results import Done
from app.store.deadlines import fetch_request_deadline
from app.sync.ship_requests import save_cancel_answer, save_seller_cancel
from app.tiktok.reasons import reject_reasons, seller_cancel_reasons

__all__ = [
    "answer_request",
    "cancel_order",
    "reject_reasons",
    "seller_cancel_reasons",
    "seller_fault_problem",
]


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
    """Queue the seller's answer to a buyer's request (raises when it cannot be given, or
    when its deadline has passed: TikTok decided it already)."""
    late = late_answer_problem(fetch_request_deadline(db, cancel_id), now, order_id=order_id)
    if late is not None:
        raise ProblemsError([late])
    outbox_id = save_cancel_answer(
        db, cancel_id, approve=approve, reason=reason, comment=comment, now=now
    )
    return Done(Changes.of(outbox=[outbox_id], cancellations=[order_id]), value=outbox_id)


def cancel_order(
    db: sqlite_utils.Database,
    *,
    order_id: str,
    reason: str,
    now: int,
    fault_accepted: bool = False,
) -> Done:
    """Queue the seller's own cancellation of an order (out of stock, say); it counts as
    seller fault, so it is refused until the creator has seen that (`fault_accepted`)."""
    if not fault_accepted:
        raise ProblemsError([seller_fault_problem(db, order_id, now)])
    outbox_id = save_seller_cancel(db, order_id, reason, now=now)
    return Done(Changes.of(outbox=[outbox_id], cancellations=[order_id]), value=outbox_id)
