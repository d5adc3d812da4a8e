"""Migration 0007: raw order JSON in its own table, TikTok's clocks and stock state as columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils

_BATCH = 2000


@MIGRATIONS(name="0007_order_raw_deadlines")
def m0007_order_raw_deadlines(db: sqlite_utils.Database) -> None:
    """Move `orders.raw` to `order_raw` and fill the new columns from it.

    The orders list and the stock counts scan `orders`; without each order's JSON in its row
    they read a fraction of the pages. The deadline and handover times of FACTS.md 9.5, the
    carrier fields shipping reads, and each line item's stock state (`app.store.stock_rules`)
    are read from the JSON once here, with the same code that fills them on every save.
    """
    run_statements(
        db,
        """
        CREATE TABLE order_raw (
            order_id TEXT PRIMARY KEY NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
            raw TEXT NOT NULL
        );
        INSERT INTO order_raw (order_id, raw) SELECT id, raw FROM orders;
        ALTER TABLE orders DROP COLUMN raw;
        ALTER TABLE orders ADD COLUMN tts_sla_time INTEGER;
        ALTER TABLE orders ADD COLUMN collection_due_time INTEGER;
        ALTER TABLE orders ADD COLUMN delivery_due_time INTEGER;
        ALTER TABLE orders ADD COLUMN delivery_sla_time INTEGER;
        ALTER TABLE orders ADD COLUMN rts_time INTEGER;
        ALTER TABLE orders ADD COLUMN collection_time INTEGER;
        ALTER TABLE orders ADD COLUMN delivery_time INTEGER;
        ALTER TABLE orders ADD COLUMN cancel_time INTEGER;
        ALTER TABLE orders ADD COLUMN cancellation_initiator TEXT NOT NULL DEFAULT '';
        ALTER TABLE orders ADD COLUMN warehouse_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE orders ADD COLUMN delivery_option_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE orders ADD COLUMN package_ids TEXT NOT NULL DEFAULT '';
        ALTER TABLE line_items ADD COLUMN stock_state TEXT NOT NULL DEFAULT ''
        """,
    )
    _fill(db)


def _fill(db: sqlite_utils.Database) -> None:
    """The new columns of every stored order, from its JSON, a batch at a time."""
    from app.store.orders import order_columns_from_raw  # only an old file needs the parser

    last = ""
    while True:
        rows = db.execute(
            "SELECT order_id, raw FROM order_raw WHERE order_id > ? ORDER BY order_id LIMIT ?",
            [last, _BATCH],
        ).fetchall()
        if not rows:
            return
        orders, items = order_columns_from_raw(rows)
        db.conn.executemany(_UPDATE_ORDER, orders)
        db.conn.executemany("UPDATE line_items SET stock_state = ? WHERE id = ?", items)
        last = rows[-1][0]


_UPDATE_ORDER = (
    "UPDATE orders SET tts_sla_time = ?, collection_due_time = ?, delivery_due_time = ?,"
    " delivery_sla_time = ?, rts_time = ?, collection_time = ?, delivery_time = ?,"
    " cancel_time = ?, cancellation_initiator = ?, warehouse_id = ?, delivery_option_id = ?,"
    " package_ids = ? WHERE id = ?"
)
