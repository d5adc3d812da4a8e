"""Notices before a deadline is missed, not after (DESIGN.md section 2 flow 7).

Checked every minute by the engine: orders still to ship reaching 24 h / 4 h / 1 h before
their ship-by time (one grouped notice per lead, each order told once per lead), a rate
passing its warning level (once a day while it stays past), and a morning summary at the
start of packing hours. Nothing is sent during quiet hours; what came due then is told when
they end (only the tightest lead each order reached).
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from app.config import Settings
from app.store.deadline_notices import (
    MORNING,
    RATE,
    fetch_unannounced,
    record_notices,
    was_sent,
)
from app.store.deadlines import fetch_clock_counts
from app.store.fulfillment import fetch_open_requests
from app.store.shop_health import Rate, fetch_rates
from app.sync.outlet import Notice

DEADLINE_DUE, RATE_WARNING, MORNING_SUMMARY = "deadline_due", "rate_warning", "morning_summary"
#: Where a click leads: the To ship queue (sorted by ship-by), or Health.
TO_SHIP, HEALTH = "to_ship", "health"
_RATE_WORDS = {
    "late_dispatch_rate": "Late dispatch",
    "seller_fault_cancellation_rate": "Seller-fault cancellations",
    "valid_tracking_rate": "Valid tracking",
}


def _span(seconds: int) -> str:
    hours = seconds / 3600
    return f"{hours:g} h" if hours >= 1 else f"{seconds // 60} min"


def _due_notices(db: sqlite_utils.Database, now: int, settings: Settings) -> list[Notice]:
    leads = settings.deadline_alerts.lead_seconds()
    found = fetch_unannounced(db, now, leads)
    notices, told = [], []
    for lead in sorted(found):
        orders = found[lead]
        n = len(orders)
        first_id, first_sla = orders[0]
        noun = "order" if n == 1 else "orders"
        notices.append(
            Notice(
                DEADLINE_DUE,
                f"{n} {noun} must ship within {_span(lead)}; the soonest, {first_id}, in "
                f"{_span(max(60, first_sla - now))}.",
                first_sla,
                TO_SHIP,
            )
        )
        told += [(order_id, sla, lead) for order_id, sla in orders]
    if told:
        record_notices(db, told, now)
    return notices


def _warning_level(rate: Rate, settings: Settings) -> float:
    a = settings.deadline_alerts
    return {
        "late_dispatch_rate": a.late_dispatch_warning,
        "seller_fault_cancellation_rate": a.seller_fault_warning,
        "valid_tracking_rate": a.valid_tracking_warning,
    }[rate.name]


def _rate_notices(
    db: sqlite_utils.Database, now: int, day: int, settings: Settings
) -> list[Notice]:
    notices = []
    for rate in fetch_rates(db, now):
        value, level = rate.value, _warning_level(rate, settings)
        if value is None or (value <= level if rate.ceiling else value >= level):
            continue
        key = f"rate:{rate.name}"
        if was_sent(db, key, day, RATE):
            continue
        record_notices(db, [(key, day, RATE)], now)
        side = "TikTok's limit" if rate.ceiling else "TikTok's floor"
        notices.append(
            Notice(
                RATE_WARNING,
                f"{_RATE_WORDS[rate.name]} is at {value * 100:.1f}% (estimate); {side} is "
                f"{rate.limit * 100:g}%. Orders that moved it: {', '.join(rate.movers[:5])}.",
                now,
                HEALTH,
            )
        )
    return notices


def _morning(db: sqlite_utils.Database, now: int, day: int, settings: Settings) -> list[Notice]:
    hours = settings.working_hours
    local = dt.datetime.fromtimestamp(now, hours.zone())
    if local.weekday() not in hours.days or local.strftime("%H:%M") < hours.start:
        return []
    if was_sent(db, "morning", day, MORNING):
        return []
    record_notices(db, [("morning", day, MORNING)], now)
    handovers = hours.handovers(now, 2)
    pair = (handovers[0], handovers[1]) if len(handovers) == 2 else None
    c = fetch_clock_counts(db, now, pair)
    requests = len(fetch_open_requests(db)) if "cancellations" in db.table_names() else 0
    return [
        Notice(
            MORNING_SUMMARY,
            f"Today: {c.at_risk + c.due_next} to ship by the hand-over, {c.late} late, "
            f"{requests} cancellation requests to answer.",
            now,
            TO_SHIP,
        )
    ]


def check_deadlines(db: sqlite_utils.Database, now: int, settings: Settings) -> list[Notice]:
    """The notices due at `now` (recorded as sent); none while alerts are off or quiet."""
    alerts = settings.deadline_alerts
    zone = settings.working_hours.zone()
    if not alerts.enabled or alerts.quiet(now, zone):
        return []
    local = dt.datetime.fromtimestamp(now, zone)
    day = int(dt.datetime.combine(local.date(), dt.time(), zone).timestamp())
    notices = _morning(db, now, day, settings) if alerts.morning_summary else []
    notices += _due_notices(db, now, settings)
    return notices + _rate_notices(db, now, day, settings)
