"""Parse + upsert against its floor, in the same process and run, and what the path spends.

Shopdesk's import path here is what the importer does with each page it receives
(import_path.ImportTarget: parse, `save_order_page` with the ledger, the job's progress, the
page's `Changes`). Its floor (upsert_floor.py) parses
the same pages with orjson and writes the rows Shopdesk stored into a copy of Shopdesk's schema
with plain `sqlite3`. The two alternate, three times each, on fresh database files.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tests.benchmarks import import_path
from tests.benchmarks.bench_orders import sandbox_pages
from tests.benchmarks.figures import median, shown_runs, spread
from tests.benchmarks.import_path import ImportTarget, page_skus
from tests.benchmarks.upsert_floor import (
    FloorPlan,
    FloorWriter,
    check_same_rows,
    pragmas,
    row_counts,
    schema_statements,
    written_tables,
)

ORDERS = 10_000
REPEATS = 3
RATIO_BUDGET = 0.7
RATE_BUDGET = 10_000


@dataclass
class Repetition:
    """One run of both, page by page in turn: Shopdesk, the floor, then Shopdesk unchanged."""

    insert_s: float
    floor_s: float
    unchanged_s: float
    floor: str

    @property
    def ratio(self) -> float:
        return self.floor_s / self.insert_s


def order_ids(pages: list[bytes]) -> list[list[str]]:
    """Which orders each page holds, so the floor puts every stored row in its page."""
    return [[str(o["id"]) for o in orjson.loads(p)["data"]["orders"]] for p in pages]


def prepare(pages: list[bytes], skus: list[str]) -> FloorPlan:
    """One untimed Shopdesk pass into a database it creates: the floor copies what it made."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shopdesk.db"
        target = ImportTarget.open(path, skus)
        conn = target.db.conn
        before = row_counts(conn)
        statements, copied = schema_statements(conn), pragmas(conn)
        target.run(pages)
        target.close()
        return FloorPlan(statements, copied, written_tables(path, before, order_ids(pages)))


def repetition(pages: list[bytes], skus: list[str], plan: FloorPlan) -> Repetition:
    """Both on fresh files, taking turns page by page so the machine's noise hits both alike."""
    with tempfile.TemporaryDirectory() as tmp:
        target = ImportTarget.open(Path(tmp) / "shopdesk.db", skus)
        floor = FloorWriter(Path(tmp) / "floor.db", plan)
        ours = theirs = 0.0
        for n, page in enumerate(pages):
            if n % 2:
                theirs += floor.write_page(n, page)
                ours += target.page(page)
            else:
                ours += target.page(page)
                theirs += floor.write_page(n, page)
        unchanged = target.run(pages)
        check_same_rows(target.db.conn, plan.tables, "this run of Shopdesk")
        floor.close()
        target.close()
    return Repetition(ours, theirs, unchanged, floor.describe())


def run() -> list[dict[str, Any]]:
    pages = sandbox_pages(ORDERS)
    skus = page_skus(pages)
    plan = prepare(pages, skus)
    reps = [repetition(pages, skus, plan) for _ in range(REPEATS)]
    rates = [ORDERS / r.insert_s for r in reps]
    floors = [ORDERS / r.floor_s for r in reps]
    ratios = [r.ratio for r in reps]
    rate, floor, ratio = median(rates), median(floors), median(ratios)
    applies = floor >= RATE_BUDGET
    rate_met = rate >= (RATE_BUDGET if applies else RATIO_BUDGET * floor)
    middle = sorted(reps, key=lambda r: r.ratio)[len(reps) // 2]
    items = next((t.rows for t in plan.tables if t.name == "line_items"), 0)
    unchanged = median([ORDERS / r.unchanged_s for r in reps])
    rows = [
        {
            "name": "parse_and_upsert",
            "value": round(rate),
            "unit": "orders/s",
            "floor": round(floor),
            "ratio": round(ratio, 3),
            "runs": [round(r) for r in rates],
            "spread": round(spread(rates), 3),
            "budget": f">= {RATE_BUDGET:,} orders/s"
            + ("" if applies else f" (floor {floor:,.0f}/s: judged as >= {RATIO_BUDGET} x floor)"),
            "met": rate_met,
            "detail": f"new orders: {rate / 5000:.2f}x TikTok's ceiling of 5,000/s "
            f"(50 QPS x 100); {unchanged:,.0f}/s when unchanged; "
            f"{items / ORDERS:.1f} line items per order; runs " + shown_runs(rates, "{:,.0f}"),
        },
        {
            "name": "parse_and_upsert_vs_floor",
            "value": round(ratio, 3),
            "unit": "x floor",
            "floor": round(floor),
            "floor_unit": "orders/s",
            "ratio": round(ratio, 3),
            "runs": [round(r, 3) for r in ratios],
            "spread": round(spread(ratios), 3),
            "budget": f">= {RATIO_BUDGET} x floor",
            "met": ratio >= RATIO_BUDGET,
            "detail": f"{ORDERS:,} new orders in {len(pages)} pages, one transaction each; "
            f"Shopdesk {rate:,.0f}/s vs floor {floor:,.0f}/s (orjson + plain sqlite3 "
            f"executemany, same schema and pragmas); {middle.floor}; runs " + shown_runs(ratios),
        },
    ]
    return rows + import_path.rows(pages, skus)


if __name__ == "__main__":
    for row in run():
        print(row)
