"""Helpers for the finance and analytics tests: walking pages, moving orders, Decimal sums."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import httpx

from app.sandbox import Sandbox, create_app
from tests.sandbox.conftest import APP_KEY, APP_SECRET, make_config
from tests.sandbox.support import ShopClient

DAY = 86400
STATEMENTS = "/finance/202309/statements"
UNSETTLED = "/finance/202507/orders/unsettled"
PAYMENTS = "/finance/202309/payments"
WITHDRAWALS = "/finance/202309/withdrawals"
BY_STATEMENT = "/finance/202501/statements/{}/statement_transactions"
BY_ORDER = "/finance/202501/orders/{}/statement_transactions"
PRICE_DETAIL = "/order/202407/orders/{}/price_detail"


def money_sandbox() -> Sandbox:
    """The seeded shop, with a token that outlives the weeks these tests move the clock on and
    a rate limit that lets them walk every statement at once."""
    return Sandbox(make_config(access_ttl=400 * DAY, qps=5000))


@asynccontextmanager
async def shop_without(scope: str) -> AsyncIterator[tuple[Sandbox, httpx.AsyncClient]]:
    """A small sandbox whose seller did not grant `scope`, and an HTTP client to it."""
    scopes = tuple(s for s in make_config().granted_scopes if s != scope)
    world = Sandbox(make_config(orders=20, granted_scopes=scopes))
    transport = httpx.ASGITransport(app=create_app(world))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as http:
        yield world, http


async def connected(http: httpx.AsyncClient) -> ShopClient:
    client = ShopClient(http, APP_KEY, APP_SECRET)
    await client.connect()
    return client


async def paid_order(admin: httpx.AsyncClient) -> dict[str, Any]:
    """A new one-unit order, paid, awaiting shipment."""
    skus = (await admin.get("/sandbox/inventory")).json()["skus"]
    sku = next(s for s in skus if s["quantity"] >= 3)
    body = {
        "line_items": [{"sku_id": sku["sku_id"], "quantity": 1}],
        "paid": True,
        "is_on_hold_order": False,
    }
    answer = await admin.post("/sandbox/orders", json=body)
    assert answer.status_code == 200, answer.text
    order: dict[str, Any] = answer.json()["order"]
    return order


def d(text: str) -> Decimal:
    assert isinstance(text, str) and "e" not in text.lower(), text
    return Decimal(text)


def total(values: Any) -> Decimal:
    return sum((d(v) for v in values), Decimal(0))


def contributing(breakdown: dict[str, Any]) -> Decimal:
    """A breakdown's contributing amounts (its supplementary_component is for reference)."""
    return total(v for k, v in breakdown.items() if k != "supplementary_component")


async def all_pages(
    client: ShopClient, path: str, params: dict[str, str], key: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every row under data[key] across pages, and every page's data."""
    rows: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    token = ""
    while True:
        query = {**params, **({"page_token": token} if token else {})}
        data = await client.ok("GET", path, params=query)
        pages.append(data)
        rows += data[key]
        token = data["next_page_token"]
        if not token:
            return rows, pages


async def statements(client: ShopClient, **params: str) -> list[dict[str, Any]]:
    rows, _ = await all_pages(
        client,
        STATEMENTS,
        {"sort_field": "statement_time", "page_size": "100", **params},
        "statements",
    )
    return rows


async def statement_transactions(
    client: ShopClient, statement_id: str, page_size: int = 100, order: str = "ASC"
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The statement's header (first page) and every transaction."""
    params = {"sort_field": "order_create_time", "page_size": str(page_size), "sort_order": order}
    rows, pages = await all_pages(client, BY_STATEMENT.format(statement_id), params, "transactions")
    return pages[0], rows


async def unsettled(
    client: ShopClient, **params: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows, pages = await all_pages(
        client,
        UNSETTLED,
        {"sort_field": "order_create_time", "page_size": "100", **params},
        "transactions",
    )
    return rows, pages[0]


async def delivered_order(admin: httpx.AsyncClient) -> dict[str, Any]:
    """A new order taken all the way to DELIVERED through the admin API (a carrier's path)."""
    order = await paid_order(admin)
    for status in ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"):
        await move(admin, order["id"], status)
    await advance(admin, 2)  # lists end before "now" (their `_lt` default): let a second pass
    return await find_order(admin, order["id"])


async def move(admin: httpx.AsyncClient, order_id: str, status: str) -> None:
    answer = await admin.post(f"/sandbox/orders/{order_id}/status", json={"status": status})
    assert answer.status_code == 200, answer.text


async def find_order(admin: httpx.AsyncClient, order_id: str) -> dict[str, Any]:
    orders = (await admin.get("/sandbox/orders")).json()["orders"]
    return next(o for o in orders if o["id"] == order_id)


async def advance(admin: httpx.AsyncClient, seconds: int) -> int:
    answer = await admin.post("/sandbox/clock", json={"advance_seconds": seconds})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["now"])


async def next_statement(admin: httpx.AsyncClient) -> list[str]:
    answer = await admin.post("/sandbox/finance/next_statement")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["statements"])
