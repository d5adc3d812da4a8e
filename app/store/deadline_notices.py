"""Which deadline notices were sent, so each is sent once (not once per poll or per start)."""

from __future__ import annotations

import sqlite_utils

from app.store.deadlines import TO_SHIP_WHERE

#: `lead_seconds` of the rows that are not about one order's ship-by time.
MORNING, RATE = -1, -2


def fetch_unannounced(
    db: sqlite_utils.Database, now: int, leads: list[int]
) -> dict[int, list[tuple[str, int]]]:
    """Orders still to ship by lead (tightest first) whose ship-by is within that lead and who
    were not yet told about it: each order under the tightest lead it has reached."""
    if not leads:
        return {}
    rows = db.execute(
        f"SELECT id, rts_sla_time FROM orders INDEXED BY orders_to_ship WHERE {TO_SHIP_WHERE}"
        " AND rts_sla_time > ? AND rts_sla_time <= ? ORDER BY rts_sla_time, id",
        [now, now + max(leads)],
    ).fetchall()
    told = {
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT order_id, rts_sla_time, lead_seconds FROM deadline_notices"
            " WHERE lead_seconds > 0 AND rts_sla_time > ?",
            [now],
        ).fetchall()
    }
    out: dict[int, list[tuple[str, int]]] = {}
    for order_id, sla in rows:
        lead = next(lead for lead in leads if sla - now <= lead)
        if (order_id, sla, lead) not in told:
            out.setdefault(lead, []).append((order_id, sla))
    return out


def record_notices(
    db: sqlite_utils.Database, rows: list[tuple[str, int, int]], sent_at: int
) -> None:
    """Remember (order or key, time, lead) as told."""
    with db.atomic():
        db.conn.executemany(
            "INSERT OR IGNORE INTO deadline_notices (order_id, rts_sla_time, lead_seconds,"
            " sent_at) VALUES (?, ?, ?, ?)",
            [(*r, sent_at) for r in rows],
        )


def was_sent(db: sqlite_utils.Database, key: str, day: int, kind: int) -> bool:
    """Whether a once-a-day notice (morning summary, a rate's warning) went out that day."""
    row = db.execute(
        "SELECT 1 FROM deadline_notices WHERE order_id = ? AND rts_sla_time = ?"
        " AND lead_seconds = ?",
        [key, day, kind],
    ).fetchone()
    return row is not None
