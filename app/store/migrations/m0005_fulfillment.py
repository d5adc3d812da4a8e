"""Migration 0005: fulfilment writes in the outbox, buyer cancellation requests, carriers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0005_fulfillment")
def m0005_fulfillment(db: sqlite_utils.Database) -> None:
    """Writes carry what to send (`payload`) and what TikTok answered (`result`)."""
    run_statements(
        db,
        """
        ALTER TABLE outbox ADD COLUMN payload TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE outbox ADD COLUMN result TEXT NOT NULL DEFAULT '';

        CREATE TABLE cancellations (
            cancel_id TEXT PRIMARY KEY NOT NULL,
            order_id TEXT NOT NULL,
            cancel_type TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            reason_text TEXT NOT NULL DEFAULT '',
            deadline INTEGER,
            refund_total TEXT,
            currency TEXT NOT NULL DEFAULT '',
            create_time INTEGER NOT NULL DEFAULT 0,
            update_time INTEGER NOT NULL DEFAULT 0,
            raw TEXT NOT NULL,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX cancellations_status ON cancellations (status, deadline);
        CREATE INDEX cancellations_order ON cancellations (order_id);

        CREATE TABLE shipping_providers (
            delivery_option_id TEXT NOT NULL,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            fetched_at INTEGER NOT NULL,
            PRIMARY KEY (delivery_option_id, id)
        )
        """,
    )
