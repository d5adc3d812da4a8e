"""`shopdesk deadlines [--json]`: open orders by time left, late and due counts, shop health."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from typing import Any

from app.commands.common import EXIT_OK, iso
from app.config import Paths, SettingsError, load_settings
from app.queries.db import open_readonly
from app.queries.deadlines import (
    ESTIMATE_NOTE,
    DeadlineReport,
    OrderClock,
    clock_state,
    deadline_fields,
    deadline_report,
    health_fields,
)
from app.working_hours import WorkingHours


def working_hours(p: Paths) -> WorkingHours:
    """The settings' packing hours; a damaged settings file falls back to the defaults."""
    try:
        return load_settings(p).working_hours
    except SettingsError:
        return WorkingHours()


def read_report(p: Paths, now: int | None = None) -> DeadlineReport | None:
    """The report at `now`, or None before any database exists."""
    if not p.database.exists():
        return None
    db = open_readonly(p.database)
    try:
        return deadline_report(db, int(time.time()) if now is None else now, working_hours(p))
    finally:
        db.close()


def status_parts(report: DeadlineReport | None) -> dict[str, Any]:
    """The `deadlines` and `health` objects of `status --json`."""
    if report is None:
        return {
            "deadlines": {"late": 0, "due_4h": 0, "due_24h": 0, "next_due": None},
            "health": health_fields([]) | _null_rates(),
        }
    deadlines: dict[str, Any] = deadline_fields(report.counts)
    deadlines["next_due"] = iso(report.counts.next_due)
    return {"deadlines": deadlines, "health": health_fields(report.rates)}


def _null_rates() -> dict[str, None]:
    return dict.fromkeys(
        ("late_dispatch_rate", "seller_fault_cancellation_rate", "valid_tracking_rate")
    )


def _order_row(o: OrderClock, now: int) -> dict[str, Any]:
    return {
        "order_id": o.order_id,
        "status": o.status,
        "ship_by": iso(o.ship_by),
        "collect_by": iso(o.collect_by),
        "cancel_at": iso(o.cancel_at),
        "seconds_left": None
        if (o.ship_by or o.collect_by) is None
        else (o.ship_by or o.collect_by or 0) - now,
        "state": clock_state(o.ship_by if o.ship_by is not None else o.collect_by, now),
        "on_hold": o.on_hold,
    }


def as_json(report: DeadlineReport | None) -> dict[str, Any]:
    """The `deadlines --json` object."""
    parts = status_parts(report)
    if report is None:
        return {**parts, "rates": [], "forecast": None, "orders": [], "note": ESTIMATE_NOTE}
    f = report.forecast
    return {
        **parts,
        "now": iso(report.now),
        "next_handovers": [iso(h) for h in report.handovers],
        "rates": [
            {
                "name": r.name,
                "value": r.value,
                "threshold": r.limit,
                "judged": r.judged,
                "counted": r.bad,
                "breached": r.breached,
                "orders": list(r.movers),
            }
            for r in report.rates
        ],
        "forecast": {
            "handover": iso(f.handover),
            "orders": list(f.order_ids),
            "rate_if_shipped": f.rate_if_shipped,
            "rate_if_missed": f.rate_if_missed,
            "may_miss": f.may_miss,
            "text": f.sentence(_local(f.handover)),
        },
        "orders": [_order_row(o, report.now) for o in report.orders],
        "note": ESTIMATE_NOTE,
    }


def _local(moment: int | None) -> str:
    if moment is None:
        return "the next hand-over"
    return dt.datetime.fromtimestamp(moment).astimezone().strftime("%a %H:%M")


def _percent(value: float | None) -> str:
    return "no orders to judge yet" if value is None else f"{value * 100:.1f}%"


def render(report: DeadlineReport | None) -> str:
    """The report for a person."""
    if report is None:
        return "No orders yet."
    c = report.counts
    lines = [
        f"To ship: {c.to_ship}  late {c.late}  at risk {c.at_risk}  due within 4 h {c.due_4h}"
        f"  within 24 h {c.due_24h}  awaiting collection {c.to_collect} ({c.collect_late} late)",
        report.forecast.sentence(_local(report.forecast.handover)),
        "",
    ]
    for r in report.rates:
        side = "at most" if r.ceiling else "at least"
        flag = "  PAST THRESHOLD" if r.breached else ""
        lines.append(
            f"{r.name.replace('_', ' ')}: {_percent(r.value)} ({r.bad} of {r.judged}),"
            f" TikTok asks {side} {r.limit * 100:g}%{flag}"
        )
    lines += [ESTIMATE_NOTE, ""]
    for o in report.orders[:50]:
        row = _order_row(o, report.now)
        lines.append(
            f"{o.order_id}  {o.status:<20} ship by {row['ship_by'] or '-':<21}"
            f" {row['state'] or ''}{'  ON HOLD' if o.on_hold else ''}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace, p: Paths) -> int:
    """Print the deadlines report."""
    report = read_report(p)
    print(json.dumps(as_json(report)) if args.json else render(report))
    return EXIT_OK
