"""Saving orders from TikTok: the rows and the stock they move, in one transaction.

The store saves orders (`save_orders`) and knows the ledger (`save_order_stock`); deciding
that a saved order moves stock is sync's job, so every page, poll, webhook batch and refresh
goes through `save_order_page`, and a ledger movement never lands without its order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlite_utils

from app.store.orders import UpsertResult, joined, save_orders
from app.store.stock import save_order_stock
from app.tiktok.models import Order


def save_order_page(
    db: sqlite_utils.Database,
    shop_id: str,
    orders: Sequence[Mapping[str, Any] | Order],
    *,
    now: int,
) -> UpsertResult:
    """Upsert orders and write the `shipped` movements they mean, atomically."""
    with joined(db):
        result = save_orders(db, shop_id, orders, now=now)
        save_order_stock(db, result.saved, now=now, created=frozenset(result.created))
    return result
