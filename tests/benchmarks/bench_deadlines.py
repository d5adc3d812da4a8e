"""Deadlines and health estimates over 100,000 orders (DESIGN.md section 6: <= 100 ms).

The orders are written straight into a migrated database (not timed): 60 days of orders with
the mix a busy shop has (mostly delivered, some open, late, cancelled by seller, buyer or
TikTok, some with tracking read). Timed: everything `shopdesk deadlines` and the status
fields read (counts, the three rates, the forecast, the first 500 open orders), and the
Health chart's 30 days of points. Each figure is the best of five runs (the machine is shared).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

from app.queries.deadlines import deadline_report, fetch_daily_rates
from app.store.db import open_db
from app.working_hours import WorkingHours

ORDERS = 100_000
BUDGET_MS = 100.0
DAY = 86400
NOW = 1_790_000_000


def _order(n: int, rng: random.Random) -> tuple[Any, ...]:
    created = NOW - rng.randrange(60 * DAY)
    sla = created + 2 * DAY
    status, rts, collected, cancel, who = "DELIVERED", None, None, None, ""
    roll = rng.random()
    if sla > NOW and roll < 0.6:
        status = rng.choice(["AWAITING_SHIPMENT", "ON_HOLD", "PARTIALLY_SHIPPING"])
    elif roll < 0.04:
        status, cancel = "CANCELLED", created + rng.randrange(3 * DAY)
        who = rng.choice(["SELLER", "BUYER", "SYSTEM"])
    elif sla <= NOW and roll < 0.06:
        status = "AWAITING_SHIPMENT"  # open past its deadline
    else:
        rts = created + rng.randrange(int(2.2 * DAY))
        collected = rts + rng.randrange(DAY)
        status = "AWAITING_COLLECTION" if collected > NOW else status
        collected = None if collected > NOW else collected
    return (
        f"{10**18 + n}",
        "shop",
        status,
        created,
        created,
        created + 60,
        sla,
        sla + DAY,
        sla + DAY,
        sla + 3 * DAY,
        rts if rts is None or rts <= NOW else None,
        collected,
        cancel,
        who,
        "{}",
        NOW,
    )


def build(path: Path) -> None:
    """100,000 orders and the tracking of a third of the shipped ones (not timed)."""
    rng = random.Random(17)
    db = open_db(path)
    rows = [_order(n, rng) for n in range(ORDERS)]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO orders (id, shop_id, status, create_time, update_time, paid_time,"
            " rts_sla_time, shipping_due_time, tts_sla_time, collection_due_time, rts_time,"
            " collection_time, cancel_time, cancellation_initiator, sku_summary, synced_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        db.conn.executemany(
            "INSERT INTO order_tracking (order_id, scans, checked_at) VALUES (?, ?, ?)",
            [
                (r[0], rng.choice([0, 1, 2, 3, 4]), NOW)
                for r in rows
                if r[10] and rng.random() < 0.3
            ],
        )
    db.execute("ANALYZE")
    db.close()


def best_ms(work: Any, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return min(times)


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-deadlines-") as tmp:
        path = Path(tmp) / "shopdesk.sqlite3"
        build(path)
        db = open_db(path, readonly=True)
        hours = WorkingHours(timezone="UTC")
        report = deadline_report(db, NOW, hours)
        report_ms = best_ms(lambda: deadline_report(db, NOW, hours))
        chart_ms = best_ms(lambda: fetch_daily_rates(db, NOW, 30))
        db.close()
    c, rates = report.counts, {r.name: r.value for r in report.rates}
    detail = (
        f"{ORDERS:,} orders: {c.to_ship} to ship, {c.late} late, {c.due_24h} due in 24 h; "
        + ", ".join(f"{k} {v:.3f}" for k, v in rates.items() if v is not None)
    )
    return [
        {
            "name": "deadlines + health estimates, 100k orders",
            "value": round(report_ms, 1),
            "unit": "ms",
            "budget": f"<= {BUDGET_MS:g} ms",
            "ok": report_ms <= BUDGET_MS,
            "detail": detail,
        },
        {
            "name": "health chart, 30 days of 3 rates, 100k orders",
            "value": round(chart_ms, 1),
            "unit": "ms",
            "budget": f"<= {BUDGET_MS:g} ms",
            "ok": chart_ms <= BUDGET_MS,
            "detail": "points per day for the Health tab",
        },
    ]
