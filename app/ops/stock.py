"""Stock: set a SKU's count or buffer, apply a file of counts, push, export."""

from __future__ import annotations

import sqlite_utils

from app.changes import ANY_ROW, Changes
from app.ops.results import Done
from app.store.stock import save_manual_stock
from app.sync.pusher import PushResult, push_pending
from app.sync.stock import StockEdit, StockFileError, plan_stock_file, save_stock_file

__all__ = [
    "PushResult",
    "StockEdit",
    "StockFileError",
    "apply_stock_file",
    "plan_stock_file",
    "push_pending",
    "set_stock",
    "set_stock_value",
]


def set_stock(
    db: sqlite_utils.Database,
    *,
    sku_id: str,
    now: int,
    on_hand: int | None = None,
    buffer: int | None = None,
    low_stock: int | None = None,
    source: str = "manual",
) -> Done:
    """Record what the creator typed (None leaves a value): a ledger row and a queued push."""
    outbox_id = save_manual_stock(
        db, sku_id, on_hand=on_hand, buffer=buffer, low_stock=low_stock, now=now, source=source
    )
    return Done(Changes.of(skus=[sku_id], outbox=[] if outbox_id is None else [outbox_id]))


#: The values of a stock row the creator can edit.
EDITABLE = ("on_hand", "buffer", "low_stock")


def set_stock_value(
    db: sqlite_utils.Database, *, sku_id: str, field: str, value: int, now: int
) -> Done:
    """One edited cell of the inventory table (`field` is one of `EDITABLE`)."""
    if field not in EDITABLE:
        raise ValueError(f"{field} is not a stock value one can set")
    return set_stock(db, sku_id=sku_id, now=now, **{field: value})  # type: ignore[arg-type]


def apply_stock_file(
    db: sqlite_utils.Database, *, edits: list[StockEdit], now: int, source: str = "csv"
) -> Done:
    """Apply a checked file of counts in one transaction."""
    count = save_stock_file(db, edits, now=now, source=source)
    return Done(Changes.of(skus=[e.sku_id for e in edits], outbox=[ANY_ROW]), value=count)
