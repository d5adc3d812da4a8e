"""Cancellation reasons the seller may send, per order status (US market; cancel-reasons.json).

A reason that does not fit the order's status gets 25001021 from TikTok, so the app offers
only these.
"""

from __future__ import annotations

#: Rejecting a buyer's cancellation request: reason name -> what the seller sees.
REJECT_REASONS: dict[str, str] = {
    "order_manage_list_action_respond_popup_reject_reason_invalid_cancellation_reason": (
        "Invalid reason for cancellation"
    ),
    "order_manage_list_action_respond_popup_reject_reason_delivered": (
        "Product delivery is on schedule"
    ),
    "order_manage_list_action_respond_popup_reject_reason_buyer_agree": (
        "Reached an agreement with the buyer"
    ),
    "seller_reject_apply_product_has_been_packed": "Product has been packed",
}

_UNPAID = {
    "seller_cancel_unpaid_reason_out_of_stock": "Out of stock",
    "seller_cancel_unpaid_reason_wrong_price": "Pricing error",
    "seller_cancel_unpaid_reason_buyer_hasnt_paid_within_time_allowed": (
        "Buyer did not pay on time"
    ),
    "seller_cancel_unpaid_reason_buyer_requested_cancellation": "Buyer requested cancellation",
}
_PAID = {
    "seller_cancel_reason_out_of_stock": "Out of stock",
    "seller_cancel_reason_wrong_price": "Pricing error",
    "seller_cancel_paid_reason_address_not_deliver": "Unable to deliver to buyer address",
    "seller_cancel_paid_reason_buyer_requested_cancellation": "Buyer requested cancellation",
}

#: The seller's own cancellation: order status -> {reason name: label}.
SELLER_CANCEL_REASONS: dict[str, dict[str, str]] = {
    "UNPAID": _UNPAID,
    "ON_HOLD": _PAID,
    "AWAITING_SHIPMENT": _PAID,
}


def seller_cancel_reasons(status: str) -> dict[str, str]:
    """The reasons the seller may give for cancelling an order in this status (may be none)."""
    return dict(SELLER_CANCEL_REASONS.get(status, {}))


def out_of_stock_reason(status: str) -> str | None:
    """The out-of-stock reason for this status, the most common one."""
    for name, label in seller_cancel_reasons(status).items():
        if label == "Out of stock":
            return name
    return None
