"""Shipping and cancellation writes (outbox rows with a payload), requests, and carriers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app.store import outbox

#: How long a carrier list fetched from TikTok is used before asking again (seconds).
PROVIDERS_FRESH = 86400

SHIP = "ship"
SHIPPING_INFO = "shipping_info"
CANCEL_APPROVE = "cancel_approve"
CANCEL_REJECT = "cancel_reject"
SELLER_CANCEL = "seller_cancel"
WRITE_KINDS = (SHIP, SHIPPING_INFO, CANCEL_APPROVE, CANCEL_REJECT, SELLER_CANCEL)
PENDING_REQUEST = "CANCELLATION_REQUEST_PENDING"
#: Order statuses in which a buyer's request to cancel can still be answered.
ANSWERABLE_ORDER_STATUSES = ("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING")
_ANSWERABLE_SQL = ",".join(f"'{s}'" for s in ANSWERABLE_ORDER_STATUSES)


@dataclass(frozen=True)
class Write:
    """A claimed fulfilment write: what to send, and which attempt this is."""

    item: outbox.OutboxItem
    payload: dict[str, Any]

    @property
    def kind(self) -> str:
        """ship, shipping_info, cancel_approve, cancel_reject or seller_cancel."""
        return self.item.kind

    @property
    def ref(self) -> str:
        """The order id (or cancel id for approve/reject)."""
        return self.item.ref


def save_write(
    db: sqlite_utils.Database,
    kind: str,
    ref: str,
    payload: dict[str, Any],
    *,
    now: int,
    kinds: Sequence[str] = WRITE_KINDS,
) -> int:
    """Queue a write; a live row for the same order (or request) is replaced by the new one."""
    if kind not in kinds:
        raise ValueError(f"unknown write {kind!r}")
    text = json.dumps(payload, sort_keys=True)
    with db.atomic():
        row_id = outbox.save_push_request(db, ref, "", reason=kind, now=now, kind=kind)
        db.execute("UPDATE outbox SET payload = ? WHERE id = ?", [text, row_id])
    return row_id


def save_claimed_writes(
    db: sqlite_utils.Database, *, now: int, kinds: Sequence[str] = WRITE_KINDS
) -> list[Write]:
    """Take every due write and mark it in flight, with its payload."""
    claimed: list[outbox.OutboxItem] = []
    for kind in kinds:
        claimed.extend(outbox.save_claimed(db, now=now, kind=kind))
    return fetch_payloads(db, claimed)


def fetch_payloads(db: sqlite_utils.Database, claimed: Sequence[outbox.OutboxItem]) -> list[Write]:
    """Claimed rows with what they carry."""
    if not claimed:
        return []
    marks = ",".join("?" for _ in claimed)
    payloads = dict(
        db.execute(
            f"SELECT id, payload FROM outbox WHERE id IN ({marks})", [c.id for c in claimed]
        ).fetchall()
    )
    return [Write(c, json.loads(payloads.get(c.id) or "{}")) for c in claimed]


def save_write_done(
    db: sqlite_utils.Database, write: Write, result: dict[str, Any], *, now: int
) -> None:
    """TikTok took it; keep what it answered (the package id, for instance)."""
    with db.atomic():
        outbox.save_done(db, write.item, quantity=None, now=now)
        db.execute("UPDATE outbox SET result = ? WHERE id = ?", [json.dumps(result), write.item.id])


def save_write_failed(
    db: sqlite_utils.Database,
    write: Write,
    *,
    code: int | None,
    message: str,
    retry_at: int | None,
    now: int,
) -> None:
    """It failed: retried at `retry_at`, or never (a refusal) until the creator acts."""
    outbox.save_failed(
        db, write.item, code=code, message=message, next_retry_at=retry_at, quantity=None, now=now
    )


def fetch_next_write_due(db: sqlite_utils.Database) -> int | None:
    """0 when a write is waiting now, the next retry time, or None."""
    return fetch_next_due_of(db, WRITE_KINDS)


def fetch_next_due_of(db: sqlite_utils.Database, kinds: Sequence[str]) -> int | None:
    """The same for some kinds of write."""
    times = [outbox.fetch_next_due(db, kind=kind) for kind in kinds]
    known = [t for t in times if t is not None]
    return min(known) if known else None


def fetch_writes(db: sqlite_utils.Database, ref: str) -> list[dict[str, Any]]:
    """Every write about one order (or request), newest first, for the order's detail."""
    cursor = db.execute(
        "SELECT id, kind, state, attempts, last_code, last_error, payload, result, created_at,"
        " updated_at, done_at FROM outbox WHERE ref = ? AND kind IN ("
        + ",".join("?" for _ in WRITE_KINDS)
        + ") ORDER BY id DESC",
        [ref, *WRITE_KINDS],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


# --- cancellation requests -------------------------------------------------------------------


def save_cancellations(db: sqlite_utils.Database, cancellations: Sequence[Any], *, now: int) -> int:
    """Upsert cancellations as TikTok reports them (newer update_time wins)."""
    rows = []
    for c in cancellations:
        refund = c.refund_amount
        rows.append(
            (
                c.cancel_id,
                c.order_id,
                c.cancel_type,
                c.cancel_status,
                c.role,
                c.cancel_reason,
                c.cancel_reason_text,
                c.deadline,
                None if refund is None or refund.refund_total is None else str(refund.refund_total),
                "" if refund is None else refund.currency,
                c.create_time,
                c.update_time,
                json.dumps(c.raw),
                now,
            )
        )
    db.conn.executemany(
        "INSERT INTO cancellations (cancel_id, order_id, cancel_type, status, role, reason,"
        " reason_text, deadline, refund_total, currency, create_time, update_time, raw,"
        " synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (cancel_id) DO UPDATE SET status = excluded.status,"
        " deadline = excluded.deadline, reason = excluded.reason,"
        " reason_text = excluded.reason_text, refund_total = excluded.refund_total,"
        " update_time = excluded.update_time, raw = excluded.raw, synced_at = excluded.synced_at"
        " WHERE excluded.update_time >= cancellations.update_time",
        rows,
    )
    return len(rows)


def fetch_open_requests(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Buyer requests waiting for the seller, soonest deadline first (the queue to answer)."""
    cursor = db.execute(
        "SELECT c.cancel_id, c.order_id, c.reason, c.reason_text, c.deadline, c.refund_total,"
        " c.currency, c.create_time, o.status AS order_status, o.sku_summary,"
        " (SELECT w.state FROM outbox w WHERE w.ref = c.cancel_id"
        "  AND w.kind IN ('cancel_approve', 'cancel_reject') ORDER BY w.id DESC LIMIT 1)"
        "  AS answer_state"
        " FROM cancellations c LEFT JOIN orders o ON o.id = c.order_id"
        f" WHERE c.status = ? AND (o.status IS NULL OR o.status IN ({_ANSWERABLE_SQL}))"
        " ORDER BY c.deadline IS NULL, c.deadline, c.create_time",
        [PENDING_REQUEST],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


# --- carriers ----------------------------------------------------------------------------


def save_providers(
    db: sqlite_utils.Database,
    delivery_option_id: str,
    providers: Sequence[tuple[str, str]],
    *,
    now: int,
) -> None:
    """Cache a delivery option's carriers (id, name)."""
    with db.atomic():
        db.execute(
            "DELETE FROM shipping_providers WHERE delivery_option_id = ?", [delivery_option_id]
        )
        db.conn.executemany(
            "INSERT INTO shipping_providers (delivery_option_id, id, name, fetched_at)"
            " VALUES (?, ?, ?, ?)",
            [(delivery_option_id, pid, name, now) for pid, name in providers],
        )


def fetch_providers(
    db: sqlite_utils.Database, delivery_option_id: str | None = None, *, since: int = 0
) -> list[tuple[str, str]]:
    """Cached carriers (id, name), for one delivery option or all, fetched after `since`."""
    sql = "SELECT DISTINCT id, name FROM shipping_providers WHERE fetched_at >= ?"
    args: list[Any] = [since]
    if delivery_option_id is not None:
        sql += " AND delivery_option_id = ?"
        args.append(delivery_option_id)
    return [(str(i), str(n)) for i, n in db.execute(sql + " ORDER BY name", args).fetchall()]


# --- reads for the desktop app ---------------------------------------------------------------

_ANSWER_KINDS = (CANCEL_APPROVE, CANCEL_REJECT)
_WRITE_COLUMNS = (
    "id, kind, ref, state, attempts, last_code, last_error, next_retry_at, payload, result,"
    " created_at, updated_at, done_at"
)


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def fetch_order_writes(db: sqlite_utils.Database, order_id: str) -> list[dict[str, Any]]:
    """Every write about one order, its answers to the buyer's requests too, newest first."""
    kinds = ",".join("?" for _ in WRITE_KINDS)
    cursor = db.execute(
        f"SELECT {_WRITE_COLUMNS} FROM outbox WHERE kind IN ({kinds}) AND (ref = ?"
        " OR ref IN (SELECT cancel_id FROM cancellations WHERE order_id = ?)) ORDER BY id DESC",
        [*WRITE_KINDS, order_id, order_id],
    )
    return _dicts(cursor)


def fetch_writes_by_id(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Writes by outbox id: how the ones just queued are doing."""
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    cursor = db.execute(f"SELECT {_WRITE_COLUMNS} FROM outbox WHERE id IN ({marks})", list(ids))
    return {int(row["id"]): row for row in _dicts(cursor)}


def fetch_request_orders(db: sqlite_utils.Database, cancel_ids: Sequence[str]) -> dict[str, str]:
    """The order of each cancellation request (the Sync queue names orders, not request ids)."""
    if not cancel_ids:
        return {}
    marks = ",".join("?" for _ in cancel_ids)
    rows = db.execute(
        f"SELECT cancel_id, order_id FROM cancellations WHERE cancel_id IN ({marks})",
        list(cancel_ids),
    ).fetchall()
    return {str(c): str(o) for c, o in rows}


def fetch_request_answers(
    db: sqlite_utils.Database, cancel_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The latest answer queued for each request (approve or reject), with its state and error."""
    if not cancel_ids:
        return {}
    marks = ",".join("?" for _ in cancel_ids)
    cursor = db.execute(
        f"SELECT {_WRITE_COLUMNS} FROM outbox WHERE kind IN (?, ?) AND ref IN ({marks})"
        " ORDER BY id",
        [*_ANSWER_KINDS, *cancel_ids],
    )
    return {str(row["ref"]): row for row in _dicts(cursor)}  # the newest id wins


def fetch_answered_requests(db: sqlite_utils.Database, *, since: int) -> list[dict[str, Any]]:
    """Requests answered from Shopdesk since `since` that no longer wait, newest answer first.

    Rows have the columns of `fetch_open_requests` plus status (the request's own) and
    answer_kind, answer_state, answered_at, so the queue can keep them a while as "sent".
    """
    cursor = db.execute(
        "SELECT c.cancel_id, c.order_id, c.reason, c.reason_text, c.deadline, c.refund_total,"
        " c.currency, c.create_time, o.status AS order_status, o.sku_summary, c.status,"
        " w.kind AS answer_kind, w.state AS answer_state, w.updated_at AS answered_at"
        " FROM outbox w JOIN cancellations c ON c.cancel_id = w.ref"
        " LEFT JOIN orders o ON o.id = c.order_id"
        " WHERE w.kind IN (?, ?) AND w.updated_at >= ? AND c.status != ?"
        " AND w.id = (SELECT max(x.id) FROM outbox x WHERE x.ref = w.ref AND x.kind IN (?, ?))"
        " ORDER BY w.updated_at DESC, w.id DESC",
        [*_ANSWER_KINDS, since, PENDING_REQUEST, *_ANSWER_KINDS],
    )
    return _dicts(cursor)
