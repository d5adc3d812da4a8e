"""Guards: what would hurt the shop, said before it is sent (issue 17).

- Shipping or buying a label while an order is ON_HOLD: TikTok refuses with 21011044 and
  recommends waiting the hour (FACTS.md 9.4).
- A seller cancellation counts as seller fault (FACTS.md 9.6): say so, with the rate after.
- Answering a buyer's cancellation request after its deadline: TikTok has already decided.
"""

from __future__ import annotations

import sqlite_utils

from app.ops.problems import Problem
from app.store.shop_health import DAY, SFCR_LIMIT, WINDOW_DAYS, seller_fault_cancellation
from app.store.stored_orders import fetch_order

WEEK = WINDOW_DAYS * DAY
ON_HOLD = "on_hold"
SELLER_FAULT = "seller_fault"
PAST_DEADLINE = "past_deadline"

#: 21011044's meaning, in people's words.
ON_HOLD_TEXT = (
    "Order {order_id} is on hold: the buyer's first hour to cancel. TikTok refuses shipping "
    "and labels until it awaits shipment (21011044), so wait the hour, then ship it."
)


def hold_problem(db: sqlite_utils.Database, order_id: str) -> Problem | None:
    """Why an order may not be shipped or labelled yet (ON_HOLD), or None."""
    order = fetch_order(db, order_id)
    if order is None or order.status != "ON_HOLD":
        return None
    return Problem(ON_HOLD, ON_HOLD_TEXT.format(order_id=order_id), order_id, field="order")


def seller_fault_problem(db: sqlite_utils.Database, order_id: str, now: int) -> Problem:
    """What a seller cancellation of this order does to the seller-fault cancellation rate."""
    rate = seller_fault_cancellation(db, now)
    order = fetch_order(db, order_id)
    counted = order is not None and order.paid_time is not None and order.create_time > now - WEEK
    judged = rate.judged if counted else rate.judged + 1
    after = (rate.bad + 1) / max(1, judged)
    before = "no orders judged yet" if rate.value is None else f"{rate.value * 100:.1f}%"
    over = " That is over TikTok's limit." if after > SFCR_LIMIT else ""
    return Problem(
        SELLER_FAULT,
        f"Cancelling order {order_id} yourself counts against your shop as seller fault: "
        f"the seller-fault cancellation rate (estimate) goes from {before} to "
        f"{after * 100:.1f}% this week; TikTok asks for at most {SFCR_LIMIT * 100:g}%."
        f"{over} This cannot be undone.",
        order_id,
        field="order",
    )


def late_answer_problem(
    deadline: int | None, now: int, *, order_id: str, what: str = "cancellation request"
) -> Problem | None:
    """An answer to a request whose deadline has passed: TikTok decided it already."""
    if deadline is None or deadline > now:
        return None
    return Problem(
        PAST_DEADLINE,
        f"The buyer's {what} for order {order_id} passed its deadline: TikTok Shop has "
        "decided it already (unanswered requests are accepted). Refresh before answering.",
        order_id,
        field="order",
    )
