"""What waits and what failed in the outbox and the inbox, and the open errors by kind.

Each background service's health (sync/health.py) is read from here, so the window, a
second process and the tests all see the same thing SQLite holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class QueueState:
    """One queue at a glance: waiting rows, failures still retried, failures given up on."""

    waiting: int = 0
    retrying: int = 0
    given_up: int = 0
    oldest_waiting_at: int | None = None
    next_retry_at: int | None = None
    last_error: str = ""

    @property
    def failed(self) -> int:
        """Every failed row, retried by itself or not."""
        return self.retrying + self.given_up


def fetch_outbox_state(db: sqlite_utils.Database) -> QueueState:
    """Stock pushes, shipments and answers still on their way to TikTok Shop."""
    if "outbox" not in db.table_names():
        return QueueState()
    return _state(
        db,
        "SELECT"
        " sum(state IN ('pending', 'in_flight')),"
        " sum(state = 'failed' AND next_retry_at IS NOT NULL),"
        " sum(state = 'failed' AND next_retry_at IS NULL),"
        " min(CASE WHEN state IN ('pending', 'in_flight') THEN created_at END),"
        " min(CASE WHEN state = 'failed' THEN next_retry_at END)"
        " FROM outbox WHERE state IN ('pending', 'in_flight', 'failed')",
        "SELECT last_error FROM outbox WHERE state = 'failed' AND last_error != ''"
        " ORDER BY updated_at DESC, id DESC LIMIT 1",
    )


def fetch_inbox_state(db: sqlite_utils.Database) -> QueueState:
    """Webhooks received and not yet applied to the orders."""
    if "inbox" not in db.table_names():
        return QueueState()
    return _state(
        db,
        "SELECT"
        " sum(state = 'pending'),"
        " sum(state = 'failed' AND next_retry_at IS NOT NULL),"
        " sum(state = 'failed' AND next_retry_at IS NULL),"
        " min(CASE WHEN state = 'pending' THEN received_at END),"
        " min(CASE WHEN state = 'failed' THEN next_retry_at END)"
        " FROM inbox WHERE state IN ('pending', 'failed')",
        "SELECT last_error FROM inbox WHERE state = 'failed' AND last_error != ''"
        " ORDER BY id DESC LIMIT 1",
    )


def _state(db: sqlite_utils.Database, counts_sql: str, error_sql: str) -> QueueState:
    row = db.execute(counts_sql).fetchone()
    error = db.execute(error_sql).fetchone()
    return QueueState(
        waiting=int(row[0] or 0),
        retrying=int(row[1] or 0),
        given_up=int(row[2] or 0),
        oldest_waiting_at=None if row[3] is None else int(row[3]),
        next_retry_at=None if row[4] is None else int(row[4]),
        last_error="" if error is None else str(error[0]),
    )


def fetch_open_error_kinds(db: sqlite_utils.Database) -> dict[str, tuple[int, str]]:
    """Open errors per kind: how many, and the newest one's message."""
    found: dict[str, tuple[int, str]] = {}
    for kind, message in db.execute(
        "SELECT kind, message FROM errors WHERE state = 'open' ORDER BY last_at DESC, id DESC"
    ):
        count, newest = found.get(str(kind), (0, str(message)))
        found[str(kind)] = (count + 1, newest)
    return found
