"""Replay the fixture pages through the importer's per-page path and dump every stored byte.

`tests/fixtures/import_replay/pages.jsonl` holds page bodies as TikTok sends them (one a
line): new orders, the same order twice in a page (older copy second), ids and SKUs sent as
JSON numbers (some beyond 64 bits), string flags and times, null blocks, one line item id
twice in an order, updates, unchanged and stale copies, a line item that moved to another
order, cancellations before and after collection. `expected.jsonl` beside it is what the
store held after each page when the import path was last changed on purpose; regenerate it
with `python -m tests.sync.import_replay` only when stored rows are meant to change.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.store.db import open_db
from app.sync.order_saves import save_order_page
from app.tiktok.api import ShopApi
from app.tiktok.client import parse_json

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "import_replay"
PAGES = HERE / "pages.jsonl"
EXPECTED = HERE / "expected.jsonl"
SHOP = "shop"
TABLES = ("orders", "line_items", "order_raw", "stock", "stock_movements")


def pages() -> list[bytes]:
    """The fixture's page bodies, byte for byte."""
    return [line for line in PAGES.read_bytes().split(b"\n") if line]


def _counted_skus(bodies: list[bytes]) -> list[str]:
    """Every other SKU the first page names: counted ones move the ledger, the rest not."""
    skus = sorted(
        {
            str(item["sku_id"])
            for order in json.loads(bodies[0])["data"]["orders"]
            for item in order.get("line_items") or []
        }
    )
    return skus[::2]


def _dump_table(db: Any, table: str) -> list[list[Any]]:
    """Every row with its rowid and each value's SQLite type (raw JSON as its SHA-256)."""
    rows = db.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
    names = [d[0] for d in db.execute(f"SELECT rowid, * FROM {table} LIMIT 0").description]
    dumped = []
    for row in rows:
        values: list[Any] = []
        for name, value in zip(names, row, strict=True):
            if table == "order_raw" and name == "raw":
                value = hashlib.sha256(value.encode()).hexdigest()
            values.append([type(value).__name__, value])
        dumped.append(values)
    return dumped


def replay() -> list[dict[str, Any]]:
    """Each page's result, its `Changes` and the stored tables after it."""
    bodies = pages()
    states = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "replay.db")
        with db.atomic():
            db.conn.executemany(
                "INSERT INTO stock (sku_id, on_hand, estimate, counted_at, updated_at)"
                " VALUES (?, 50, 0, 0, 0)",
                [(sku,) for sku in _counted_skus(bodies)],
            )
        for n, body in enumerate(bodies, 1):
            page = ShopApi._order_page(parse_json(body)["data"])
            with db.atomic():
                result = save_order_page(db, SHOP, page.raw_orders, now=1000 + n)
            changes = result.changes
            states.append(
                {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "stale": result.stale,
                    "changes": {
                        "orders_created": sorted(changes.orders_created.items()),
                        "orders_updated": sorted(changes.orders_updated),
                        "skus": sorted(changes.skus),
                    },
                    "tables": {t: _digest(_dump_table(db, t)) for t in TABLES},
                }
            )
        states.append({"final": {t: _dump_table(db, t) for t in TABLES}})
        db.close()
    return list(json.loads(json.dumps(states)))  # as the fixture reads back: lists, no tuples


def _digest(rows: list[list[Any]]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def write_expected() -> None:
    """The replay as the fixture holds it: one JSON value a line, rows one a line."""
    states = replay()
    final = states.pop()["final"]
    lines = [json.dumps(s, ensure_ascii=False) for s in states]
    for table in TABLES:
        lines.append(json.dumps({"table": table}))
        lines.extend(json.dumps(row, ensure_ascii=False) for row in final[table])
    EXPECTED.write_text("\n".join(lines) + "\n")


def read_expected() -> list[dict[str, Any]]:
    """The fixture back in `replay()`'s shape."""
    states: list[dict[str, Any]] = []
    final: dict[str, list[Any]] = {}
    table = ""
    for line in EXPECTED.read_text().splitlines():
        value = json.loads(line)
        if isinstance(value, dict) and "table" in value:
            table = value["table"]
            final[table] = []
        elif table:
            final[table].append(value)
        else:
            states.append(value)
    return [*states, {"final": final}]


if __name__ == "__main__":
    write_expected()
    print(f"wrote {EXPECTED}", file=sys.stderr)
