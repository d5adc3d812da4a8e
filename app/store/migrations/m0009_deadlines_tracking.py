"""Migration 0009: indexes for the ship-by clocks and shop health, and each order's tracking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0009_deadlines_tracking")
def m0009_deadlines_tracking(db: sqlite_utils.Database) -> None:
    """Range counts on the clocks read covering indexes over 100,000 orders (DESIGN.md
    section 6: the partial ones hold only orders still to ship or to collect);
    `order_tracking` keeps what Get Tracking last said of a shipped order (valid tracking)."""
    run_statements(
        db,
        """
        CREATE INDEX orders_to_ship ON orders (rts_sla_time)
            WHERE status IN ('ON_HOLD', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPING')
            AND rts_time IS NULL;
        CREATE INDEX orders_to_collect ON orders (tts_sla_time)
            WHERE status = 'AWAITING_COLLECTION' AND collection_time IS NULL;
        CREATE INDEX orders_dispatch ON orders
            (rts_sla_time, status, rts_time, collection_time, cancel_time, id);
        CREATE INDEX orders_cancelled_by ON orders (create_time, paid_time, status,
            cancellation_initiator, rts_time, shipping_due_time, cancel_time, id);
        CREATE INDEX orders_shipped ON orders (rts_time, status, id);
        CREATE TABLE order_tracking (
            order_id TEXT PRIMARY KEY NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
            scans INTEGER NOT NULL DEFAULT 0,
            first_scan_at INTEGER,
            last_scan_at INTEGER,
            checked_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE deadline_notices (
            order_id TEXT NOT NULL,
            rts_sla_time INTEGER NOT NULL,
            lead_seconds INTEGER NOT NULL,
            sent_at INTEGER NOT NULL,
            PRIMARY KEY (order_id, rts_sla_time, lead_seconds)
        )
        """,
    )
