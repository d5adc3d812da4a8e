"""Estimates of the rates TikTok judges a shop by (FACTS.md 9.6), from the shop's own orders.

TikTok has no API for them; these follow the published definitions over rolling windows:
- late dispatch: orders whose `rts_sla_time` lies in the window and has passed, shipped after
  it or not at all (orders cancelled before their deadline are not judged);
- seller-fault cancellation: paid orders created in the window and cancelled by the seller,
  or by TikTok because the seller missed `shipping_due_time`;
- valid tracking: orders shipped in the window whose tracking (Get Tracking) was read, with at
  least two carrier scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.store.deadlines import TO_SHIP_WHERE

if TYPE_CHECKING:
    import sqlite_utils

DAY = 86400
#: TikTok's late-dispatch window (DESIGN.md section 5); the other rates use the same.
WINDOW_DAYS = 7
LDR_LIMIT = 0.04
SFCR_LIMIT = 0.025
VTR_FLOOR = 0.95
#: A shipped order's tracking is judged once the carrier has had this long to scan it twice.
TRACKING_GRACE = 2 * DAY
MOVERS_LIMIT = 50

_LDR_JUDGED = (
    "rts_sla_time > :start AND rts_sla_time <= :now"
    " AND NOT (status = 'CANCELLED' AND coalesce(rts_time, collection_time) IS NULL"
    " AND cancel_time IS NOT NULL AND cancel_time < rts_sla_time)"
)
_LDR_LATE = (
    "(coalesce(rts_time, collection_time) IS NULL"
    " OR coalesce(rts_time, collection_time) > rts_sla_time)"
)
_SFCR_JUDGED = "create_time > :start AND create_time <= :now AND paid_time IS NOT NULL"
_SFCR_FAULT = (
    "status = 'CANCELLED' AND (cancellation_initiator = 'SELLER'"
    " OR (cancellation_initiator = 'SYSTEM' AND rts_time IS NULL"
    " AND shipping_due_time IS NOT NULL AND cancel_time >= shipping_due_time))"
)
_VTR_JUDGED = "o.rts_time > :start AND o.rts_time <= :now - :grace AND t.order_id IS NOT NULL"
_VTR_VALID = "t.scans >= 2"


@dataclass(frozen=True, slots=True)
class Rate:
    """One estimate: `bad` of `judged` orders (None when nothing is judged yet)."""

    name: str
    judged: int
    bad: int
    limit: float
    #: True: the rate must stay at or under `limit`; False: at or above it.
    ceiling: bool
    movers: tuple[str, ...]

    @property
    def value(self) -> float | None:
        """The fraction 0..1 of DESIGN.md section 5 (valid tracking counts the good ones)."""
        if not self.judged:
            return None
        counted = self.bad if self.ceiling else self.judged - self.bad
        return counted / self.judged

    @property
    def breached(self) -> bool:
        """Past TikTok's threshold."""
        v = self.value
        return v is not None and (v > self.limit if self.ceiling else v < self.limit)


def _rate(
    db: sqlite_utils.Database,
    name: str,
    table: str,
    judged: str,
    bad: str,
    params: dict[str, int],
    limit: float,
    ceiling: bool = True,
) -> Rate:
    row = db.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {bad}) FROM {table} WHERE {judged}", params
    ).fetchone()
    ids = db.execute(
        f"SELECT o.id FROM {table} WHERE {judged} AND {bad} ORDER BY o.id LIMIT {MOVERS_LIMIT}",
        params,
    ).fetchall()
    return Rate(name, row[0], row[1], limit, ceiling, tuple(r[0] for r in ids))


def late_dispatch(db: sqlite_utils.Database, now: int, days: int = WINDOW_DAYS) -> Rate:
    """Late dispatch rate over the window ending `now`."""
    params = {"start": now - days * DAY, "now": now}
    return _rate(db, "late_dispatch_rate", "orders o", _LDR_JUDGED, _LDR_LATE, params, LDR_LIMIT)


def seller_fault_cancellation(db: sqlite_utils.Database, now: int, days: int = WINDOW_DAYS) -> Rate:
    """Seller-fault cancellation rate over the window ending `now`."""
    params = {"start": now - days * DAY, "now": now}
    return _rate(
        db,
        "seller_fault_cancellation_rate",
        "orders o",
        _SFCR_JUDGED,
        _SFCR_FAULT,
        params,
        SFCR_LIMIT,
    )


def valid_tracking(db: sqlite_utils.Database, now: int, days: int = WINDOW_DAYS) -> Rate:
    """Valid tracking rate over the window ending `now` (orders whose tracking was read)."""
    params = {"start": now - days * DAY, "now": now, "grace": TRACKING_GRACE}
    table = "orders o LEFT JOIN order_tracking t ON t.order_id = o.id"
    bad = f"NOT ({_VTR_VALID})"
    return _rate(db, "valid_tracking_rate", table, _VTR_JUDGED, bad, params, VTR_FLOOR, False)


def fetch_rates(db: sqlite_utils.Database, now: int, days: int = WINDOW_DAYS) -> list[Rate]:
    """The three estimates over the same window."""
    return [
        late_dispatch(db, now, days),
        seller_fault_cancellation(db, now, days),
        valid_tracking(db, now, days),
    ]


_DAILY = (
    ("late_dispatch_rate", "orders o", _LDR_JUDGED, _LDR_LATE),
    ("seller_fault_cancellation_rate", "orders o", _SFCR_JUDGED, _SFCR_FAULT),
    (
        "valid_tracking_rate",
        "orders o LEFT JOIN order_tracking t ON t.order_id = o.id",
        _VTR_JUDGED,
        f"NOT ({_VTR_VALID})",
    ),
)


def fetch_daily_rates(
    db: sqlite_utils.Database, now: int, days: int = 30, utc_offset: int = 0
) -> dict[str, list[tuple[int, int, int]]]:
    """Per local day (its start in UTC seconds), judged and bad orders of each rate, the last
    `days` days: the Health chart's points (days with nothing judged are left out).

    One range count per day reads the covering index in order (a GROUP BY on the day would
    sort every row first)."""
    today = (now + utc_offset) // DAY * DAY - utc_offset
    out: dict[str, list[tuple[int, int, int]]] = {}
    for name, table, judged, bad in _DAILY:
        sql = f"SELECT count(*), count(*) FILTER (WHERE {bad}) FROM {table} WHERE {judged}"
        points = []
        for back in range(days - 1, -1, -1):
            start = today - back * DAY
            params = {"start": start, "now": min(now, start + DAY), "grace": TRACKING_GRACE}
            judged_n, bad_n = db.execute(sql, params).fetchone()
            if judged_n:
                points.append((start, judged_n, bad_n))
        out[name] = points
    return out


def fetch_window_due(db: sqlite_utils.Database, now: int, until: int) -> list[str]:
    """Orders still to ship whose ship-by falls after `now` and by `until`, soonest first."""
    rows = db.execute(
        f"SELECT id FROM orders INDEXED BY orders_to_ship WHERE {TO_SHIP_WHERE}"
        " AND rts_sla_time > ? AND rts_sla_time <= ? ORDER BY rts_sla_time, id",
        [now, until],
    ).fetchall()
    return [r[0] for r in rows]
