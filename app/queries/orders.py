"""Orders as the list, the detail pane, the status counts and the export read them."""

from __future__ import annotations

from app.queries.order_list import (
    ALL,
    FLAG_FILTERS,
    INDEX,
    ORDERS,
    QUEUE_BY_KEY,
    QUEUE_OF_STATUS,
    QUEUES,
    ListSource,
    OrderFilter,
    OrderListIndex,
    OrderListRow,
    OrderSort,
    fetch_first_page,
    fetch_matching_count,
    fetch_order_position,
    fetch_order_rows,
    fetch_queue_counts,
    has_imported,
)
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
    "ALL",
    "FLAG_FILTERS",
    "INDEX",
    "ORDERS",
    "QUEUES",
    "QUEUE_BY_KEY",
    "QUEUE_OF_STATUS",
    "ListSource",
    "OrderFilter",
    "OrderListIndex",
    "OrderListRow",
    "OrderSort",
    "StoredItem",
    "StoredOrder",
    "fetch_api_calls_over_time",
    "fetch_counts_by_status",
    "fetch_first_page",
    "fetch_matching_count",
    "fetch_order",
    "fetch_order_detail",
    "fetch_order_position",
    "fetch_order_raw",
    "fetch_order_rows",
    "fetch_orders",
    "fetch_orders_per_day",
    "fetch_queue_counts",
    "fetch_request_waiting",
    "has_imported",
    "iter_export_rows",
]
