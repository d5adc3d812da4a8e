"""The typed stored order (`fetch_order`), its raw JSON apart, and migration 0007 on old data."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from app.sandbox import Sandbox, SandboxConfig
from app.store.backup import backup_dir
from app.store.db import open_db
from app.store.migrations import MIGRATIONS
from app.store.orders import fetch_order_raw, raw_text, save_orders
from app.store.stock_levels import fetch_committed
from app.store.stock_rules import stock_state
from app.store.stored_orders import fetch_order, fetch_orders
from tests.spec_files import spec

DEADLINES = {
    "rts_sla_time": 1619611688,
    "tts_sla_time": 1619611761,
    "shipping_due_time": 1678389618,
    "collection_due_time": 1678389618,
    "delivery_due_time": 1678389618,
    "delivery_sla_time": 1678389618,
    "rts_time": 1619611563,
    "collection_time": 1678389618,
    "delivery_time": 1678389618,
    "cancel_time": 1678389618,
}


def documented_order() -> dict[str, Any]:
    """The order of TikTok's Get Order Detail example, with every clock set."""
    body = json.loads(spec("orders", "get-order-detail")["response_body"])
    return dict(body["data"]["orders"][0])


def test_fetch_order_reads_tiktoks_clocks_and_carrier_fields_from_columns(data_paths) -> None:
    db = open_db(data_paths.database)
    try:
        raw = documented_order()
        save_orders(db, "shop", [raw], now=7)
        order = fetch_order(db, raw["id"])
        assert order is not None
        assert {k: getattr(order, k) for k in DEADLINES} == DEADLINES
        assert order.cancellation_initiator == "SELLER"
        assert (order.warehouse_id, order.delivery_option_id) == (
            "6955005333819123123",
            "7091146663229654785",
        )
        assert order.package_ids == ("1152321127278713123",)
        assert (order.status, order.shop_id, order.synced_at) == ("UNPAID", "shop", 7)
        assert not order.seller_ships
        [item] = order.line_items
        assert item.id == "577086512123755123" and item.order_id == order.id
        assert item.held and not item.with_carrier  # an open order, not yet with a carrier
        assert order.item_ids == {item.id}
        assert fetch_order(db, "no-such-order") is None
        # The raw JSON is kept whole, in its own table; the hot table no longer carries it.
        assert fetch_order_raw(db, raw["id"]) == raw
        assert "raw" not in db["orders"].columns_dict
    finally:
        db.close()


def test_fetch_orders_takes_many_ids_and_leaves_out_unknown_ones(data_paths) -> None:
    db = open_db(data_paths.database)
    try:
        base = documented_order()
        raws = []
        for n in range(1200):  # more than one query's worth of ids
            raw = copy.deepcopy(base)
            raw["id"] = f"9{n:05d}"
            raw["line_items"][0]["id"] = f"8{n:05d}"
            raws.append(raw)
        save_orders(db, "shop", raws, now=1)
        wanted = [r["id"] for r in raws] + ["missing"]
        found = fetch_orders(db, wanted)
        assert sorted(found) == sorted(r["id"] for r in raws)
        assert all(len(o.line_items) == 1 for o in found.values())
        assert found["900007"].line_items[0].id == "800007"
    finally:
        db.close()


def sandbox_orders(count: int) -> list[dict[str, Any]]:
    sandbox = Sandbox(SandboxConfig(seed=11, orders=count, products=12))
    return [o for shop in sandbox.state.shops.values() for o in shop.orders.values()]


def write_old_database(path: Path, orders: list[dict[str, Any]], fresh: sqlite_utils.Database):
    """A database as the version before 0007 left it: the same orders, raw JSON in `orders`."""
    old = sqlite_utils.Database(path)
    MIGRATIONS.apply(old, stop_before="0007_order_raw_deadlines")
    for table in ("orders", "line_items"):
        columns = [c for c in old[table].columns_dict if c != "raw"]
        rows = fresh.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        if table == "orders":
            texts = {o["id"]: raw_text(o) for o in orders}
            columns.append("raw")
            rows = [(*r, texts[r[0]]) for r in rows]
        marks = ", ".join("?" for _ in columns)
        old.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    old.conn.commit()
    old.close()


def table(path: Path, name: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT * FROM {name} ORDER BY id")]
    finally:
        conn.close()


def test_migration_0007_upgrades_a_database_with_orders_to_what_a_fresh_save_writes(
    tmp_path: Path,
) -> None:
    orders = [*sandbox_orders(300), documented_order()]
    fresh_path = tmp_path / "fresh.db"
    fresh = open_db(fresh_path)
    save_orders(fresh, "shop", orders, now=5)
    old_path = tmp_path / "old" / "shopdesk.db"
    old_path.parent.mkdir()
    write_old_database(old_path, orders, fresh)
    fresh.close()

    migrated = open_db(old_path)  # runs 0007 (after a backup of the old file)
    try:
        made = [p.name for p in backup_dir(old_path).iterdir()]
        assert any("before-0007_order_raw_deadlines" in name for name in made)
        order = fetch_order(migrated, orders[-1]["id"])
        assert order is not None and order.collection_time == DEADLINES["collection_time"]
        assert fetch_order_raw(migrated, orders[0]["id"]) == orders[0]
        held = _held_by_rule(orders)
        assert held and fetch_committed(migrated) == held
    finally:
        migrated.close()
    assert table(old_path, "orders") == table(fresh_path, "orders")
    assert table(old_path, "line_items") == table(fresh_path, "line_items")
    conn = sqlite3.connect(old_path)
    try:
        raw = dict(conn.execute("SELECT order_id, raw FROM order_raw").fetchall())
    finally:
        conn.close()
    assert raw == {o["id"]: raw_text(o) for o in orders}


def _held_by_rule(orders: list[dict[str, Any]]) -> dict[str, int]:
    held: dict[str, int] = {}
    for o in orders:
        for i in o["line_items"]:
            state = stock_state(
                o["status"],
                o.get("collection_time"),
                i.get("display_status", ""),
                i.get("package_status", ""),
            )
            if state == "held" and i.get("sku_id"):
                held[i["sku_id"]] = held.get(i["sku_id"], 0) + 1
    return held
