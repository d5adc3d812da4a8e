"""Sync cursors: how far each kind of sync has read, saved with the page that advanced it."""

from __future__ import annotations

import sqlite_utils

ORDERS_UPDATE_TIME = "orders.update_time"


def fetch_cursor(db: sqlite_utils.Database, shop_id: str, name: str) -> int | None:
    """The cursor's value, or None before the first sync."""
    row = db.execute(
        "SELECT value FROM sync_cursors WHERE shop_id = ? AND name = ?", [shop_id, name]
    ).fetchone()
    return None if row is None else int(row[0])


def save_cursor(
    db: sqlite_utils.Database, shop_id: str, name: str, value: int, *, now: int
) -> None:
    """Advance a cursor; it never moves backwards."""
    db.execute(
        "INSERT INTO sync_cursors (shop_id, name, value, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (shop_id, name) DO UPDATE SET "
        "value = max(value, excluded.value), updated_at = excluded.updated_at",
        [shop_id, name, value, now],
    )


def save_cursor_reset(
    db: sqlite_utils.Database, shop_id: str, name: str, value: int, *, now: int
) -> None:
    """Move a cursor back (it was wrong, e.g. set from a clock running ahead of TikTok's)."""
    db.execute(
        "UPDATE sync_cursors SET value = ?, updated_at = ? WHERE shop_id = ? AND name = ?",
        [value, now, shop_id, name],
    )
