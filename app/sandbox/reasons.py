"""Cancel reasons of the US market, by who cancels and in which order status.

Copied from cancel-reasons.json (page 67e61eee427345048595487d, "US market"): the name goes on
the wire as `cancel_reason`, the text is what buyers and sellers read (`cancel_reason_text`).
"""

from __future__ import annotations

#: Status groups of the tables: "ON_HOLD and AWAITING_SHIPMENT" share one list.
UNPAID = ("UNPAID",)
TO_SHIP = ("ON_HOLD", "AWAITING_SHIPMENT")

BUYER_UNPAID = {
    "ecom_order_unpaid_canceled_reason_payment_method_not_available": (
        "Preferred payment method not available"
    ),
    "ecom_order_unpaid_canceled_reason_created_by_mistakes": "Ordered by mistake",
    "ecom_order_unpaid_canceled_reason_better_price": "Better price available",
    "ecom_order_unpaid_canceled_reason_no_longer_needed": "No longer needed",
    "ecom_order_unpaid_canceled_reason_other": "Other",
    "ecom_order_to_ship_canceled_reason_forgot_to_apply_coupons": "Forgot to apply coupons",
}
BUYER_TO_SHIP = {
    "ecom_order_to_ship_canceled_reason_change_payment_method": "Need to change payment method",
    "ecom_order_to_ship_canceled_reason_discount_not_expected": "Discount not as expected",
    "ecom_order_to_ship_canceled_reason_created_by_mistakes": "Bought by mistake",
    "ecom_order_to_ship_canceled_reason_high_delivery_costs": "High shipping fee",
    "ecom_order_to_ship_canceled_reason_better_price": "Better price available",
    "ecom_order_to_ship_canceled_reason_wrong_delivery_info": "Incorrect shipping address",
    "ecom_order_to_ship_canceled_reason_not_shipped_on_time": "Item wasn't shipped on time",
    "ecom_order_to_ship_canceled_reason_no_longer_needed": "No longer needed",
    "ecom_order_to_ship_canceled_reason_forgot_to_apply_coupons": "Forgot to apply coupons",
}
SELLER_UNPAID = {
    "seller_cancel_unpaid_reason_out_of_stock": "Out of stock",
    "seller_cancel_unpaid_reason_wrong_price": "Pricing error",
    "seller_cancel_unpaid_reason_buyer_hasnt_paid_within_time_allowed": (
        "Buyer did not pay on time"
    ),
    "seller_cancel_unpaid_reason_buyer_requested_cancellation": "Buyer requested cancellation",
}
SELLER_TO_SHIP = {
    "seller_cancel_reason_out_of_stock": "Out of stock",
    "seller_cancel_reason_wrong_price": "Pricing error",
    "seller_cancel_paid_reason_address_not_deliver": "Unable to deliver to buyer address",
    "seller_cancel_paid_reason_buyer_requested_cancellation": "Buyer requested cancellation",
}
#: "Seller Reject Cancel Request Reason": the only reasons Reject Cancellation accepts.
REJECT = {
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
SYSTEM = {
    "system_cancel_unpaid_time_out": "Buyer payment overdue",
    "system_cancel_anti_span_block": "Failed to pass risk review",
    "package_cancel": "Order cancelled by system",
    "platform_cancel": "Order cancelled by system",
    "returned_to_shipper_refused": "Package rejected",
    "returned_to_shipper_other": "Package delivery failed",
    "package_damaged": "Package damaged",
    "package_lost": "Package lost",
    "threepl_breach": "Late delivery",
    "system_cancel_order_reason_shipping_timeout": (
        "Automatically cancelled due to collection time out"
    ),
    "system_cancel_order_untracked": "Automatically cancelled due to untraceable tracking number",
}
#: Only an out-of-stock item may be cancelled on its own (cancel-order spec: "when an item is
#: out of stock, partial cancellation on the single item level is supported").
OUT_OF_STOCK = frozenset(
    {"seller_cancel_unpaid_reason_out_of_stock", "seller_cancel_reason_out_of_stock"}
)

TEXTS: dict[str, str] = {
    **BUYER_UNPAID,
    **BUYER_TO_SHIP,
    **SELLER_UNPAID,
    **SELLER_TO_SHIP,
    **REJECT,
    **SYSTEM,
}

#: What an order cancelled without a given reason shows, by who cancels and the status it left.
#: The SYSTEM rows follow the order overview's scenarios: unpaid in time, not shipped by
#: cancel_order_sla, no carrier scan by tts_sla, lost in transit.
DEFAULTS = {
    ("BUYER", "UNPAID"): "ecom_order_unpaid_canceled_reason_no_longer_needed",
    ("BUYER", "PAID"): "ecom_order_to_ship_canceled_reason_created_by_mistakes",
    ("SELLER", "UNPAID"): "seller_cancel_unpaid_reason_out_of_stock",
    ("SELLER", "PAID"): "seller_cancel_reason_out_of_stock",
    ("SYSTEM", "UNPAID"): "system_cancel_unpaid_time_out",
    ("SYSTEM", "PAID"): "platform_cancel",
    ("SYSTEM", "ON_HOLD"): "platform_cancel",
    ("SYSTEM", "AWAITING_SHIPMENT"): "platform_cancel",
    ("SYSTEM", "PARTIALLY_SHIPPING"): "platform_cancel",
    ("SYSTEM", "AWAITING_COLLECTION"): "system_cancel_order_reason_shipping_timeout",
    ("SYSTEM", "IN_TRANSIT"): "package_lost",
}


def default_reason(who: str, status: str) -> str:
    """The reason name used when a cancellation comes without one."""
    return (
        DEFAULTS.get((who, status)) or DEFAULTS[(who, "UNPAID" if status == "UNPAID" else "PAID")]
    )


def buyer_reasons(status: str) -> dict[str, str]:
    return BUYER_UNPAID if status in UNPAID else BUYER_TO_SHIP if status in TO_SHIP else {}


def seller_reasons(status: str) -> dict[str, str]:
    """Reasons a seller may cancel with in `status` (cancel-reasons.json, US).

    The table stops at AWAITING_SHIPMENT, yet the order overview (transition 12) lets US sellers
    cancel AWAITING_COLLECTION orders; with no list of its own, that status takes the paid-order
    list.
    """
    if status in UNPAID:
        return SELLER_UNPAID
    if status in (*TO_SHIP, "AWAITING_COLLECTION"):
        return SELLER_TO_SHIP
    return {}


def text_of(name: str) -> str:
    """The display text of a reason name; free text (admin overrides) stays as it is."""
    return TEXTS.get(name, name)
