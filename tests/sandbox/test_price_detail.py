"""Get Price Detail takes each order's payment apart, and the spec's formulas hold exactly."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from app.sandbox import Sandbox
from app.sandbox import errors as e
from tests.sandbox.money_support import (
    PRICE_DETAIL,
    d,
    money_sandbox,
    total,
)
from tests.sandbox.support import ShopClient
from tests.spec_files import spec


@pytest.fixture
def sandbox() -> Sandbox:
    return money_sandbox()


NOT_SUMMED = {"id", "currency", "tax_rate", "line_items", "cod_fee_net_amount", "cod_fee_amount"}


def summed_fields() -> list[str]:
    """The order-level amounts of the spec that each line item also has: those add up."""
    params = spec("orders", "get-price-detail")["response_param"]
    order = {p["name"][1:] for p in params if p["name"].startswith("^") and p["name"][1] != "^"}
    line = {p["name"][2:] for p in params if p["name"].startswith("^^")}
    return sorted(name for name in order & line if name not in NOT_SUMMED and "voucher" not in name)


SUMMED = summed_fields()


def assert_formulas(price: dict) -> None:
    """get-price-detail spec, field by field."""
    assert d(price["total"]) == d(price["sku_list_price"]) + d(price["shipping_list_price"])
    assert d(price["sku_sale_price"]) == (
        d(price["sku_list_price"])
        - d(price["subtotal_deduction_seller"])
        - d(price["subtotal_deduction_platform"])
    )
    assert d(price["subtotal"]) == d(price["sku_sale_price"]) + d(price["subtotal_tax_amount"])
    assert d(price["shipping_sale_price"]) == (
        d(price["shipping_list_price"])
        - d(price["shipping_fee_deduction_seller"])
        - d(price["shipping_fee_deduction_platform"])
    )
    assert d(price["payment"]) == (
        d(price["sku_sale_price"]) + d(price["shipping_sale_price"]) + d(price["tax_amount"])
    )


async def test_every_order_price_detail_matches_its_payment(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    orders = (await http.get("/sandbox/orders")).json()["orders"]
    colorado = 0
    for order in orders[:120]:
        price = await client.ok("GET", PRICE_DETAIL.format(order["id"]))
        pay = order["payment"]
        assert price["currency"] == pay["currency"] == "USD"
        assert_formulas(price)
        assert d(price["sku_list_price"]) == d(pay["original_total_product_price"])
        assert d(price["sku_sale_price"]) == d(pay["sub_total"])
        assert d(price["subtotal_deduction_seller"]) == d(pay["seller_discount"])
        assert d(price["subtotal_deduction_platform"]) == d(pay["platform_discount"])
        assert d(price["shipping_sale_price"]) == d(pay["shipping_fee"])
        assert d(price["tax_amount"]) == d(pay["tax"])
        # The documented payment formula has no retail delivery fee (Colorado's 0.28).
        rdf = d(pay["retail_delivery_fee"])
        colorado += rdf > 0
        assert d(price["payment"]) == d(pay["total_amount"]) - rdf
        lines = price["line_items"]
        assert [li["id"] for li in lines] == [i["id"] for i in order["line_items"]]
        for line, item in zip(lines, order["line_items"], strict=True):
            assert_formulas(line)
            assert d(line["sku_list_price"]) == d(item["original_price"])
            assert d(line["sku_sale_price"]) == d(item["sale_price"])
            assert line["tax_rate"] == item["item_tax"][0]["tax_rate"]
        for name in SUMMED:
            assert total(li[name] for li in lines) == d(price[name]), name
        if d(pay["shipping_fee_platform_discount"]) > 0:
            assert price["shipping_fee_deduction_platform_voucher"] == "1030000"
        assert "cod_fee_net_amount" in price and all("cod_fee_amount" in li for li in lines)
    assert colorado > 0
    assert len(SUMMED) == 17


async def test_split_shipping_still_adds_up_to_the_cent(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    orders = (await http.get("/sandbox/orders")).json()["orders"]
    odd = next(
        o for o in orders if len(o["line_items"]) == 3 and o["payment"]["shipping_fee"] != "0.00"
    )
    price = await client.ok("GET", PRICE_DETAIL.format(odd["id"]))
    shares = [d(li["shipping_list_price"]) for li in price["line_items"]]
    assert sum(shares, Decimal(0)) == d(odd["payment"]["original_shipping_fee"])
    assert max(shares) - min(shares) == Decimal("0.01")  # 5.99 over three: 2.00, 2.00, 1.99


async def test_an_order_of_another_shop_or_no_order_id(client: ShopClient) -> None:
    payload = (await client.call("GET", PRICE_DETAIL.format("1234567890123456789"))).json()
    assert (payload["code"], payload["message"]) == e.ORDER_NOT_IN_SHOP
    payload = (await client.call("GET", PRICE_DETAIL.format("abc"))).json()
    assert payload["code"] == 21001001
