"""Ship-by clocks, shop health estimates and the forecast, as Orders, Health, `shopdesk
deadlines` and `status --json` read them (DESIGN.md section 2 flow 7 and section 5)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.store.connection import Readable
from app.store.deadlines import (
    ClockCounts,
    OrderClock,
    fetch_clock_counts,
    fetch_open_clocks,
    fetch_ship_by,
)
from app.store.shop_health import (
    LDR_LIMIT,
    WINDOW_DAYS,
    Rate,
    fetch_daily_rates,
    fetch_rates,
    fetch_window_due,
)
from app.working_hours import WorkingHours

if TYPE_CHECKING:
    import sqlite_utils

__all__ = [
    "ESTIMATE_NOTE",
    "ClockCounts",
    "DeadlineReport",
    "Forecast",
    "OrderClock",
    "Rate",
    "clock_state",
    "deadline_fields",
    "deadline_report",
    "fetch_daily_rates",
    "fetch_due_counts",
    "fetch_open_clocks",
    "fetch_ship_by",
    "health_fields",
]

ESTIMATE_NOTE = (
    "Estimates from this shop's own orders, following TikTok's published definitions; "
    "TikTok's own scores (Seller Center) may differ."
)
HOUR = 3600


@dataclass(frozen=True, slots=True)
class Forecast:
    """What the next hand-over decides for the late dispatch rate."""

    handover: int | None
    order_ids: tuple[str, ...]
    #: The rate if every one of them ships by the hand-over, and if none does.
    rate_if_shipped: float | None
    rate_if_missed: float | None
    #: How many of them may miss it with the rate still at or under TikTok's 4%.
    may_miss: int

    def sentence(self, when: str) -> str:
        """ "Ship these 14 orders by 15:00 to stay under 4% this week." """
        if not self.order_ids:
            return "No orders are due before the next hand-over."
        n = len(self.order_ids)
        these = "this order" if n == 1 else f"these {n} orders"
        if self.may_miss >= n:
            return f"{these.capitalize()} due by {when}: the late dispatch rate stays under 4%."
        return f"Ship {these} by {when} to stay under 4% this week."


@dataclass(frozen=True, slots=True)
class DeadlineReport:
    """Everything the deadline views show, read in one visit."""

    now: int
    counts: ClockCounts
    handovers: tuple[int, ...]
    rates: tuple[Rate, ...]
    forecast: Forecast
    orders: tuple[OrderClock, ...]


def clock_state(ship_by: int | None, now: int) -> str:
    """`late`, `due_4h`, `due_24h` or empty: the colour of a ship-by cell."""
    if ship_by is None:
        return ""
    if ship_by <= now:
        return "late"
    if ship_by <= now + 4 * HOUR:
        return "due_4h"
    if ship_by <= now + 24 * HOUR:
        return "due_24h"
    return ""


def _forecast(db: sqlite_utils.Database, now: int, ldr: Rate, handover: int | None) -> Forecast:
    if handover is None:
        return Forecast(None, (), ldr.value, ldr.value, 0)
    due = tuple(fetch_window_due(db, now, handover))
    judged = ldr.judged + len(due)
    if not judged:
        return Forecast(handover, due, None, None, 0)
    may_miss = max(0, math.floor(LDR_LIMIT * judged + 1e-9) - ldr.bad)
    return Forecast(handover, due, ldr.bad / judged, (ldr.bad + len(due)) / judged, may_miss)


def deadline_report(
    db: sqlite_utils.Database, now: int, hours: WorkingHours, *, limit: int = 500
) -> DeadlineReport:
    """Clocks, estimates and the forecast at `now` (UTC seconds)."""
    handovers = tuple(hours.handovers(now, 2))
    pair = (handovers[0], handovers[1]) if len(handovers) == 2 else None
    counts = fetch_clock_counts(db, now, pair)
    rates = tuple(fetch_rates(db, now))
    forecast = _forecast(db, now, rates[0], handovers[0] if handovers else None)
    orders = tuple(fetch_open_clocks(db, limit=limit))
    return DeadlineReport(now, counts, handovers, rates, forecast, orders)


def fetch_due_counts(db: Readable, now: int) -> ClockCounts:
    """Late and due counts alone (the queue list's), without packing hours."""
    return fetch_clock_counts(db, now, None)


def deadline_fields(counts: ClockCounts) -> dict[str, int | None]:
    """`status --json`'s `deadlines` object (DESIGN.md section 5)."""
    return {
        "late": counts.late,
        "due_4h": counts.due_4h,
        "due_24h": counts.due_24h,
        "next_due": counts.next_due,
        "at_risk": counts.at_risk,
        "due_next_handover": counts.due_next,
        "to_ship": counts.to_ship,
    }


def health_fields(rates: tuple[Rate, ...] | list[Rate]) -> dict[str, object]:
    """`status --json`'s `health` object: rates as fractions 0..1, null with nothing judged."""
    out: dict[str, object] = {"window_days": WINDOW_DAYS}
    for rate in rates:
        out[rate.name] = rate.value
    return out
