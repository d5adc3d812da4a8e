"""Orders as the detail pane, the status counts, the charts and the export read them (the
list's own reads are in `app.queries.order_list`, which the first paint loads alone)."""

from __future__ import annotations

from app.store.order_export import fetch_request_waiting, iter_export_rows
from app.store.order_queries import fetch_api_calls_over_time, fetch_orders_per_day
from app.store.orders import fetch_counts_by_status, fetch_order_raw
from app.store.stored_orders import (
    StoredItem,
    StoredOrder,
    fetch_order,
    fetch_order_detail,
    fetch_orders,
)

__all__ = [
    "StoredItem",
    "StoredOrder",
    "fetch_api_calls_over_time",
    "fetch_counts_by_status",
    "fetch_order",
    "fetch_order_detail",
    "fetch_order_raw",
    "fetch_orders",
    "fetch_orders_per_day",
    "fetch_request_waiting",
    "iter_export_rows",
]
