"""Every finance, price detail and analytics answer holds only documented fields and types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.sandbox import Sandbox
from tests.sandbox.conformance import Node, assert_conforms, response_tree
from tests.sandbox.money_support import (
    BY_ORDER,
    BY_STATEMENT,
    PAYMENTS,
    PRICE_DETAIL,
    STATEMENTS,
    UNSETTLED,
    WITHDRAWALS,
    advance,
    money_sandbox,
)
from tests.sandbox.support import ShopClient


@pytest.fixture
def sandbox() -> Sandbox:
    return money_sandbox()


FINANCE = "finance/{}.spec.json"


BREAKDOWNS = (
    ("revenue_breakdown",),
    ("shipping_cost_breakdown",),
    ("shipping_cost_breakdown", "supplementary_component"),
    ("fee_tax_breakdown", "fee"),
    ("fee_tax_breakdown", "tax"),
)


def assert_complete(row: dict, node: Node, extra: tuple[tuple[str, ...], ...] = ()) -> None:
    """Every documented amount of every breakdown is there ("0.00" when it does not apply)."""
    for path in (*BREAKDOWNS, *extra):
        value, spec_node = row, node
        for name in path:
            value, spec_node = value[name], spec_node.children[name]
        assert set(value) == set(spec_node.children), path


def rows_node(spec_name: str, key: str) -> Node:
    return response_tree(FINANCE.format(spec_name)).children["data"].children[key]


async def every_page(client: ShopClient, path: str, params: dict[str, str], spec: str) -> list:
    """Each page checked against the spec; returns the pages' data."""
    pages, token = [], ""
    while True:
        query = {**params, **({"page_token": token} if token else {})}
        payload = (await client.call("GET", path, params=query)).json()
        assert payload["code"] == 0, payload
        assert_conforms(payload, spec)
        pages.append(payload["data"])
        token = payload["data"].get("next_page_token", "")
        if not token:
            return pages


async def test_statements_and_their_transactions(client: ShopClient) -> None:
    pages = await every_page(
        client,
        STATEMENTS,
        {"sort_field": "statement_time", "page_size": "10"},
        FINANCE.format("get-statements"),
    )
    ids = [s["id"] for p in pages for s in p["statements"]]
    orders = set()
    for statement_id in ids:
        for data in await every_page(
            client,
            BY_STATEMENT.format(statement_id),
            {"sort_field": "order_create_time", "page_size": "50"},
            FINANCE.format("get-transactions-by-statement"),
        ):
            orders |= {t["order_id"] for t in data["transactions"] if t["type"] == "ORDER"}
            for txn in (t for t in data["transactions"] if t["type"] == "ORDER"):
                node = rows_node("get-transactions-by-statement", "transactions")
                assert_complete(txn, node, (("supplementary_component",),))
    sku_node = rows_node("get-transactions-by-order", "sku_transactions")
    for order_id in sorted(orders)[:40]:
        payload = (await client.call("GET", BY_ORDER.format(order_id))).json()
        assert_conforms(payload, FINANCE.format("get-transactions-by-order"))
        for sku in payload["data"]["sku_transactions"]:
            assert_complete(sku, sku_node)


async def test_unsettled_with_orders_and_adjustments(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    answer = await http.post(
        "/sandbox/finance/adjustments", json={"type": "GMV_PAYMENT_FOR_ADS", "amount": "-20"}
    )
    assert answer.status_code == 200
    await advance(http, 2)
    pages = await every_page(
        client,
        UNSETTLED,
        {"sort_field": "order_create_time", "page_size": "100"},
        FINANCE.format("get-unsettled-transactions"),
    )
    node = rows_node("get-unsettled-transactions", "transactions")
    for row in (t for p in pages for t in p["transactions"] if t["type"] == "ORDER"):
        assert_complete(row, node)
    kinds = {t["type"] for p in pages for t in p["transactions"]}
    assert {"ORDER", "GMV_PAYMENT_FOR_ADS"} <= kinds
    unsettled_id = next(t["order_id"] for t in pages[0]["transactions"] if t["type"] == "ORDER")
    payload = (await client.call("GET", BY_ORDER.format(unsettled_id))).json()
    assert_conforms(payload, FINANCE.format("get-transactions-by-order"))


async def test_payments_and_withdrawals_of_every_kind(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    [first] = await every_page(
        client,
        PAYMENTS,
        {"sort_field": "create_time", "page_size": "100"},
        FINANCE.format("get-payments"),
    )
    processing = next(p for p in first["payments"] if p["status"] == "PROCESSING")
    assert (
        await http.post(f"/sandbox/finance/payments/{processing['id']}/fail")
    ).status_code == 200
    await advance(http, 2)
    await every_page(
        client,
        PAYMENTS,
        {"sort_field": "create_time", "sort_order": "DESC"},
        FINANCE.format("get-payments"),
    )
    pages = await every_page(
        client,
        WITHDRAWALS,
        {"types": "WITHDRAW,SETTLE,TRANSFER,REVERSE", "page_size": "30"},
        FINANCE.format("get-withdrawals"),
    )
    assert {w["type"] for p in pages for w in p["withdrawals"]} == {"WITHDRAW", "SETTLE", "REVERSE"}


async def test_price_detail_of_every_order(client: ShopClient, http: httpx.AsyncClient) -> None:
    for order in (await http.get("/sandbox/orders")).json()["orders"]:
        payload = (await client.call("GET", PRICE_DETAIL.format(order["id"]))).json()
        assert_conforms(payload, "orders/get-price-detail.spec.json")


async def test_analytics(client: ShopClient) -> None:
    today = datetime.now(UTC).date()
    dates = {"start_date_ge": str(today - timedelta(days=30)), "end_date_lt": str(today)}
    for params in (dates, {**dates, "granularity": "1D", "with_comparison": "true"}):
        payload = (
            await client.call("GET", "/analytics/202405/shop/performance", params=params)
        ).json()
        assert_conforms(payload, "analytics/get-shop-performance.spec.json")
    await every_page(
        client,
        "/analytics/202406/shop_skus/performance",
        {**dates, "page_size": "25"},
        "analytics/get-shop-sku-performance-list.spec.json",
    )
    await every_page(
        client,
        "/analytics/202405/shop_products/performance",
        {**dates, "page_size": "5"},
        "analytics/get-shop-product-performance-list.spec.json",
    )
