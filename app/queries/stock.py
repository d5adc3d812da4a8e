"""Stock levels and the catalogue, as the inventory tab and `shopdesk stock` read them."""

from __future__ import annotations

from app.store.catalog import SkuRef, fetch_sku, fetch_skus_by_code
from app.store.stock import MAX_ON_HAND
from app.store.stock_levels import (
    AT_RISK,
    OVERSOLD,
    SEVERITY,
    StockDefaults,
    StockRow,
    StockWarning,
    fetch_stock_counts,
    fetch_stock_rows,
    stock_defaults,
)

__all__ = [
    "AT_RISK",
    "MAX_ON_HAND",
    "OVERSOLD",
    "SEVERITY",
    "SkuRef",
    "StockDefaults",
    "StockRow",
    "StockWarning",
    "fetch_sku",
    "fetch_skus_by_code",
    "fetch_stock_counts",
    "fetch_stock_rows",
    "stock_defaults",
]
