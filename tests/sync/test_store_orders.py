"""The order store: no regression by update_time, exact counts, cursor and error rows."""

from __future__ import annotations

import pytest

from app.config import Paths
from app.store import activity
from app.store.cursors import fetch_cursor, save_cursor
from app.store.db import open_db
from app.store.orders import fetch_counts_by_status, fetch_order_raw, save_orders
from app.tiktok.models import Order, OrderStatus, OrderType


def order(oid: str, status: str = "AWAITING_SHIPMENT", update_time: int = 100, **extra) -> Order:
    raw = {
        "id": oid,
        "status": status,
        "create_time": 50,
        "update_time": update_time,
        "payment": {"currency": "USD", "total_amount": "12.50"},
        "line_items": [
            {"id": f"{oid}1", "sku_id": "s1", "seller_sku": "RED-M", "sale_price": "6.25"},
            {"id": f"{oid}2", "sku_id": "s1", "seller_sku": "RED-M", "sale_price": "6.25"},
        ],
        **extra,
    }
    return Order.from_api(raw)


@pytest.fixture
def db(data_paths: Paths):
    database = open_db(data_paths.database)
    yield database
    database.close()


def test_new_then_unchanged_then_updated(db) -> None:
    first = save_orders(db, "shop", [order("1"), order("2")], now=1)
    assert sorted(first.created) == ["1", "2"] and first.updated == []
    again = save_orders(db, "shop", [order("1"), order("2")], now=2)
    assert again.created == [] and again.updated == [] and again.unchanged == 2
    moved = save_orders(db, "shop", [order("1", "IN_TRANSIT", update_time=200)], now=3)
    assert moved.updated == ["1"]
    assert fetch_order_raw(db, "1")["status"] == "IN_TRANSIT"


def test_older_data_never_overwrites_newer(db) -> None:
    save_orders(db, "shop", [order("1", "DELIVERED", update_time=300)], now=1)
    late = save_orders(db, "shop", [order("1", "IN_TRANSIT", update_time=200)], now=2)
    assert late.stale == 1 and late.updated == []
    assert fetch_order_raw(db, "1")["status"] == "DELIVERED"


def test_same_update_time_with_new_content_applies(db) -> None:
    save_orders(db, "shop", [order("1", update_time=100)], now=1)
    result = save_orders(db, "shop", [order("1", update_time=100, seller_note="fragile")], now=2)
    assert result.updated == ["1"]


def test_duplicates_within_one_batch_keep_the_newest(db) -> None:
    result = save_orders(
        db, "shop", [order("1", "IN_TRANSIT", 200), order("1", "AWAITING_SHIPMENT", 100)], now=1
    )
    assert result.created == ["1"]
    assert fetch_order_raw(db, "1")["status"] == "IN_TRANSIT"


def test_line_items_follow_the_order(db) -> None:
    save_orders(db, "shop", [order("1")], now=1)
    changed = Order.from_api(
        {
            **order("1").raw,
            "update_time": 200,
            "line_items": [{"id": "19", "sku_id": "s2", "seller_sku": "BLUE"}],
        }
    )
    save_orders(db, "shop", [changed], now=2)
    rows = db.execute("SELECT id, seller_sku FROM line_items WHERE order_id = '1'").fetchall()
    assert rows == [("19", "BLUE")]
    row = db.execute("SELECT line_item_count, sku_summary FROM orders WHERE id = '1'").fetchone()
    assert row == (1, "BLUE")


def test_typed_columns_for_filters_and_sorting(db) -> None:
    save_orders(
        db,
        "shop",
        [order("1", "ON_HOLD", is_cod=True, is_on_hold_order=True, order_type="PRE_ORDER")],
        now=1,
    )
    row = db.execute(
        "SELECT status, order_type, total_amount, currency, flags, is_cod, is_on_hold_order,"
        " line_item_count, sku_summary FROM orders"
    ).fetchone()
    assert row == (
        "ON_HOLD",
        "PRE_ORDER",
        "12.50",
        "USD",
        "cod;on_hold_order;buyer_can_cancel",
        1,
        1,
        2,
        "RED-M x2",
    )


def test_clocks_and_amounts_keep_zero_apart_from_missing(db) -> None:
    """A time TikTok sent as 0 is stored as 0, a missing one or an empty amount as NULL, and
    flags as integers, whether the order is new or replaces its stored copy."""
    raw = {"paid_time": 0, "rts_sla_time": None, "tts_sla_time": 1700000000, "is_cod": True}
    columns = "paid_time, rts_sla_time, shipping_due_time, tts_sla_time, total_amount, is_cod"
    typed = ", ".join(f"typeof({c})" for c in columns.split(", "))
    for update_time in (100, 200):
        first = order("1", update_time=update_time, **raw)
        first.raw["payment"] = {"currency": "USD", "total_amount": ""}
        save_orders(db, "shop", [first], now=1)
        row = db.execute(f"SELECT {columns}, {typed} FROM orders").fetchone()
        assert row == (
            0,
            None,
            None,
            1700000000,
            None,
            1,
            *["integer", "null", "null", "integer", "null", "integer"],
        )


