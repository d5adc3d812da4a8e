"""The ledger follows saved orders through the sync layer, in the orders' own transaction."""

from __future__ import annotations

import pytest

from app.store.db import open_db
from app.store.orders import save_orders
from app.store.stock import save_first_counts
from app.store.stock_levels import fetch_committed
from app.store.stored_orders import fetch_order
from app.sync.order_saves import save_order_page


def order(status: str, update_time: int, display: str, package: str = "") -> dict:
    return {
        "id": "A",
        "status": status,
        "create_time": 1500,
        "update_time": update_time,
        "line_items": [
            {"id": "a1", "sku_id": "s1", "display_status": display, "package_status": package}
        ],
    }


@pytest.fixture
def db(data_paths):
    database = open_db(data_paths.database)
    save_first_counts(database, {"s1": (10, 0)}, now=1000)
    yield database
    database.close()


def on_hand(db) -> int:
    return int(db.execute("SELECT on_hand FROM stock WHERE sku_id = 's1'").fetchone()[0])


def shipped(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT ref FROM stock_movements WHERE reason = 'shipped'")]


def test_saving_orders_alone_moves_no_stock_the_sync_save_moves_it_once(db) -> None:
    save_orders(db, "shop", [order("AWAITING_SHIPMENT", 2000, "AWAITING_SHIPMENT")], now=1)
    assert fetch_committed(db) == {"s1": 1}
    save_orders(db, "shop", [order("IN_TRANSIT", 3000, "IN_TRANSIT", "FULFILLING")], now=2)
    assert (on_hand(db), shipped(db), fetch_committed(db)) == (10, [], {})
    save_order_page(db, "shop", [order("DELIVERED", 4000, "DELIVERED", "COMPLETED")], now=3)
    assert (on_hand(db), shipped(db)) == (9, ["a1"])
    save_order_page(db, "shop", [order("COMPLETED", 5000, "COMPLETED", "COMPLETED")], now=4)
    assert (on_hand(db), shipped(db)) == (9, ["a1"])  # never twice


def test_an_order_and_its_ledger_movement_commit_or_roll_back_together(db) -> None:
    def page_then_failure() -> None:
        with db.atomic():
            save_order_page(
                db, "shop", [order("IN_TRANSIT", 3000, "IN_TRANSIT", "FULFILLING")], now=1
            )
            raise RuntimeError("the page's cursor could not be saved")

    with pytest.raises(RuntimeError):
        page_then_failure()
    assert fetch_order(db, "A") is None and shipped(db) == [] and on_hand(db) == 10


def test_the_stored_stock_state_follows_each_save(db) -> None:
    states = []
    for status, display, package in (
        ("AWAITING_SHIPMENT", "AWAITING_SHIPMENT", ""),
        ("AWAITING_COLLECTION", "AWAITING_COLLECTION", "PROCESSING"),
        ("IN_TRANSIT", "IN_TRANSIT", "FULFILLING"),
    ):
        save_order_page(db, "shop", [order(status, 2000 + len(states), display, package)], now=1)
        stored = fetch_order(db, "A")
        assert stored is not None
        states.append(stored.line_items[0].stock_state)
    assert states == ["held", "held", "shipped"]
    cancelled = order("CANCELLED", 9000, "CANCELLED", "CANCELLED")
    save_order_page(db, "shop", [cancelled], now=2)
    stored = fetch_order(db, "A")
    assert stored is not None and stored.line_items[0].stock_state == "released"
