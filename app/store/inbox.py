"""The webhook inbox: a push is committed here before we answer 200, then processed from here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import sqlite_utils

PENDING, DONE, FAILED, IGNORED, DROPPED = "pending", "done", "failed", "ignored", "dropped"

_COLUMNS = (
    "id, notification_id, type, shop_id, event_time, body, state, attempts, next_retry_at,"
    " last_error, note, received_at, processed_at, duplicates"
)


@dataclass(frozen=True)
class InboxItem:
    """One received push and where its processing stands."""

    id: int
    notification_id: str | None
    type: int
    shop_id: str
    event_time: int
    body: str
    state: str
    attempts: int
    next_retry_at: int | None
    last_error: str
    note: str
    received_at: int
    processed_at: int | None
    duplicates: int


def dedupe_key(notification_id: str | None, raw_body: bytes) -> str:
    """Same `tts_notification_id`, or the same body where there is none, is the same push."""
    if notification_id:
        return f"id:{notification_id}"
    return "sha256:" + hashlib.sha256(raw_body).hexdigest()


def save_received(
    db: sqlite_utils.Database,
    raw_body: bytes,
    *,
    notification_id: str | None,
    type_: int,
    shop_id: str,
    event_time: int,
    now: int,
) -> tuple[int, bool]:
    """Commit a verified push; returns (row id, True if new). A repeat only bumps a counter."""
    key = dedupe_key(notification_id, raw_body)
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO inbox (dedupe_key, notification_id, type, shop_id, event_time, body,"
            " received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO UPDATE SET"
            " duplicates = duplicates + 1 RETURNING id, duplicates",
            [key, notification_id, type_, shop_id, event_time, raw_body.decode("utf-8"), now],
        )
        row_id, duplicates = cursor.fetchone()
    return int(row_id), duplicates == 0


def _items(cursor: Any) -> list[InboxItem]:
    return [InboxItem(*row) for row in cursor.fetchall()]


def fetch_due(db: sqlite_utils.Database, *, now: int, limit: int = 200) -> list[InboxItem]:
    """Pending pushes, and failed ones whose retry time has come, oldest first."""
    return _items(
        db.execute(
            f"SELECT {_COLUMNS} FROM inbox WHERE state = ? OR (state = ? AND next_retry_at <= ?)"
            " ORDER BY id LIMIT ?",
            [PENDING, FAILED, now, limit],
        )
    )


def fetch_inbox(db: sqlite_utils.Database, *, limit: int = 500) -> list[InboxItem]:
    """The most recent pushes for the Sync queue tab and `status`."""
    return _items(db.execute(f"SELECT {_COLUMNS} FROM inbox ORDER BY id DESC LIMIT ?", [limit]))


def fetch_inbox_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Pushes per state."""
    rows = db.execute("SELECT state, count(*) FROM inbox GROUP BY state").fetchall()
    return {str(state): int(count) for state, count in rows}


def fetch_last_received(db: sqlite_utils.Database) -> int | None:
    """When the last push arrived."""
    row = db.execute("SELECT max(received_at) FROM inbox").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def fetch_attempts(db: sqlite_utils.Database, item_ids: list[int]) -> int:
    """The most attempts any of these pushes has had (for the next backoff)."""
    if not item_ids:
        return 0
    marks = ",".join("?" for _ in item_ids)
    row = db.execute(f"SELECT max(attempts) FROM inbox WHERE id IN ({marks})", item_ids).fetchone()
    return int(row[0] or 0)


def save_processed(
    db: sqlite_utils.Database, item_ids: list[int], state: str, *, now: int, note: str = ""
) -> None:
    """Mark pushes done or ignored."""
    db.conn.executemany(
        "UPDATE inbox SET state = ?, processed_at = ?, attempts = attempts + 1, note = ?,"
        " last_error = '', next_retry_at = NULL WHERE id = ?",
        [(state, now, note, item_id) for item_id in item_ids],
    )


def save_failed(
    db: sqlite_utils.Database, item_ids: list[int], error: str, *, now: int, retry_at: int
) -> None:
    """Record why processing failed and when to try again."""
    db.conn.executemany(
        "UPDATE inbox SET state = ?, attempts = attempts + 1, last_error = ?, next_retry_at = ?"
        " WHERE id = ?",
        [(FAILED, error, retry_at, item_id) for item_id in item_ids],
    )


def save_inbox_retry(db: sqlite_utils.Database, item_id: int) -> None:
    """The user asked to process a failed or dropped push again, now."""
    db.execute(
        "UPDATE inbox SET state = ?, next_retry_at = NULL WHERE id = ? AND state != ?",
        [PENDING, item_id, DONE],
    )


def save_inbox_dropped(db: sqlite_utils.Database, item_id: int) -> None:
    """The user gave up on a push (polling still catches its change)."""
    db.execute(
        "UPDATE inbox SET state = ?, next_retry_at = NULL WHERE id = ? AND state != ?",
        [DROPPED, item_id, DONE],
    )


def save_pruned(db: sqlite_utils.Database, *, before: int) -> int:
    """Forget events processed (done, ignored or dropped) before `before`; pending and failed
    ones stay whatever their age. A redelivery of a forgotten event is processed again, which
    changes nothing (older data never overwrites newer)."""
    cursor = db.execute(
        "DELETE FROM inbox WHERE state IN (?, ?, ?) AND coalesce(processed_at, received_at) < ?",
        [DONE, IGNORED, DROPPED, before],
    )
    return cursor.rowcount