def test_each_order_keeps_its_own_flags_in_one_batch(db) -> None:
    batch = [
        order("1"),
        order("2", is_cod=True),
        order("3", "ON_HOLD", is_sample_order=True, is_exchange_order=True),
        order("4", is_cod="true", is_buyer_request_cancel=True),
        order("5", "ON_HOLD"),
        order("6"),
    ]
    save_orders(db, "shop", batch, now=1)
    stored = dict(db.execute("SELECT id, flags FROM orders").fetchall())
    assert stored == {
        "1": "",
        "2": "cod",
        "3": "sample_order;exchange_order;buyer_can_cancel",
        "4": "cod;buyer_request_cancel",
        "5": "buyer_can_cancel",
        "6": "",
    }


def test_on_hold_orders_are_flagged_as_still_cancellable_until_they_move_on(db) -> None:
    save_orders(db, "shop", [order("1", "ON_HOLD", is_on_hold_order=True)], now=1)
    flags = db.execute("SELECT flags FROM orders WHERE id = '1'").fetchone()[0]
    assert "buyer_can_cancel" in flags.split(";")
    save_orders(db, "shop", [order("1", "AWAITING_SHIPMENT", 200, is_on_hold_order=True)], now=2)
    flags = db.execute("SELECT flags FROM orders WHERE id = '1'").fetchone()[0]
    assert flags == "on_hold_order"


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("order_type", [*list(OrderType), ""])
def test_every_status_and_type_is_stored_and_queryable(db, status, order_type) -> None:
    save_orders(db, "shop", [order("1", status.value, order_type=order_type)], now=1)
    assert fetch_counts_by_status(db) == {status.value: 1}
    found = db.execute(
        "SELECT count(*) FROM orders WHERE status = ? AND order_type = ?", [status, order_type]
    ).fetchone()[0]
    assert found == 1


def test_the_raw_json_keeps_unknown_fields(db) -> None:
    save_orders(db, "shop", [order("1", brand_new={"x": [1, 2]})], now=1)
    assert fetch_order_raw(db, "1")["brand_new"] == {"x": [1, 2]}


def test_cursor_never_moves_backwards(db) -> None:
    save_cursor(db, "shop", "c", 100, now=1)
    save_cursor(db, "shop", "c", 90, now=2)
    assert fetch_cursor(db, "shop", "c") == 100
    save_cursor(db, "shop", "c", 150, now=3)
    assert fetch_cursor(db, "shop", "c") == 150


def test_a_repeating_failure_is_one_row_with_a_count_until_resolved(db) -> None:
    for t in range(3):
        activity.save_error(db, "poll", f"boom {t}", now=t, action="wait")
    [row] = activity.fetch_open_errors(db)
    assert row["attempts"] == 3 and row["message"] == "boom 2" and row["first_at"] == 0
    assert activity.save_error_resolved(db, "poll", now=5) == 1
    assert activity.fetch_open_errors(db) == []
    activity.save_error(db, "poll", "again", now=6)
    assert activity.fetch_open_errors(db)[0]["attempts"] == 1


def test_runs_left_running_by_a_dead_process_are_closed(db) -> None:
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    crashed = activity.save_run_started(db, "shop", "import", now=1)
    db.execute("UPDATE sync_runs SET pid = ? WHERE id = ?", [int(dead.stdout), crashed])
    # starting the next run closes the dead one; this live process's run stays open
    ours = activity.save_run_started(db, "shop", "poll", now=2)
    assert activity.save_interrupted_runs(db, now=3) == 0
    rows = dict(db.execute("SELECT id, state FROM sync_runs").fetchall())
    assert rows == {crashed: "failed", ours: "running"}
    crashed_row = activity.fetch_last_run(db, "import")
    assert "interrupted" in crashed_row["error"] and crashed_row["finished_at"] == 2


def test_migrating_from_the_previous_version_keeps_the_shop(data_paths: Paths) -> None:
    import sqlite_utils

    from app.store.migrations import MIGRATIONS

    old = sqlite_utils.Database(data_paths.database)
    MIGRATIONS.apply(old, stop_before="0002_orders_and_sync")
    old.table("shops").insert(
        {"id": "s1", "app_key": "k", "auth_status": "connected", "is_current": 1}
    )
    old.close()
    db2 = open_db(data_paths.database)
    assert "orders" in db2.table_names()
    assert db2.execute("SELECT id FROM shops").fetchall() == [("s1",)]
    db2.close()
