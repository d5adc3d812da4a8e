"""Analytics endpoints (FACTS.md 9.8; scope data.shop_analytics.public.read): shop performance
by interval, SKU and product performance lists, each with `latest_available_date`.

get-shop-performance spec: dates are YYYY-MM-DD in the shop's timezone, start inclusive, end
exclusive; a bad range answers 28001022 "invalid request params; detail: start time or end time
is invalid." The lists use the same code for their own bad parameters. Days after the latest
available date have no data yet and are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.sandbox.analytics import (
    Sale,
    click_through_rate,
    latest_available,
    sales,
    shop_zone,
    total,
    traffic,
)
from app.sandbox.errors import ApiError
from app.sandbox.fees import CHANNELS, amount, quantum
from app.sandbox.finance_params import choice, page_size, sorted_page
from app.sandbox.model import Shop
from app.sandbox.validation import Call

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

INVALID_PARAMS = 28001022
BAD_DATES = "start time or end time is invalid."
DEFAULT_LIST_PAGE = 10  # get-shop-product-performance-list: "Default value: 10"


def analytics_error(detail: str) -> ApiError:
    return ApiError(INVALID_PARAMS, f"invalid request params; detail: {detail}")


def _date(raw: str | None) -> date:
    if raw is None or len(raw) != 10:
        raise analytics_error(BAD_DATES)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise analytics_error(BAD_DATES) from None


def _range(q: dict[str, str]) -> tuple[date, date]:
    start, end = _date(q.get("start_date_ge")), _date(q.get("end_date_lt"))
    if start >= end:
        raise analytics_error(BAD_DATES)
    return start, end


def _common(call: Call) -> tuple[Shop, date, date, date]:
    """The shop, the requested range, and the latest day with data."""
    assert call.shop is not None
    choice(call.query, "currency", ("USD", "LOCAL"), "LOCAL", analytics_error)
    start, end = _range(call.query)
    return call.shop, start, end, latest_available(call.now, shop_zone(call.shop.region))


def _money(value: Decimal, cur: str) -> dict[str, str]:
    return {"amount": amount(value, cur), "currency": cur}


def _metrics(shop: Shop, rows: list[Sale], days: list[date]) -> dict[str, Any]:
    cur = shop.currency
    gmv = total(s.value for s in rows)
    orders = {s.order_id for s in rows}
    buyers = {c: {s.user_id for s in rows if s.channel == c} for c in CHANNELS}
    views = {
        "impressions": dict.fromkeys(CHANNELS, 0),
        "page_views": dict.fromkeys(CHANNELS, 0),
        "visitors": dict.fromkeys(CHANNELS, 0),
    }
    for day in days:
        units = {c: sum(1 for s in rows if s.day == day and s.channel == c) for c in CHANNELS}
        seen = traffic(shop.id, day, units)
        for c in CHANNELS:
            views["impressions"][c] += seen.impressions[c]
            views["page_views"][c] += seen.page_views[c]
            views["visitors"][c] += seen.visitors[c]
    span = max(1, len(days))
    average = gmv / len(orders) if orders else Decimal(0)
    return {
        "gmv": _money(gmv, cur),
        "gmv_breakdowns": [
            {**_money(total(s.value for s in rows if s.channel == c), cur), "type": c}
            for c in CHANNELS
        ],
        "sku_orders": len({(s.order_id, s.sku_id) for s in rows}),
        "orders": len(orders),
        "avg_order_value": _money(average.quantize(quantum(cur)), cur),
        "units_sold": len(rows),
        "buyers": len({s.user_id for s in rows}),
        "buyer_breakdowns": [{"amount": len(buyers[c]), "type": c} for c in CHANNELS],
        "product_impressions": sum(views["impressions"].values()),
        "product_impression_breakdowns": [
            {"amount": views["impressions"][c], "type": c} for c in CHANNELS
        ],
        "product_page_views": sum(views["page_views"].values()),
        "product_page_view_breakdowns": [
            {"amount": views["page_views"][c], "type": c} for c in CHANNELS
        ],
        "avg_product_page_visitors": sum(views["visitors"].values()) // span,
        "avg_product_page_visitor_breakdowns": [
            {"amount": views["visitors"][c] // span, "type": c} for c in CHANNELS
        ],
        "refunds": _money(total(s.value for s in rows if s.cancelled), cur),
        "cancellations_and_returns": sum(1 for s in rows if s.cancelled),
    }


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _intervals(
    shop: Shop, start: date, end: date, granularity: str, latest: date
) -> list[dict[str, Any]]:
    ready = min(end, latest + timedelta(days=1))
    days = _days(start, ready) if start < ready else []
    rows = sales(shop.orders.values(), shop_zone(shop.region), start, ready) if days else []
    if granularity == "ALL":
        spans = [(start, end, days)]
    else:
        spans = [(d, d + timedelta(days=1), [d]) for d in days]
    return [
        {
            "start_date": a.isoformat(),
            "end_date": b.isoformat(),
            **_metrics(shop, [s for s in rows if s.day in set(span)], span),
        }
        for a, b, span in spans
    ]


def shop_performance(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shop, start, end, latest = _common(call)
    q = call.query
    granularity = choice(q, "granularity", ("ALL", "1D"), "ALL", analytics_error)
    compare = choice(q, "with_comparison", ("true", "false"), "false", analytics_error)
    performance: dict[str, Any] = {"intervals": _intervals(shop, start, end, granularity, latest)}
    if compare == "true":
        before = start - (end - start)
        performance["comparison_intervals"] = _intervals(shop, before, start, granularity, latest)
    return {"performance": performance, "latest_available_date": latest.isoformat()}


def _window(shop: Shop, start: date, end: date, latest: date) -> list[Sale]:
    ready = min(end, latest + timedelta(days=1))
    if start >= ready:
        return []
    return sales(shop.orders.values(), shop_zone(shop.region), start, ready)


def _listed(
    sandbox: Sandbox,
    call: Call,
    rows: list[dict[str, Any]],
    sorts: dict[str, Callable[[dict[str, Any]], int]],
    default_sort: str,
    name: str,
    latest: date,
) -> dict[str, Any]:
    q = call.query
    size = page_size(q, DEFAULT_LIST_PAGE, analytics_error)
    field = choice(q, "sort_field", tuple(sorts), default_sort, analytics_error)
    descending = choice(q, "sort_order", ("ASC", "DESC"), "DESC", analytics_error) == "DESC"
    measure = sorts[field]
    chunk, token = sorted_page(
        sandbox,
        q,
        rows,
        lambda r: (measure(r), int(r["id"])),
        descending=descending,
        size=size,
        filters={
            "api": name,
            "sort": field,
            "range": [q.get("start_date_ge"), q.get("end_date_lt")],
            "product": q.get("product_id"),
        },
        fail=analytics_error,
    )
    return {
        name: chunk,
        "next_page_token": token,
        "total_count": len(rows),
        "latest_available_date": latest.isoformat(),
    }


def _cents(row: dict[str, Any]) -> int:
    return int(Decimal(row["gmv"]["amount"]) * 100)


def sku_performance(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shop, start, end, latest = _common(call)
    product = call.query.get("product_id") or None
    by_sku: dict[str, list[Sale]] = {}
    for sale in _window(shop, start, end, latest):
        if product is None or sale.product_id == product:
            by_sku.setdefault(sale.sku_id, []).append(sale)
    rows = [
        {
            "id": int(sku_id),
            "product_id": int(units[0].product_id),
            "gmv": _money(total(s.value for s in units), shop.currency),
            "sku_orders": len({s.order_id for s in units}),
            "units_sold": len(units),
        }
        for sku_id, units in by_sku.items()
    ]
    sorts: dict[str, Callable[[dict[str, Any]], int]] = {
        "gmv": _cents,
        "sku_orders": lambda r: int(r["sku_orders"]),
        "units_sold": lambda r: int(r["units_sold"]),
    }
    return _listed(sandbox, call, rows, sorts, "gmv", "skus", latest)


def product_performance(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    shop, start, end, latest = _common(call)
    by_product: dict[str, list[Sale]] = {}
    for sale in _window(shop, start, end, latest):
        by_product.setdefault(sale.product_id, []).append(sale)
    rows = [
        {
            "id": int(product_id),
            "gmv": _money(total(s.value for s in units), shop.currency),
            "orders": len({s.order_id for s in units}),
            "units_sold": len(units),
            "click_through_rate": str(click_through_rate(product_id)),
        }
        for product_id, units in by_product.items()
    ]
    sorts: dict[str, Callable[[dict[str, Any]], int]] = {
        "gmv": _cents,
        "order_count": lambda r: int(r["orders"]),
        "unit_sold_count": lambda r: int(r["units_sold"]),
        "click_through_rate": lambda r: int(Decimal(r["click_through_rate"]) * 10000),
    }
    return _listed(sandbox, call, rows, sorts, "gmv", "products", latest)
