"""Cancellation records: who cancelled what, for which reason, the refund, and their pushes.

Statuses (search-cancellations spec, 11-cancellation-status-change.md): PENDING while a buyer's
request waits for the seller, SUCCESS once accepted (by the seller or the system), CANCELLED
once closed without cancelling the order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.sandbox import reasons
from app.sandbox.model import Cancellation, Shop, money

if TYPE_CHECKING:
    from app.sandbox.state import World

PENDING = "CANCELLATION_REQUEST_PENDING"
SUCCESS = "CANCELLATION_REQUEST_SUCCESS"
CLOSED = "CANCELLATION_REQUEST_CANCELLED"
COMPLETE = "CANCELLATION_REQUEST_COMPLETE"
STATUSES = (PENDING, SUCCESS, CLOSED, COMPLETE)
TYPES = ("CANCEL", "BUYER_CANCEL")
ZERO = Decimal("0")


def _refund(
    currency: str, subtotal: Decimal, shipping: Decimal, tax: Decimal, rdf: Decimal
) -> dict[str, str]:
    return {
        "currency": currency,
        "refund_total": money(subtotal + shipping + tax + rdf),
        "refund_subtotal": money(subtotal),
        "refund_shipping_fee": money(shipping),
        "refund_tax": money(tax),
        "retail_delivery_fee": money(rdf),
    }


def _line_refund(item: dict[str, Any], paid: bool) -> tuple[Decimal, Decimal, Decimal]:
    if not paid:
        return ZERO, ZERO, ZERO
    tax = sum((Decimal(t["tax_amount"]) for t in item["item_tax"]), ZERO)
    return Decimal(item["sale_price"]), tax, Decimal(item["retail_delivery_fee"])


def record(
    world: World,
    shop: Shop,
    order: dict[str, Any],
    items: list[dict[str, Any]],
    *,
    cancel_type: str,
    role: str,
    status: str,
    reason: str,
    at: int,
    whole: bool,
    deadline: int | None = None,
) -> Cancellation:
    """A new cancellation of `items`, kept in the shop and pushed (CANCELLATION_STATUS_CHANGE).

    The refund is what the buyer paid for those items: nothing for an unpaid order, and the
    shipping fee only when the whole order goes.
    """
    paid = "paid_time" in order
    currency = order["payment"]["currency"]
    lines, totals = [], [ZERO, ZERO, ZERO]
    for item in items:
        sale, tax, rdf = _line_refund(item, paid)
        totals = [totals[0] + sale, totals[1] + tax, totals[2] + rdf]
        lines.append(
            {
                "cancel_line_item_id": world.ids.new(),
                "order_line_item_id": item["id"],
                "sku_id": item["sku_id"],
                "sku_name": item["sku_name"],
                "product_image": {"url": item["sku_image"], "width": 200, "height": 200},
                "product_name": item["product_name"],
                "seller_sku": item["seller_sku"],
                "refund_amount": _refund(currency, sale, ZERO, tax, rdf),
            }
        )
    shipping = Decimal(order["payment"]["shipping_fee"]) if paid and whole else ZERO
    entry = Cancellation(
        id=world.ids.new(),
        shop_id=shop.id,
        order_id=order["id"],
        cancel_type=cancel_type,
        role=role,
        status=status,
        reason=reason,
        create_time=at,
        update_time=at,
        line_item_ids=[i["id"] for i in items],
        refund=_refund(currency, totals[0], shipping, totals[1], totals[2]),
        lines=lines,
        deadline=deadline,
    )
    shop.cancellations[entry.id] = entry
    if status == PENDING:
        world.pending_cancels[entry.id] = shop.id
    push(world, shop, entry)
    return entry


def settle(world: World, shop: Shop, entry: Cancellation, status: str, at: int) -> None:
    """A pending request is accepted (SUCCESS) or closed (CANCELLED)."""
    entry.status = status
    entry.update_time = max(entry.update_time, at)
    world.pending_cancels.pop(entry.id, None)
    push(world, shop, entry)


def push(world: World, shop: Shop, entry: Cancellation) -> None:
    # 11-cancellation-status-change.md: `create_time` is when the cancellation was initiated.
    world.emit(
        shop,
        "CANCELLATION_STATUS_CHANGE",
        {
            "order_id": entry.order_id,
            "cancellations_role": entry.role,
            "cancel_status": entry.status,
            "cancel_id": entry.id,
            "create_time": entry.create_time,
        },
    )


def to_api(shop: Shop, entry: Cancellation) -> dict[str, Any]:
    """One `cancellations[]` entry of Search Cancellations."""
    data: dict[str, Any] = {
        "order_id": entry.order_id,
        "cancel_type": entry.cancel_type,
        "cancel_status": entry.status,
        "role": entry.role,
        "cancel_reason": entry.reason,
        "cancel_reason_text": reasons.text_of(entry.reason),
        "create_time": entry.create_time,
        "update_time": entry.update_time,
        "refund_amount": dict(entry.refund),
        "cancel_line_items": [
            {
                **line,
                "product_image": dict(line["product_image"]),
                "refund_amount": dict(line["refund_amount"]),
            }
            for line in entry.lines
        ],
        "cancel_id": entry.id,
    }
    if entry.status == PENDING and entry.deadline is not None:
        data["seller_next_action_response"] = [
            {"action": "SELLER_RESPOND_CANCEL", "deadline": entry.deadline}
        ]
    return data
