"""Shop, SKU and product performance by day agree with the shop's own orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.sandbox import Sandbox
from app.sandbox import errors as e
from tests.sandbox.money_support import (
    advance,
    connected,
    d,
    money_sandbox,
    shop_without,
    total,
)
from tests.sandbox.support import ShopClient


@pytest.fixture
def sandbox() -> Sandbox:
    return money_sandbox()


SHOP = "/analytics/202405/shop/performance"
SKUS = "/analytics/202406/shop_skus/performance"
PRODUCTS = "/analytics/202405/shop_products/performance"
ZONE = ZoneInfo("America/Los_Angeles")  # the sandbox's US shops are registered there


def local(at: int) -> date:
    return datetime.fromtimestamp(at, ZONE).date()


async def paid_units(http: httpx.AsyncClient) -> list[tuple[date, dict[str, Any], dict[str, Any]]]:
    orders = (await http.get("/sandbox/orders")).json()["orders"]
    return [
        (local(o["create_time"]), o, item)
        for o in orders
        if "paid_time" in o
        for item in o["line_items"]
    ]


def value(item: dict[str, Any]) -> Decimal:
    return d(item["original_price"]) - d(item["seller_discount"])


async def now_of(http: httpx.AsyncClient) -> int:
    return int((await http.get("/sandbox/clock")).json()["now"])


async def test_daily_shop_performance_counts_paid_orders(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    today = local(await now_of(http))
    start, end = today - timedelta(days=20), today + timedelta(days=1)
    data = await client.ok(
        "GET",
        SHOP,
        params={"start_date_ge": str(start), "end_date_lt": str(end), "granularity": "1D"},
    )
    latest = date.fromisoformat(data["latest_available_date"])
    assert latest == today - timedelta(days=1)
    intervals = data["performance"]["intervals"]
    # Today has no data yet: the days run from start to yesterday.
    assert [i["start_date"] for i in intervals] == [
        str(start + timedelta(days=n)) for n in range((latest - start).days + 1)
    ]
    units = await paid_units(http)
    for interval in intervals:
        day = date.fromisoformat(interval["start_date"])
        assert interval["end_date"] == str(day + timedelta(days=1))
        todays = [(o, i) for when, o, i in units if when == day]
        assert d(interval["gmv"]["amount"]) == sum((value(i) for _, i in todays), Decimal(0))
        assert interval["orders"] == len({o["id"] for o, _ in todays})
        assert interval["units_sold"] == len(todays)
        assert interval["buyers"] == len({o["user_id"] for o, _ in todays})
        assert total(b["amount"] for b in interval["gmv_breakdowns"]) == d(
            interval["gmv"]["amount"]
        )
        assert {b["type"] for b in interval["gmv_breakdowns"]} == {"LIVE", "VIDEO", "PRODUCT_CARD"}
        assert interval["product_impressions"] == sum(
            b["amount"] for b in interval["product_impression_breakdowns"]
        )
        cancelled = [i for _, i in todays if i["display_status"] == "CANCELLED"]
        assert interval["cancellations_and_returns"] == len(cancelled)
        if interval["orders"]:
            average = d(interval["gmv"]["amount"]) / interval["orders"]
            assert abs(d(interval["avg_order_value"]["amount"]) - average) <= Decimal("0.005")
    assert sum(i["orders"] for i in intervals) > 20


async def test_all_at_once_equals_the_sum_of_the_days_and_compares_the_period_before(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    today = local(await now_of(http))
    start, end = today - timedelta(days=14), today - timedelta(days=7)
    params = {"start_date_ge": str(start), "end_date_lt": str(end)}
    days = await client.ok("GET", SHOP, params={**params, "granularity": "1D"})
    whole = await client.ok("GET", SHOP, params={**params, "with_comparison": "true"})
    [interval] = whole["performance"]["intervals"]  # granularity ALL is the default
    assert (interval["start_date"], interval["end_date"]) == (str(start), str(end))
    daily = days["performance"]["intervals"]
    assert d(interval["gmv"]["amount"]) == total(i["gmv"]["amount"] for i in daily)
    assert interval["units_sold"] == sum(i["units_sold"] for i in daily)
    assert interval["product_page_views"] == sum(i["product_page_views"] for i in daily)
    [before] = whole["performance"]["comparison_intervals"]
    assert (before["start_date"], before["end_date"]) == (str(start - (end - start)), str(start))
    earlier = await client.ok(
        "GET", SHOP, params={"start_date_ge": before["start_date"], "end_date_lt": str(start)}
    )
    assert earlier["performance"]["intervals"][0] == before
    assert "comparison_intervals" not in days["performance"]


async def test_a_new_day_becomes_available_after_midnight(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    today = local(await now_of(http))
    params = {
        "start_date_ge": str(today - timedelta(days=1)),
        "end_date_lt": str(today + timedelta(days=2)),
    }
    first = await client.ok("GET", SHOP, params={**params, "granularity": "1D"})
    assert len(first["performance"]["intervals"]) == 1
    await advance(http, 86400)
    second = await client.ok("GET", SHOP, params={**params, "granularity": "1D"})
    assert second["latest_available_date"] == str(today)
    assert len(second["performance"]["intervals"]) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"start_date_ge": "2026-04-08", "end_date_lt": "2026-04-01"},
        {"start_date_ge": "2026-04-01", "end_date_lt": "2026-04-01"},
        {"start_date_ge": "2026/04/01", "end_date_lt": "2026-04-08"},
        {"end_date_lt": "2026-04-08"},
        {"start_date_ge": "2026-04-01", "end_date_lt": "2026-04-08", "currency": "EUR"},
    ],
)
async def test_bad_dates_answer_28001022(client: ShopClient, params: dict[str, str]) -> None:
    granularity = {"start_date_ge": "2026-04-01", "end_date_lt": "2026-04-08", "granularity": "1H"}
    payload = (await client.call("GET", SHOP, params=granularity)).json()
    assert payload["code"] == 28001022
    for path in (SHOP, SKUS, PRODUCTS):
        payload = (await client.call("GET", path, params=params)).json()
        assert payload["code"] == 28001022, (path, payload)
        assert payload["message"].startswith("invalid request params; detail: ")


async def test_sku_and_product_lists_add_up_to_the_shop(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    today = local(await now_of(http))
    params = {"start_date_ge": str(today - timedelta(days=30)), "end_date_lt": str(today)}
    shop = await client.ok("GET", SHOP, params=params)
    [interval] = shop["performance"]["intervals"]
    skus: list[dict[str, Any]] = []
    token = ""
    while True:
        page = await client.ok(
            "GET",
            SKUS,
            params={**params, "page_size": "7", **({"page_token": token} if token else {})},
        )
        skus += page["skus"]
        token = page["next_page_token"]
        if not token:
            break
    assert len(skus) == page["total_count"] == len({s["id"] for s in skus})
    assert all(isinstance(s["id"], int) and isinstance(s["product_id"], int) for s in skus)
    gmvs = [d(s["gmv"]["amount"]) for s in skus]
    assert gmvs == sorted(gmvs, reverse=True)  # gmv, descending, by default
    assert sum(gmvs, Decimal(0)) == d(interval["gmv"]["amount"])
    assert sum(s["units_sold"] for s in skus) == interval["units_sold"]
    products = (await client.ok("GET", PRODUCTS, params={**params, "page_size": "100"}))["products"]
    assert sum((d(p["gmv"]["amount"]) for p in products), Decimal(0)) == d(
        interval["gmv"]["amount"]
    )
    one = products[0]
    only = await client.ok(
        "GET", SKUS, params={**params, "product_id": str(one["id"]), "page_size": "100"}
    )
    assert {s["product_id"] for s in only["skus"]} == {one["id"]}
    assert sum(s["units_sold"] for s in only["skus"]) == one["units_sold"]
    by_orders = await client.ok(
        "GET",
        PRODUCTS,
        params={**params, "sort_field": "order_count", "sort_order": "ASC", "page_size": "100"},
    )
    counts = [p["orders"] for p in by_orders["products"]]
    assert counts == sorted(counts)
    assert all(Decimal("0.02") <= d(p["click_through_rate"]) < Decimal("0.08") for p in products)
    default_page = await client.ok("GET", PRODUCTS, params=params)
    assert len(default_page["products"]) == min(10, len(products))


async def test_analytics_need_their_scope() -> None:
    async with shop_without("data.shop_analytics.public.read") as (_, http):
        client = await connected(http)
        today = datetime.now(UTC).date()
        params = {"start_date_ge": str(today - timedelta(days=3)), "end_date_lt": str(today)}
        for path in (SHOP, SKUS, PRODUCTS):
            payload = (await client.call("GET", path, params=params)).json()
            assert (payload["code"], payload["message"]) == e.MISSING_SCOPE
