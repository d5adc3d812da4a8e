"""Cancellation reasons the seller may send, per market and order status (cancel-reasons.json).

A reason that does not fit the order's status gets 25001021 from TikTok, and one of another
market is unknown there, so the app offers only the shop's market's own names; a market with
no list of a kind (JP has no reject reasons) is offered none.
"""

from __future__ import annotations

from app.tiktok.models.cancel_reasons import reason_text, reasons_for

#: Statuses whose seller cancellation the tables document (ON_HOLD and AWAITING_SHIPMENT share
#: one list).
CANCELLABLE_STATUSES = ("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT")
DEFAULT_REGION = "US"


def seller_cancel_reasons(status: str, region: str = DEFAULT_REGION) -> dict[str, str]:
    """The reasons the seller may give for cancelling an order in this status (may be none)."""
    return reasons_for(region).seller_reasons(status)


def reject_reasons(region: str = DEFAULT_REGION) -> dict[str, str]:
    """The reasons Reject Cancellation accepts in the shop's market (may be none)."""
    return dict(reasons_for(region).reject)


def out_of_stock_reason(status: str, region: str = DEFAULT_REGION) -> str | None:
    """The out-of-stock reason for this status, the most common one."""
    for name, label in seller_cancel_reasons(status, region).items():
        if label == "Out of stock":
            return name
    return None


#: A reason name as the seller reads it, whatever the market; unknown names as they are.
reason_label = reason_text


#: The US lists, for callers that show them without a shop (and tests).
REJECT_REASONS: dict[str, str] = reject_reasons()
SELLER_CANCEL_REASONS: dict[str, dict[str, str]] = {
    s: seller_cancel_reasons(s) for s in CANCELLABLE_STATUSES
}
