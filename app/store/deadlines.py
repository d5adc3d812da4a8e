"""The clocks of open orders (FACTS.md 9.5), read with range counts on indexed columns.

An order still to ship is ON_HOLD, AWAITING_SHIPMENT or PARTIALLY_SHIPPING without `rts_time`;
its clock is `rts_sla_time` (ship by) and TikTok cancels it at `shipping_due_time`. An order
awaiting collection runs on `tts_sla_time` (collected by) and `collection_due_time`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.store.connection import Readable

if TYPE_CHECKING:
    import sqlite_utils


TO_SHIP = ("ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING")
TO_COLLECT = ("AWAITING_COLLECTION",)
TO_SHIP_WHERE = (
    "status IN ('ON_HOLD', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPING') AND rts_time IS NULL"
)
_TO_COLLECT_SQL = "status = 'AWAITING_COLLECTION' AND collection_time IS NULL"


@dataclass(frozen=True, slots=True)
class ClockCounts:
    """Open orders by time left to ship; each bound is exclusive of the ones before it."""

    to_ship: int
    late: int
    #: Not late, ship-by before the next hand-over: nobody packs in time unless they act now.
    at_risk: int
    #: Not late, ship-by before the hand-over after next: must go with the next one.
    due_next: int
    due_4h: int
    due_24h: int
    no_clock: int
    next_due: int | None
    to_collect: int
    collect_late: int


@dataclass(frozen=True, slots=True)
class OrderClock:
    """One open order's clocks (UTC seconds, None: TikTok has not set it)."""

    order_id: str
    status: str
    buyer_name: str
    create_time: int
    ship_by: int | None
    collect_by: int | None
    cancel_at: int | None
    on_hold: bool


def fetch_clock_counts(db: Readable, now: int, handovers: tuple[int, int] | None) -> ClockCounts:
    """Late, at risk, due-next and due-within counts of orders still to ship or collect."""
    first, second = handovers if handovers is not None else (now, now)
    row = db.execute(
        f"""
        SELECT count(*),
               count(*) FILTER (WHERE rts_sla_time <= :now),
               count(*) FILTER (WHERE rts_sla_time > :now AND rts_sla_time < :first),
               count(*) FILTER (WHERE rts_sla_time >= :first AND rts_sla_time > :now
                                AND rts_sla_time < :second),
               count(*) FILTER (WHERE rts_sla_time > :now AND rts_sla_time <= :now + 14400),
               count(*) FILTER (WHERE rts_sla_time > :now AND rts_sla_time <= :now + 86400),
               count(*) FILTER (WHERE rts_sla_time IS NULL),
               min(rts_sla_time) FILTER (WHERE rts_sla_time > :now)
        FROM orders INDEXED BY orders_to_ship WHERE {TO_SHIP_WHERE}
        """,
        {"now": now, "first": first, "second": second},
    ).fetchone()
    collect = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE tts_sla_time <= ?)"
        " FROM orders INDEXED BY orders_to_collect"
        f" WHERE {_TO_COLLECT_SQL}",
        [now],
    ).fetchone()
    to_ship, late, at_risk, due_next, due_4h, due_24h, no_clock, next_due = row
    return ClockCounts(
        to_ship, late, at_risk, due_next, due_4h, due_24h, no_clock, next_due, *collect
    )


_CLOCK_COLUMNS = (
    "id, status, buyer_name, create_time, {ship_by}, tts_sla_time, {cancel_at},"
    " status = 'ON_HOLD' OR is_on_hold_order"
)


def _clocks(db: sqlite_utils.Database, sql: str, params: list[object]) -> list[OrderClock]:
    rows = db.execute(sql, params).fetchall()
    return [OrderClock(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7])) for r in rows]


def fetch_open_clocks(
    db: sqlite_utils.Database, *, until: int | None = None, limit: int = 500
) -> list[OrderClock]:
    """Orders still to ship (by ship-by) and to collect (by collect-by), soonest deadline
    first, orders without a clock last (`until`: due by then only)."""
    bound = "" if until is None else " AND {key} <= ?"
    extra: list[object] = [] if until is None else [until]
    ship = _clocks(
        db,
        f"SELECT {_CLOCK_COLUMNS.format(ship_by='rts_sla_time', cancel_at='shipping_due_time')}"
        f" FROM orders INDEXED BY orders_to_ship"
        f" WHERE {TO_SHIP_WHERE}{bound.format(key='rts_sla_time')}"
        " ORDER BY rts_sla_time IS NULL, rts_sla_time, id LIMIT ?",
        [*extra, limit],
    )
    collect = _clocks(
        db,
        f"SELECT {_CLOCK_COLUMNS.format(ship_by='NULL', cancel_at='collection_due_time')}"
        f" FROM orders INDEXED BY orders_to_collect"
        f" WHERE {_TO_COLLECT_SQL}{bound.format(key='tts_sla_time')}"
        " ORDER BY tts_sla_time IS NULL, tts_sla_time, id LIMIT ?",
        [*extra, limit],
    )

    def key(o: OrderClock) -> tuple[bool, int, str]:
        clock = o.ship_by if o.ship_by is not None else o.collect_by
        return (clock is None, clock or 0, o.order_id)

    return sorted(ship + collect, key=key)[:limit]


def fetch_ship_by(db: sqlite_utils.Database, order_ids: list[str]) -> dict[str, int | None]:
    """Each named order's ship-by time, for the orders list's "Ship by" column."""
    if not order_ids:
        return {}
    marks = ",".join("?" * len(order_ids))
    rows = db.execute(
        f"SELECT id, rts_sla_time FROM orders WHERE id IN ({marks})", order_ids
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def fetch_request_deadline(db: sqlite_utils.Database, cancel_id: str) -> int | None:
    """When TikTok decides a buyer's cancellation request by itself (None: no deadline)."""
    row = db.execute(
        "SELECT deadline FROM cancellations WHERE cancel_id = ?", [cancel_id]
    ).fetchone()
    return None if row is None else row[0]
