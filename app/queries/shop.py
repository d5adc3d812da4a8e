"""The connected shop: its row, its market, the clock skew measured against TikTok."""

from __future__ import annotations

from app.store.clock_skew import describe_skew, fetch_clock_skew
from app.store.shops import ShopRecord, fetch_current_shop
from app.sync.ship_requests import rejects_by_shipping, shop_region

__all__ = [
    "ShopRecord",
    "describe_skew",
    "fetch_clock_skew",
    "fetch_current_shop",
    "rejects_by_shipping",
    "shop_region",
]
