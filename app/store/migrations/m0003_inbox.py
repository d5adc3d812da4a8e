"""Migration 0003: the webhook inbox (every received event, its processing state and error)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.migrations.registry import MIGRATIONS, run_statements

if TYPE_CHECKING:
    import sqlite_utils


@MIGRATIONS(name="0003_inbox")
def m0003_inbox(db: sqlite_utils.Database) -> None:
    """One row per distinct push: deduplicated by notification id, else by the body's hash."""
    run_statements(
        db,
        """
        CREATE TABLE inbox (
            id INTEGER PRIMARY KEY,
            dedupe_key TEXT NOT NULL UNIQUE,
            notification_id TEXT,
            type INTEGER NOT NULL,
            shop_id TEXT NOT NULL DEFAULT '',
            event_time INTEGER NOT NULL DEFAULT 0,
            body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_retry_at INTEGER,
            last_error TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            received_at INTEGER NOT NULL,
            processed_at INTEGER,
            duplicates INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX inbox_state ON inbox (state, next_retry_at);
        CREATE INDEX inbox_received ON inbox (received_at)
        """,
    )
