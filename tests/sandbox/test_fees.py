"""The sandbox's money arithmetic: whole minor units, exact splits, no float anywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.sandbox.fees import amount, order_money, split


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        ("1234.5", "JPY", "1235"),  # JPY and IDR have no minor unit
        ("15000.49", "IDR", "15000"),
        ("5.985", "USD", "5.99"),  # half up, as money is rounded
        ("-0.001", "USD", "0.00"),  # never "-0.00"
        ("1E+3", "GBP", "1000.00"),  # never an exponent
    ],
)
def test_amounts_on_the_wire(value: str, currency: str, text: str) -> None:
    assert amount(Decimal(value), currency) == text


@pytest.mark.parametrize(
    ("total", "weights", "currency"),
    [("5.99", [1, 1, 1], "USD"), ("-6.65", [2, 1], "USD"), ("100", [1, 1, 1], "JPY")],
)
def test_splits_add_up_exactly(total: str, weights: list[int], currency: str) -> None:
    parts = split(Decimal(total), weights, currency)
    assert sum(parts, Decimal(0)) == Decimal(total)
    unit = Decimal(1) if currency == "JPY" else Decimal("0.01")
    assert all(p % unit == 0 for p in parts)


def test_an_order_with_several_skus_settles_to_the_sum_of_its_skus() -> None:
    def item(n: int, sku: str, price: str, discount: str = "0.00") -> dict:
        return {
            "id": str(n),
            "sku_id": sku,
            "product_id": "p" + sku,
            "original_price": price,
            "seller_discount": discount,
            "display_status": "DELIVERED",
        }

    order = {
        "id": "576461413038785752",
        "create_time": 1_790_000_000,
        "shipping_type": "TIKTOK",
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "line_items": [
            item(1, "a", "19.99"),
            item(2, "a", "19.99", "2.00"),
            item(3, "b", "7.49"),
            {**item(4, "b", "7.49"), "display_status": "CANCELLED"},
        ],
        "payment": {
            "currency": "USD",
            "shipping_fee": "5.99",
            "shipping_fee_platform_discount": "0.00",
            "shipping_fee_seller_discount": "0.00",
            "total_amount": "51.46",
            "tax": "0.00",
        },
    }
    money = order_money(order)
    assert [s.quantity for s in money.skus] == [2, 1]  # the cancelled unit is not paid for
    assert money.revenue_amount == Decimal("45.47")
    assert sum((s.settlement_amount for s in money.skus), Decimal(0)) == money.settlement_amount
    assert money.settlement_amount == (
        money.revenue_amount + money.fee_tax_amount + money.shipping_cost_amount
    )
    label = sum((s.shipping["actual_shipping_fee_amount"] for s in money.skus), Decimal(0))
    assert label in {Decimal("-7.50"), Decimal("-8.25")}  # 5.80 + 2 x 0.85, maybe re-weighed
