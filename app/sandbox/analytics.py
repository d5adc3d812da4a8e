"""Shop, SKU and product performance by day, counted from the shop's own paid orders.

Dates are in the shop's registered timezone (analytics specs); data is ready up to yesterday
(`latest_available_date`). Sales, orders, units and buyers come from the orders; how a buyer
arrived (LIVE, VIDEO, PRODUCT_CARD) is each order's fixed trait (fees.traits). Impressions,
page views and click-through rates have no order behind them: they are drawn from a hash of
the shop and day, so a day's figures never change between calls.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.sandbox.fees import CHANNELS, ZERO, live_items, traits

#: Where each market's shops are registered (the sandbox's choice of one zone per market).
ZONES = {
    "US": "America/Los_Angeles",
    "GB": "Europe/London",
    "ID": "Asia/Jakarta",
    "JP": "Asia/Tokyo",
    "MY": "Asia/Kuala_Lumpur",
    "PH": "Asia/Manila",
    "SG": "Asia/Singapore",
    "TH": "Asia/Bangkok",
    "VN": "Asia/Ho_Chi_Minh",
}


def shop_zone(region: str) -> tzinfo:
    try:
        return ZoneInfo(ZONES.get(region, "UTC"))
    except ZoneInfoNotFoundError:  # a system without the time zone database
        return UTC


def local_day(at: int, zone: tzinfo) -> date:
    return datetime.fromtimestamp(at, zone).date()


def latest_available(now: int, zone: tzinfo) -> date:
    """Yesterday in the shop's timezone: the last full day of data."""
    return local_day(now, zone) - timedelta(days=1)


@dataclass(frozen=True)
class Sale:
    """One unit a buyer paid for."""

    day: date
    order_id: str
    user_id: str
    sku_id: str
    product_id: str
    channel: str
    value: Decimal  # list price less the seller's discount
    cancelled: bool


def sales(orders: Iterable[dict[str, Any]], zone: tzinfo, start: date, end: date) -> list[Sale]:
    """Every unit of paid orders placed on days start <= day < end."""
    found = []
    for order in orders:
        if "paid_time" not in order:
            continue
        day = local_day(order["create_time"], zone)
        if not start <= day < end:
            continue
        channel = traits(order["id"]).channel
        live = {i["id"] for i in live_items(order)}
        for item in order["line_items"]:
            value = Decimal(item["original_price"]) - Decimal(item["seller_discount"])
            found.append(
                Sale(
                    day,
                    order["id"],
                    order["user_id"],
                    item["sku_id"],
                    item["product_id"],
                    channel,
                    value,
                    item["id"] not in live,
                )
            )
    return found


def roll(*parts: object) -> int:
    """A stable number from 0 to 65535 for the traffic figures."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:2], "big")


@dataclass
class Traffic:
    impressions: dict[str, int]
    page_views: dict[str, int]
    visitors: dict[str, int]


def traffic(shop_id: str, day: date, units: dict[str, int]) -> Traffic:
    """A day's impressions, page views and visitors per channel; more sales, more traffic."""
    impressions, views, visitors = {}, {}, {}
    for channel in CHANNELS:
        shown = 400 + roll(shop_id, day, channel) % 600 + 150 * units.get(channel, 0)
        viewed = shown * (40 + roll(shop_id, day, channel, "views") % 40) // 1000
        impressions[channel] = shown
        views[channel] = viewed
        visitors[channel] = viewed * 7 // 10
    return Traffic(impressions, views, visitors)


def click_through_rate(product_id: str) -> Decimal:
    """Product clicks over impressions, 0.0200 to 0.0799."""
    return Decimal(200 + roll(product_id, "ctr") % 600) / 10000


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)
