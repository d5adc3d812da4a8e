"""Money budgets: reading a month of statements and transactions for 30,000 orders (API calls
and wall time against the rate-limit floor), and the Money tab's first paint over 100,000
orders' computed profit (<= 1.0 s).

The read runs against a sandbox process limited to 50 QPS: the floor is the calls made divided
by 50 (what the limit allows at best). The tab runs in its own process (money_tab_process.py)
on a database holding 100,000 orders' money rows, copied by SQL from a real read.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from app.store.db import open_db
from app.store.profit_cache import resum
from app.sync.importer import OrderImporter, default_range
from app.sync.money_sync import read_money
from app.sync.session import open_session
from tests.benchmarks.import_path import listed, ranked_costs
from tests.benchmarks.sandbox_process import ROOT, BenchShop, connected

QPS = 50
#: `SHOPDESK_BENCH_PROFILE=1 make bench`: the money read runs under cProfile (its wall then
#: counts the profiler too) and a row quotes its biggest costs, waiting left out.
PROFILE = os.environ.get("SHOPDESK_BENCH_PROFILE") == "1"
ORDERS = 30_000
TAB_ORDERS = 100_000


async def _calls(admin: httpx.AsyncClient) -> Counter[str]:
    by_path = (await admin.get("/sandbox/calls")).json()["by_path"]
    return Counter({p: int(n) for p, n in by_path.items()})


def _kind(path: str) -> str:
    if "statement_transactions" in path and "/orders/" in path:
        return "by_order"
    if "statement_transactions" in path:
        return "by_statement"
    if path.endswith("/unsettled"):
        return "unsettled"
    if path.endswith("/statements"):
        return "statements"
    return "other"


async def read_month(shop: BenchShop) -> dict[str, Any]:
    admin = httpx.AsyncClient(base_url=shop.info["api_base"], timeout=60)
    session = open_session(shop.paths, shop.settings, shop.secrets)
    try:
        start, end = default_range(time.time(), 90)
        await OrderImporter(session).run(start, end)
        await asyncio.sleep(1.1)  # the rate-limit buckets refill
        before = await _calls(admin)
        profiler = cProfile.Profile() if PROFILE else None
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        result = await read_money(session)
        if profiler is not None:
            profiler.disable()
        wall = time.perf_counter() - began
        made = await _calls(admin) - before
        kinds: Counter[str] = Counter()
        for path, n in made.items():
            kinds[_kind(path)] += n
        settled = session.db.execute(
            "SELECT count(DISTINCT order_id) FROM money_transactions WHERE type = 'ORDER'"
        ).fetchone()[0]
        orders = session.db.execute("SELECT count(*) FROM orders").fetchone()[0]
        return {
            "wall": wall,
            "calls": sum(kinds.values()),
            "kinds": dict(kinds),
            "statements": result.statements,
            "lines": result.lines,
            "settled": settled,
            "estimates": result.estimates,
            "orders": orders,
            "error": result.error,
            "profit_s": result.profit_seconds,
            "costs": None if profiler is None else ranked_costs(profiler),
        }
    finally:
        await session.aclose()
        await admin.aclose()


def fill_money(database: Path, total: int = TAB_ORDERS) -> int:
    """Copy the read orders' computed money rows under new ids until `total` are stored."""
    db = open_db(database)
    try:
        seeds = db.execute("SELECT count(*) FROM money_orders").fetchone()[0]
        if not seeds:
            raise RuntimeError("no money rows to copy")
        with db.atomic():
            for n in range(1, total // seeds + 1):
                tail = f"'-c{n}'"
                db.execute(
                    "INSERT OR IGNORE INTO money_orders SELECT order_id || " + tail + ","
                    " currency, state, create_time - ? * 37, date(create_time - ? * 37,"
                    " 'unixepoch'), revenue, platform_fees, shipping_cost, payout, cost_of_goods,"
                    " profit, estimated_payout, units_without_cost FROM money_orders"
                    " WHERE order_id NOT LIKE '%-c%' LIMIT ?",
                    [n, n, total - db.execute("SELECT count(*) FROM money_orders").fetchone()[0]],
                )
                db.execute(
                    "INSERT OR IGNORE INTO money_order_fees SELECT f.order_id || " + tail + ","
                    " f.kind, f.amount FROM money_order_fees f WHERE f.order_id NOT LIKE '%-c%'"
                    " AND f.order_id || " + tail + " IN (SELECT order_id FROM money_orders)"
                )
                db.execute(
                    "INSERT OR IGNORE INTO money_order_lines SELECT l.order_id || " + tail + ","
                    " l.seller_sku, l.currency, l.units, l.revenue, l.platform_fees, l.payout,"
                    " l.cost_of_goods FROM money_order_lines l WHERE l.order_id NOT LIKE '%-c%'"
                    " AND l.order_id || " + tail + " IN (SELECT order_id FROM money_orders)"
                )
            days = {r[0] for r in db.execute("SELECT DISTINCT day FROM money_orders")}
            skus = {r[0] for r in db.execute("SELECT DISTINCT seller_sku FROM money_order_lines")}
            resum(db, days, skus)
        return int(db.execute("SELECT count(*) FROM money_orders").fetchone()[0])
    finally:
        db.close()


def tab_paint(database: Path) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.money_tab_process", str(database)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if child.returncode != 0:
        raise RuntimeError(f"the Money tab process failed:\n{child.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return figures


def run() -> list[dict[str, Any]]:
    with connected(
        "--orders", str(ORDERS), "--qps", str(QPS), "--seed", "19", poll_interval=3600
    ) as shop:
        f = asyncio.run(read_month(shop))
        stored = fill_money(shop.paths.database)
        paint = tab_paint(shop.paths.database)
    floor = f["calls"] / QPS
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(f["kinds"].items()))
    return [
        *_costs(f),
        {
            "name": "money_read_calls",
            "value": f["calls"],
            "unit": "calls",
            "budget": "1 statements page + 1 per 100 statement lines + the unsettled pages",
            "detail": f"{kinds}; {f['statements']} statements, {f['lines']:,} lines, "
            f"{f['settled']:,} orders settled, {f['estimates']:,} estimated, "
            f"{f['orders']:,} orders stored{'; error: ' + f['error'] if f['error'] else ''}",
        },
        {
            "name": "money_read_wall",
            "value": round(f["wall"], 2),
            "unit": "s",
            "floor": round(floor, 2),
            "ratio": round((f["wall"] - f["profit_s"]) / floor, 2) if floor else None,
            "budget": f"floor: {f['calls']} calls at {QPS} QPS; ratio: the reads (profit left out)"
            + (" under cProfile" if PROFILE else ""),
            "detail": f"statements, their lines and estimates read and saved, then "
            f"{f['settled'] + f['estimates']:,} orders' profit computed in {f['profit_s']:.1f} s "
            "(once; later reads recompute only the orders they touch)",
        },
        {
            "name": "money_tab_first_paint",
            "value": round(paint["first_paint_s"], 3),
            "unit": "s",
            "budget": "<= 1.0 s",
            "detail": f"tab shown to painted over {stored:,} orders' money "
            f"({paint['days']} days, {paint['skus']} SKU rows)",
        },
    ]


def _costs(f: dict[str, Any]) -> list[dict[str, Any]]:
    """The money read's biggest costs when it ran under cProfile (none otherwise)."""
    if f["costs"] is None:
        return []
    busy, idle, costs = f["costs"]
    return [
        {
            "name": "money_read_costs_cprofile",
            "value": round(busy, 3),
            "unit": "s profiled",
            "detail": f"{idle:.2f} s waiting on the network and the rate limit left out; most "
            "time of their own: " + listed(costs, "{own_s:.3f} s, {calls:,} calls"),
            "costs": costs,
        }
    ]
