"""Which after-sales requests an order's items allow (Get Aftersale Eligibility).

The rules follow the order statuses of the reason tables (cancel-reasons.json, refund-reasons):
cancel before shipment (sellers of US shops also while it awaits collection), a refund once
shipped, a return once delivered; never on a completed or cancelled order (25001051), never
twice for one item (25001011).
"""

from __future__ import annotations

from typing import Any

from app.sandbox import errors as e
from app.sandbox import returns
from app.sandbox import returns_errors as rx
from app.sandbox.model import Shop

REQUEST_TYPES = ("CANCEL", "REFUND", "RETURN_AND_REFUND")
CANCELLABLE = ("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT")
ALLOWED = {
    "REFUND": ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"),
    "RETURN_AND_REFUND": ("DELIVERED",),
    "REPLACEMENT": ("DELIVERED",),
}
Verdict = tuple[int, str] | None  # (ineligible_code, ineligible_reason), None when eligible


def verdict(
    shop: Shop, order: dict[str, Any], item: dict[str, Any], request_type: str, user: str
) -> Verdict:
    """Why this item cannot go into a request of this type by this user (None: it can)."""
    status = order["status"]
    if status in {"COMPLETED", "CANCELLED"}:
        return e.RR_FINAL
    if item["display_status"] == "CANCELLED":
        return e.RR_IN_PROCESS
    if request_type == "CANCEL":
        allowed = (*CANCELLABLE, "AWAITING_COLLECTION") if user == "SELLER" else CANCELLABLE
        if status not in allowed:
            return e.RR_SHIPPED
        if order["is_buyer_request_cancel"]:
            return e.RR_IN_PROCESS
        return None
    if status not in ALLOWED[request_type]:
        return rx.INELIGIBLE_STATUS
    if item["id"] in returns.items_in_process(shop, order["id"]):
        return e.RR_IN_PROCESS
    return None


def eligibility_api(shop: Shop, order: dict[str, Any], user: str) -> list[dict[str, Any]]:
    """`sku_eligibility`: per SKU and request type, its line items grouped by verdict."""
    by_sku: dict[str, list[dict[str, Any]]] = {}
    for item in order["line_items"]:
        by_sku.setdefault(item["sku_id"], []).append(item)
    found = []
    for sku_id, items in by_sku.items():
        rows: list[dict[str, Any]] = []
        for request_type in REQUEST_TYPES:
            groups: dict[Verdict, list[str]] = {}
            for item in items:
                groups.setdefault(verdict(shop, order, item, request_type, user), []).append(
                    item["id"]
                )
            for why, ids in groups.items():
                row: dict[str, Any] = {
                    "request_type": request_type,
                    "order_line_items_ids": ids,
                    "eligible": why is None,
                }
                if why is not None:
                    row["ineligible_code"], row["ineligible_reason"] = why
                rows.append(row)
        found.append({"sku_id": sku_id, "line_item_eligibility": rows})
    return found
