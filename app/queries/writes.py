"""Queued writes to TikTok (shipments, answers, pushes), carriers and cancellation requests."""

from __future__ import annotations

from app.store.cancellation_traces import closed_words, fetch_closed_requests
from app.store.fulfillment import (
    CANCEL_APPROVE,
    CANCEL_REJECT,
    PROVIDERS_FRESH,
    SELLER_CANCEL,
    SHIP,
    SHIPPING_INFO,
    WRITE_KINDS,
    fetch_answered_requests,
    fetch_open_requests,
    fetch_order_writes,
    fetch_providers,
    fetch_request_answers,
    fetch_request_orders,
    fetch_writes,
    fetch_writes_by_id,
)
from app.store.outbox import STOCK, fetch_in_flight, fetch_outbox, fetch_outbox_counts

__all__ = [
    "CANCEL_APPROVE",
    "CANCEL_REJECT",
    "PROVIDERS_FRESH",
    "SELLER_CANCEL",
    "SHIP",
    "SHIPPING_INFO",
    "STOCK",
    "WRITE_KINDS",
    "closed_words",
    "fetch_answered_requests",
    "fetch_closed_requests",
    "fetch_in_flight",
    "fetch_open_requests",
    "fetch_order_writes",
    "fetch_outbox",
    "fetch_outbox_counts",
    "fetch_providers",
    "fetch_request_answers",
    "fetch_request_orders",
    "fetch_writes",
    "fetch_writes_by_id",
]
