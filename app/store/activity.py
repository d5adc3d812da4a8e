"""Sync runs (what ran, how much, how it ended) and errors (what failed, why, and its retry)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app import processes

RUNNING, OK, FAILED, CANCELLED = "running", "ok", "failed", "cancelled"
OPEN, RESOLVED, DISMISSED = "open", "resolved", "dismissed"


@dataclass(frozen=True)
class RunCounts:
    """Counters a run reports when it ends."""

    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    pages: int = 0
    api_calls: int = 0
    throttled: int = 0


def save_run_started(db: sqlite_utils.Database, shop_id: str, kind: str, *, now: int) -> int:
    """Open a run row; returns its id."""
    save_interrupted_runs(db, now=now)
    cursor = db.execute(
        "INSERT INTO sync_runs (shop_id, kind, started_at, state, pid) VALUES (?, ?, ?, ?, ?)",
        [shop_id, kind, now, RUNNING, os.getpid()],
    )
    return int(cursor.lastrowid or 0)


def process_alive(pid: int) -> bool:
    """True when `pid` is a running process (of any user)."""
    return processes.is_running(pid)


def save_run_finished(
    db: sqlite_utils.Database,
    run_id: int,
    state: str,
    counts: RunCounts,
    *,
    now: int,
    error: str = "",
) -> None:
    """Close a run with its outcome and counters."""
    db.execute(
        "UPDATE sync_runs SET finished_at = ?, state = ?, fetched = ?, created = ?, updated = ?,"
        " unchanged = ?, pages = ?, api_calls = ?, throttled = ?, error = ? WHERE id = ?",
        [
            now,
            state,
            counts.fetched,
            counts.created,
            counts.updated,
            counts.unchanged,
            counts.pages,
            counts.api_calls,
            counts.throttled,
            error,
            run_id,
        ],
    )


def save_interrupted_runs(db: sqlite_utils.Database, *, now: int) -> int:
    """Runs left `running` by a process that died are closed as failed, so status never lies.

    Runs of a live process (another Shopdesk syncing the same file) are left alone.
    """
    rows = db.execute("SELECT id, pid FROM sync_runs WHERE state = ?", [RUNNING]).fetchall()
    dead = [(now, run_id) for run_id, pid in rows if pid != os.getpid() and not process_alive(pid)]
    db.conn.executemany(
        "UPDATE sync_runs SET state = 'failed', finished_at = ?,"
        " error = 'interrupted (the app stopped before the run finished)' WHERE id = ?",
        dead,
    )
    return len(dead)


def fetch_last_run(db: sqlite_utils.Database, kind: str | None = None) -> dict[str, Any] | None:
    """The most recent run (of one kind), as a dict."""
    sql = "SELECT * FROM sync_runs"
    args: list[Any] = []
    if kind:
        sql += " WHERE kind = ?"
        args.append(kind)
    cursor = db.execute(sql + " ORDER BY id DESC LIMIT 1", args)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def fetch_last_success(db: sqlite_utils.Database, kind: str) -> int | None:
    """When a run of this kind last ended well."""
    row = db.execute(
        "SELECT max(finished_at) FROM sync_runs WHERE kind = ? AND state = ?", [kind, OK]
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def save_error(
    db: sqlite_utils.Database,
    kind: str,
    message: str,
    *,
    now: int,
    ref: str = "",
    action: str = "",
    shop_id: str = "",
    next_retry_at: int | None = None,
) -> int:
    """Record a failure; the same open failure again bumps its count instead of a new row."""
    cursor = db.execute(
        "INSERT INTO errors (shop_id, kind, ref, message, action, state, attempts, first_at,"
        " last_at, next_retry_at) VALUES (?, ?, ?, ?, ?, 'open', 1, ?, ?, ?)"
        " ON CONFLICT (kind, ref) WHERE state = 'open' DO UPDATE SET"
        " message = excluded.message, action = excluded.action,"
        " attempts = attempts + 1, last_at = excluded.last_at,"
        " next_retry_at = excluded.next_retry_at",
        [shop_id, kind, ref, message, action, now, now, next_retry_at],
    )
    return int(cursor.lastrowid or 0)


def save_error_resolved(db: sqlite_utils.Database, kind: str, ref: str = "", *, now: int) -> int:
    """The thing that failed now works: close its open error."""
    cursor = db.execute(
        "UPDATE errors SET state = ?, resolved_at = ?, next_retry_at = NULL"
        " WHERE kind = ? AND ref = ? AND state = 'open'",
        [RESOLVED, now, kind, ref],
    )
    return cursor.rowcount


def save_error_dismissed(db: sqlite_utils.Database, error_id: int, *, now: int) -> None:
    """The user dismissed an error row."""
    db.execute(
        "UPDATE errors SET state = ?, resolved_at = ? WHERE id = ?", [DISMISSED, now, error_id]
    )


def fetch_open_errors(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Open errors, newest first, for the errors tab and `status`."""
    cursor = db.execute("SELECT * FROM errors WHERE state = 'open' ORDER BY last_at DESC, id DESC")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
