"""The outbox: one live row per thing to push, so edits coalesce and every outcome is kept.

States: pending (waiting), in_flight (being pushed), failed (TikTok said no or kept failing;
retried at `next_retry_at`, or when the creator presses Retry), done, dropped (the creator gave
up on it). A new edit to a row in flight bumps its `version`; the push that finishes with an
older version leaves the row pending, so the newest edit always goes out.

A row in flight names the process that claimed it (pid and start). When that process is gone
the row is an orphan: its write may or may not have reached TikTok, so the next process checks
TikTok's state before it finishes or resends it (`app/sync/recovery.py`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app import processes

STOCK = "stock"
PENDING, IN_FLIGHT, FAILED, DONE, DROPPED = "pending", "in_flight", "failed", "done", "dropped"
LIVE = (PENDING, IN_FLIGHT, FAILED)
_LIVE_SQL = "('pending', 'in_flight', 'failed')"


@dataclass(frozen=True)
class OutboxItem:
    """A claimed row: what to push and which edit (`version`) the push carries."""

    id: int
    kind: str
    ref: str
    product_id: str
    version: int
    attempts: int


def save_push_request(
    db: sqlite_utils.Database,
    ref: str,
    product_id: str,
    *,
    reason: str,
    now: int,
    kind: str = STOCK,
    if_idle: bool = False,
) -> int:
    """Queue a push; a live row for the same thing absorbs it (the last edit wins).

    `if_idle` leaves a live row as it is (automatic pushes must not cut a backoff short).
    """
    if if_idle:
        db.execute(
            "INSERT INTO outbox (kind, ref, product_id, state, reason, created_at, updated_at)"
            " VALUES (?, ?, ?, 'pending', ?, ?, ?)"
            f" ON CONFLICT (kind, ref) WHERE state IN {_LIVE_SQL} DO NOTHING",
            [kind, ref, product_id, reason, now, now],
        )
        return _live_id(db, kind, ref)
    db.execute(
        "INSERT INTO outbox (kind, ref, product_id, state, reason, created_at, updated_at)"
        " VALUES (?, ?, ?, 'pending', ?, ?, ?)"
        f" ON CONFLICT (kind, ref) WHERE state IN {_LIVE_SQL} DO UPDATE SET"
        " state = CASE WHEN state = 'in_flight' THEN 'in_flight' ELSE 'pending' END,"
        " version = version + 1, reason = excluded.reason, product_id = excluded.product_id,"
        " attempts = CASE WHEN state = 'failed' THEN 0 ELSE attempts END,"
        " next_retry_at = NULL, updated_at = excluded.updated_at",
        [kind, ref, product_id, reason, now, now],
    )
    return _live_id(db, kind, ref)


def _live_id(db: sqlite_utils.Database, kind: str, ref: str) -> int:
    row = db.execute(
        f"SELECT id FROM outbox WHERE kind = ? AND ref = ? AND state IN {_LIVE_SQL}", [kind, ref]
    ).fetchone()
    return int(row[0])


@dataclass(frozen=True)
class Claim:
    """A row in flight and the process that claimed it."""

    item: OutboxItem
    claimer: processes.ProcessId


def fetch_in_flight(db: sqlite_utils.Database, kinds: Sequence[str]) -> list[Claim]:
    """Every row in flight of these kinds, with its claimer."""
    marks = ",".join("?" for _ in kinds) or "''"
    rows = db.execute(
        "SELECT id, kind, ref, product_id, version, attempts, claimed_pid, claimed_start"
        f" FROM outbox WHERE state = 'in_flight' AND kind IN ({marks}) ORDER BY id",
        list(kinds),
    ).fetchall()
    return [
        Claim(
            OutboxItem(int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), int(r[5])),
            processes.ProcessId(int(r[6]), str(r[7])),
        )
        for r in rows
    ]


def fetch_orphans(db: sqlite_utils.Database, kinds: Sequence[str]) -> list[Claim]:
    """Rows in flight whose claiming process no longer runs (it crashed or was killed)."""
    me = processes.current()
    return [c for c in fetch_in_flight(db, kinds) if c.claimer != me and not c.claimer.running()]


def save_adopted(db: sqlite_utils.Database, claim: Claim, *, now: int) -> bool:
    """Take over an orphan, unless another process adopted it first."""
    me = processes.current()
    cursor = db.execute(
        "UPDATE outbox SET claimed_pid = ?, claimed_start = ?, updated_at = ?"
        " WHERE id = ? AND state = 'in_flight' AND claimed_pid = ? AND claimed_start = ?",
        [me.pid, me.start, now, claim.item.id, claim.claimer.pid, claim.claimer.start],
    )
    return cursor.rowcount == 1


def save_orphans_for_check(db: sqlite_utils.Database, *, now: int) -> int:
    """Every waiting write becomes an orphan: after a restore, TikTok may have them already."""
    cursor = db.execute(
        "UPDATE outbox SET state = 'in_flight', claimed_pid = 0, claimed_start = '',"
        " updated_at = ? WHERE state IN ('pending', 'in_flight')",
        [now],
    )
    return cursor.rowcount


def save_claimed(
    db: sqlite_utils.Database, *, now: int, kind: str = STOCK, refs: Sequence[str] | None = None
) -> list[OutboxItem]:
    """Take every due row (pending, or failed and due for retry) and mark it in flight."""
    sql = (
        "SELECT id, kind, ref, product_id, version, attempts FROM outbox WHERE kind = ?"
        " AND (state = 'pending' OR (state = 'failed' AND next_retry_at IS NOT NULL"
        " AND next_retry_at <= ?))"
    )
    args: list[Any] = [kind, now]
    if refs is not None:
        marks = ",".join("?" for _ in refs) or "''"
        sql += f" AND ref IN ({marks})"
        args.extend(refs)
    me = processes.current()
    with db.atomic():
        rows = db.execute(sql + " ORDER BY id", args).fetchall()
        db.conn.executemany(
            "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, updated_at = ?,"
            " claimed_pid = ?, claimed_start = ? WHERE id = ?",
            [(now, me.pid, me.start, r[0]) for r in rows],
        )
    return [
        OutboxItem(int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), int(r[5]) + 1)
        for r in rows
    ]


def save_released(db: sqlite_utils.Database, ids: Sequence[int], *, now: int) -> None:
    """Claimed rows that were not attempted after all (e.g. the shop must reconnect)."""
    db.conn.executemany(
        "UPDATE outbox SET state = 'pending', attempts = max(0, attempts - 1), updated_at = ?"
        " WHERE id = ? AND state = 'in_flight'",
        [(now, i) for i in ids],
    )


def save_requeued(db: sqlite_utils.Database, ids: Sequence[int], *, now: int) -> None:
    """Orphans TikTok does not have: they go out again (their attempts still count)."""
    db.conn.executemany(
        "UPDATE outbox SET state = 'pending', updated_at = ? WHERE id = ? AND state = 'in_flight'",
        [(now, i) for i in ids],
    )


def save_done(
    db: sqlite_utils.Database, item: OutboxItem, *, quantity: int | None, now: int
) -> bool:
    """The push landed; if a newer edit arrived meanwhile the row stays pending for it."""
    cursor = db.execute(
        "UPDATE outbox SET state = CASE WHEN version = ? THEN 'done' ELSE 'pending' END,"
        " done_at = CASE WHEN version = ? THEN ? ELSE done_at END, quantity = ?,"
        " last_code = NULL, last_error = '', next_retry_at = NULL, updated_at = ?"
        " WHERE id = ? AND state = 'in_flight'",
        [item.version, item.version, now, quantity, now, item.id],
    )
    return cursor.rowcount == 1


def save_failed(
    db: sqlite_utils.Database,
    item: OutboxItem,
    *,
    code: int | None,
    message: str,
    next_retry_at: int | None,
    quantity: int | None,
    now: int,
) -> None:
    """The push failed: keep the error; a newer edit that arrived meanwhile is tried at once."""
    db.execute(
        "UPDATE outbox SET state = CASE WHEN version = ? THEN 'failed' ELSE 'pending' END,"
        " next_retry_at = CASE WHEN version = ? THEN ? ELSE NULL END,"
        " last_code = ?, last_error = ?, quantity = ?, updated_at = ?"
        " WHERE id = ? AND state = 'in_flight'",
        [item.version, item.version, next_retry_at, code, message, quantity, now, item.id],
    )


def save_attempt(
    db: sqlite_utils.Database,
    item: OutboxItem,
    *,
    quantities: Mapping[str, int],
    outcome: str,
    code: int | None,
    message: str,
    now: int,
) -> None:
    """One push of one SKU and how it ended, for the history."""
    db.execute(
        "INSERT INTO stock_push_attempts (outbox_id, product_id, sku_id, quantities, outcome,"
        " code, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            item.id,
            item.product_id,
            item.ref,
            json.dumps(dict(quantities)),
            outcome,
            code,
            message,
            now,
        ],
    )


def save_outbox_retry(db: sqlite_utils.Database, outbox_id: int, *, now: int | None = None) -> bool:
    """The creator pressed Retry: a failed row is pushed at the next chance."""
    cursor = db.execute(
        "UPDATE outbox SET state = 'pending', next_retry_at = NULL,"
        " updated_at = coalesce(?, updated_at) WHERE id = ? AND state = 'failed'",
        [now, outbox_id],
    )
    return cursor.rowcount == 1


def save_retry_products(db: sqlite_utils.Database, product_ids: Sequence[str], *, now: int) -> int:
    """A product became pushable again (e.g. ACTIVATE): retry its failed rows now."""
    cursor = db.conn.executemany(
        "UPDATE outbox SET state = 'pending', next_retry_at = NULL, updated_at = ?"
        " WHERE product_id = ? AND state = 'failed'",
        [(now, p) for p in product_ids],
    )
    return cursor.rowcount


def save_outbox_dropped(
    db: sqlite_utils.Database, outbox_id: int, *, now: int | None = None
) -> bool:
    """The creator gave up on this edit: it is never pushed."""
    cursor = db.execute(
        f"UPDATE outbox SET state = 'dropped', next_retry_at = NULL,"
        f" updated_at = coalesce(?, updated_at) WHERE id = ? AND state IN {_LIVE_SQL}",
        [now, outbox_id],
    )
    return cursor.rowcount == 1


def fetch_outbox(
    db: sqlite_utils.Database, *, include_finished: bool = True, limit: int = 1000
) -> list[dict[str, Any]]:
    """Rows for the Sync queue tab: live ones first, then the latest finished ones.

    Each row: id, kind, ref, sku_id, seller_sku, product_id, state, reason, attempts,
    next_retry_at, last_code, last_error, quantity, created_at, updated_at, done_at.
    """
    where = "" if include_finished else f" WHERE o.state IN {_LIVE_SQL}"
    cursor = db.execute(
        "SELECT o.id, o.kind, o.ref, o.ref AS sku_id, coalesce(k.seller_sku, '') AS seller_sku,"
        " o.product_id, o.state, o.reason, o.attempts, o.next_retry_at, o.last_code,"
        " o.last_error, o.quantity, o.created_at, o.updated_at, o.done_at"
        " FROM outbox o LEFT JOIN skus k ON k.id = o.ref"
        f"{where} ORDER BY CASE WHEN o.state IN {_LIVE_SQL} THEN 0 ELSE 1 END,"
        " o.updated_at DESC, o.id DESC LIMIT ?",
        [limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def fetch_outbox_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Live rows by state (pending counts rows in flight too), for status and the tab badge."""
    counts = {PENDING: 0, IN_FLIGHT: 0, FAILED: 0}
    for state, n in db.execute(
        f"SELECT state, count(*) FROM outbox WHERE state IN {_LIVE_SQL} GROUP BY state"
    ):
        counts[str(state)] = int(n)
    return counts


def fetch_next_due(db: sqlite_utils.Database, *, kind: str = STOCK) -> int | None:
    """When the next row is due: 0 for pending now (or an orphan to check), a time for the next
    retry, None for none."""
    if db.execute(
        "SELECT 1 FROM outbox WHERE kind = ? AND state = 'pending' LIMIT 1", [kind]
    ).fetchone() or fetch_orphans(db, [kind]):
        return 0
    row = db.execute(
        "SELECT min(next_retry_at) FROM outbox WHERE kind = ? AND state = 'failed'", [kind]
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])
