"""What a return gives back: per item and in total, its discounts, and who pays the label.

Search Returns' amounts follow guides/changelog/return-amount-detail-information-available-in-
search-return-api.md: `refund_total = refund_subtotal + refund_shipping_fee + refund_tax`. The
buyer gets what they paid for the items (sale price and tax); the order's shipping fee only
when every item of the order comes back. A retail delivery fee is not given back on a return
(the formula has no room for it); a cancellation refunds it (Calculate Refund's "different
request types might have different refund amounts").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.sandbox import packages, return_reasons
from app.sandbox.model import money
from app.sandbox.returns_model import RETURN_AND_REFUND

ZERO = Decimal("0")
#: What TikTok's return label costs in the sandbox (the seller pays unless the buyer changed
#: their mind); the docs give no price.
RETURN_LABEL_FEE = Decimal("5.99")


def _tax(item: dict[str, Any]) -> Decimal:
    return sum((Decimal(t["tax_amount"]) for t in item["item_tax"]), ZERO)


def refund_object(
    currency: str,
    subtotal: Decimal,
    shipping: Decimal,
    tax: Decimal,
    *,
    rdf: Decimal = ZERO,
    service: Decimal | None = ZERO,
) -> dict[str, str]:
    """A `refund_amount` object; `service=None` leaves out `buyer_service_fee` (Calculate
    Refund does not list it)."""
    amount = {
        "currency": currency,
        "refund_total": money(subtotal + shipping + tax + rdf + (service or ZERO)),
        "refund_subtotal": money(subtotal),
        "refund_shipping_fee": money(shipping),
        "refund_tax": money(tax),
        "retail_delivery_fee": money(rdf),
    }
    if service is not None:
        amount["buyer_service_fee"] = money(service)
    return amount


def whole_order(order: dict[str, Any], items: list[dict[str, Any]]) -> bool:
    """Whether the request covers every item the order still has."""
    return {i["id"] for i in items} >= {i["id"] for i in packages.active_items(order)}


def return_lines(
    ids: Any, order: dict[str, Any], items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """`return_line_items`: one per unit, each with what its buyer paid for it."""
    currency = order["payment"]["currency"]
    return [
        {
            "return_line_item_id": ids.new(),
            "order_line_item_id": item["id"],
            "sku_id": item["sku_id"],
            "sku_name": item["sku_name"],
            "product_name": item["product_name"],
            "seller_sku": item["seller_sku"],
            "product_image": {"url": item["sku_image"], "width": 200, "height": 200},
            "refund_amount": refund_object(
                currency,
                Decimal(item["sale_price"]),
                ZERO,
                _tax(item),
                service=Decimal(item.get("buyer_service_fee") or "0"),
            ),
        }
        for item in items
    ]


def totals(order: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, str]:
    """The request's `refund_amount`: the items, plus shipping when the whole order returns."""
    payment = order["payment"]
    shipping = Decimal(payment["shipping_fee"]) if whole_order(order, items) else ZERO
    return refund_object(
        payment["currency"],
        sum((Decimal(i["sale_price"]) for i in items), ZERO),
        shipping,
        sum((_tax(i) for i in items), ZERO),
        service=sum((Decimal(i.get("buyer_service_fee") or "0") for i in items), ZERO),
    )


def discounts(order: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, str]:
    """`discount_amount`: the discounts that go back with the items (and the shipping)."""
    payment = order["payment"]
    whole = whole_order(order, items)
    return {
        "currency": payment["currency"],
        "product_seller_discount": money(sum((Decimal(i["seller_discount"]) for i in items), ZERO)),
        "shipping_fee_platform_discount": money(
            Decimal(payment["shipping_fee_platform_discount"]) if whole else ZERO
        ),
        "shipping_fee_seller_discount": money(
            Decimal(payment["shipping_fee_seller_discount"]) if whole else ZERO
        ),
        "product_platform_discount": money(
            sum((Decimal(i["platform_discount"]) for i in items), ZERO)
        ),
    }


def return_shipping(currency: str, return_type: str, reason: str) -> dict[str, str]:
    """`shipping_fee_amount`: the label back, paid by the seller, or the buyer for a change of
    mind; nothing travels back for a refund or a replacement."""
    fee = RETURN_LABEL_FEE if return_type == RETURN_AND_REFUND else ZERO
    buyer = reason in return_reasons.BUYER_PAYS_RETURN
    return {
        "currency": currency,
        "seller_paid_return_shipping_fee": money(ZERO if buyer else fee),
        "platform_paid_return_shipping_fee": money(ZERO),
        "buyer_paid_return_shipping_fee": money(fee if buyer else ZERO),
    }


def calculated(
    order: dict[str, Any], items: list[dict[str, Any]], request_type: str
) -> dict[str, str]:
    """Calculate Refund's `order_refund_amount` for these items and this kind of request."""
    if request_type != "CANCEL":
        amount = totals(order, items)
        amount.pop("buyer_service_fee")
        return amount
    payment = order["payment"]
    paid = "paid_time" in order
    subtotal = sum((Decimal(i["sale_price"]) for i in items), ZERO) if paid else ZERO
    tax = sum((_tax(i) for i in items), ZERO) if paid else ZERO
    rdf = sum((Decimal(i["retail_delivery_fee"]) for i in items), ZERO) if paid else ZERO
    shipping = Decimal(payment["shipping_fee"]) if paid and whole_order(order, items) else ZERO
    return refund_object(payment["currency"], subtotal, shipping, tax, rdf=rdf, service=None)
