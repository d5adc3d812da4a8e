"""The orders list as the window reads it first: queues, filters, pages, counts, the slim copy.

Apart from `app.queries.orders` (detail, export, stored orders), which loads sqlite-utils
and the order parser: the first paint reads through these, on a plain connection.
"""

from __future__ import annotations

from app.store.imports import has_imported
from app.store.order_queries import (
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
    "fetch_first_page",
    "fetch_matching_count",
    "fetch_order_position",
    "fetch_order_rows",
    "fetch_queue_counts",
    "has_imported",
]
