"""Schema changes in order; each runs once, in a transaction, recorded by sqlite-utils.

Each migration lives in its own module; the imports below register them, in this order.
"""

from app.store.migrations import (  # noqa: F401  (registration, in this order)
    m0001_shops,
    m0002_orders,
    m0003_inbox,
    m0004_catalog_stock,
    m0005_fulfillment,
    m0006_claims_clock,
    m0007_order_raw_deadlines,
    m0008_labels_packing,
    m0009_deadlines_tracking,
    m0010_returns,
    m0011_money,
    m0012_sku_orders,
)
from app.store.migrations.registry import MIGRATIONS

__all__ = ["MIGRATIONS"]
