"""Migration 0012: the SKU index of line items also holds each item's order id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0012_sku_orders")
def m0012_sku_orders(db: sqlite_utils.Database) -> None:
    """A search that matches a product reads the orders of its SKUs from the index alone,
    not one line item row per order (6,700 rows for a common word in 100,000 orders); it
    replaces the index on `sku_id` alone, so a save writes no more index entries than before."""
    run_statements(
        db,
        """
        CREATE INDEX line_items_sku_order ON line_items (sku_id, order_id);
        DROP INDEX line_items_sku
        """,
    )
