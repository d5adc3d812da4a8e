"""Migration 0010: buyers' return and refund requests, and what became of each returned item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0010_returns")
def m0010_returns(db: sqlite_utils.Database) -> None:
    """`returns` mirrors Search Returns (plus the records' evidence and who decided, and the
    reject reasons TikTok offers for the shop's market); `return_items` keeps each returned
    unit's fate (back on the shelf with its ledger movement, or written off)."""
    run_statements(
        db,
        """
        CREATE TABLE returns (
            return_id TEXT PRIMARY KEY NOT NULL,
            shop_id TEXT NOT NULL DEFAULT '',
            order_id TEXT NOT NULL DEFAULT '',
            return_type TEXT NOT NULL DEFAULT '',
            return_status TEXT NOT NULL DEFAULT '',
            arbitration_status TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT '',
            reason_text TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '',
            next_action TEXT NOT NULL DEFAULT '',
            deadline INTEGER,
            refund_total TEXT NOT NULL DEFAULT '',
            currency TEXT NOT NULL DEFAULT '',
            items TEXT NOT NULL DEFAULT '[]',
            reject_reasons TEXT NOT NULL DEFAULT '[]',
            reasons_for TEXT NOT NULL DEFAULT '',
            decided_by TEXT NOT NULL DEFAULT '',
            decision TEXT NOT NULL DEFAULT '',
            records_status TEXT NOT NULL DEFAULT '',
            raw TEXT NOT NULL DEFAULT '{}',
            create_time INTEGER NOT NULL DEFAULT 0,
            update_time INTEGER NOT NULL DEFAULT 0,
            synced_at INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX returns_order ON returns (order_id);
        CREATE INDEX returns_deadline ON returns (deadline) WHERE next_action != '';
        CREATE TABLE return_items (
            return_id TEXT NOT NULL,
            return_line_item_id TEXT NOT NULL,
            sku_id TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL,
            movement_id INTEGER,
            note TEXT NOT NULL DEFAULT '',
            at INTEGER NOT NULL,
            PRIMARY KEY (return_id, return_line_item_id)
        )
        """,
    )
