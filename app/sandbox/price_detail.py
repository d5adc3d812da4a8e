"""Get Price Detail (GET /order/202407/orders/{order_id}/price_detail): the order's payment
taken apart per line item, with the spec's formulas holding exactly.

get-price-detail spec: total = sku_list_price + shipping_list_price;
sku_sale_price = sku_list_price - subtotal_deduction_seller - subtotal_deduction_platform;
subtotal = sku_sale_price + subtotal_tax_amount; shipping_sale_price = shipping_list_price -
the seller's and the platform's shipping discounts; payment = sku_sale_price +
shipping_sale_price + tax_amount + small_order_fee. A Colorado retail delivery fee is not in
that formula, so there `payment` is the order's total_amount less retail_delivery_fee.
The order-level figures are the sums of the line items'.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.sandbox.api_orders import order_param_error
from app.sandbox.errors import ORDER_NOT_IN_SHOP, ApiError
from app.sandbox.fees import ZERO, amount, split
from app.sandbox.validation import Call

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

#: Voucher type codes the spec lists for the `voucher_deduction_*` fields.
SELLER_SKU_PRICE = "1020000"
PLATFORM_NEW_USER = "1010000"
PLATFORM_FREE_SHIPPING = "1030000"
SUMMED = (
    "total",
    "payment",
    "sku_list_price",
    "sku_sale_price",
    "subtotal",
    "subtotal_deduction_seller",
    "subtotal_deduction_platform",
    "subtotal_tax_amount",
    "shipping_list_price",
    "shipping_sale_price",
    "shipping_fee_deduction_seller",
    "shipping_fee_deduction_platform",
    "tax_amount",
    "net_price_amount",
    "cod_fee",
    "sku_gift_original_price",
    "sku_gift_net_price",
)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or "0"))


def _line(item: dict[str, Any], ship: tuple[Decimal, Decimal, Decimal]) -> dict[str, Decimal]:
    listed, seller, platform = (
        _dec(item["original_price"]),
        _dec(item["seller_discount"]),
        _dec(item["platform_discount"]),
    )
    tax = sum((_dec(t.get("tax_amount")) for t in item.get("item_tax", [])), ZERO)
    ship_list, ship_seller, ship_platform = ship
    sale = listed - seller - platform
    ship_sale = ship_list - ship_seller - ship_platform
    small = _dec(item.get("small_order_fee"))
    return {
        "total": listed + ship_list,
        "payment": sale + ship_sale + tax + small,
        "sku_list_price": listed,
        "sku_sale_price": sale,
        "subtotal": sale + tax,
        "subtotal_deduction_seller": seller,
        "subtotal_deduction_platform": platform,
        "subtotal_tax_amount": tax,
        "shipping_list_price": ship_list,
        "shipping_sale_price": ship_sale,
        "shipping_fee_deduction_seller": ship_seller,
        "shipping_fee_deduction_platform": ship_platform,
        "tax_amount": tax,
        "net_price_amount": sale + tax,
        "cod_fee": ZERO,
        "sku_gift_original_price": ZERO,
        "sku_gift_net_price": ZERO,
    }


def _vouchers(values: dict[str, Decimal]) -> dict[str, str]:
    found = {}
    if values["subtotal_deduction_seller"] > 0:
        found["voucher_deduction_seller"] = SELLER_SKU_PRICE
    if values["subtotal_deduction_platform"] > 0:
        found["voucher_deduction_platform"] = PLATFORM_NEW_USER
    if values["shipping_fee_deduction_platform"] > 0:
        found["shipping_fee_deduction_platform_voucher"] = PLATFORM_FREE_SHIPPING
    return found


def _render(values: dict[str, Decimal], cur: str, rate: str, cod_name: str) -> dict[str, Any]:
    row: dict[str, Any] = {"currency": cur}
    row.update({name: amount(values[name], cur) for name in SUMMED})
    row.update(_vouchers(values))
    row["tax_rate"] = rate
    row[cod_name] = amount(ZERO, cur)
    return row


def price_detail(order: dict[str, Any]) -> dict[str, Any]:
    """The `data` of Get Price Detail for one order."""
    pay, cur = order["payment"], order["payment"]["currency"]
    items = order["line_items"]
    weights = [1] * len(items)
    shipping = [
        split(_dec(pay.get(name)), weights, cur)
        for name in (
            "original_shipping_fee",
            "shipping_fee_seller_discount",
            "shipping_fee_platform_discount",
        )
    ]
    lines = [
        _line(item, (shipping[0][i], shipping[1][i], shipping[2][i]))
        for i, item in enumerate(items)
    ]
    totals = {name: sum((line[name] for line in lines), ZERO) for name in SUMMED}
    data = _render(totals, cur, _rate(items[0]) if items else "0", "cod_fee_net_amount")
    data["line_items"] = [
        {"id": item["id"], **_render(line, cur, _rate(item), "cod_fee_amount")}
        for item, line in zip(items, lines, strict=True)
    ]
    return data


def _rate(item: dict[str, Any]) -> str:
    taxes = item.get("item_tax", [])
    return str(taxes[0].get("tax_rate", "0")) if taxes else "0"


def get_price_detail(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    order_id = call.path_params["order_id"]
    if not order_id.isdigit():
        raise order_param_error("order_id must be a TikTok order id")
    order = call.shop.orders.get(order_id)
    if order is None:
        raise ApiError.of(ORDER_NOT_IN_SHOP)
    return price_detail(order)
