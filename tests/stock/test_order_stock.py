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


def _shipped_order(order_id: str, update_time: int, *items: tuple[str, str]) -> dict:
    line_items = [
        {"id": i, "sku_id": sku, "display_status": "IN_TRANSIT", "package_status": "FULFILLING"}
        for i, sku in items
    ]
    return {
        "id": order_id,
        "status": "IN_TRANSIT",
        "create_time": 1500,
        "update_time": update_time,
        "line_items": line_items,
    }


def _ledger(db) -> list[tuple]:
    movements = db.execute("SELECT * FROM stock_movements WHERE reason = 'shipped' ORDER BY id")
    return [*movements, *db.execute("SELECT sku_id, on_hand FROM stock ORDER BY sku_id")]


@pytest.mark.parametrize("careful", [False, True])
def test_a_unit_moved_into_a_new_order_moves_stock_once(data_paths, careful, monkeypatch) -> None:
    """Units of new orders go in without asking the ledger first; a unit it already holds
    (TikTok moved it out of a shipped order into a new one) sends the page the careful way,
    and the ledger ends as the careful way writes it: same rows, same ids, one movement."""
    if careful:  # every page the careful way, as for updated orders: what the ledger must hold
        monkeypatch.setattr("app.store.stock._save_new_shipped", lambda *_: None)
    db = open_db(data_paths.database)
    save_first_counts(db, {"s1": (10, 0), "s2": (10, 0)}, now=1000)
    save_order_page(db, "shop", [_shipped_order("A", 2000, ("a1", "s1"), ("a2", "s1"))], now=1)
    save_order_page(db, "shop", [_shipped_order("A", 2100, ("a1", "s1"))], now=2)  # a2 moved
    page = [_shipped_order("C", 2200, ("c1", "s2")), _shipped_order("B", 2200, ("a2", "s1"))]
    result = save_order_page(db, "shop", page, now=3)
    assert sorted(result.created) == ["B", "C"]
    assert shipped(db) == ["a1", "a2", "c1"]
    assert _ledger(db) == [
        (3, "s1", "shipped", "a1", -1, 9, "", 1),
        (4, "s1", "shipped", "a2", -1, 8, "", 1),
        (5, "s2", "shipped", "c1", -1, 9, "", 3),
        ("s1", 8),
        ("s2", 9),
    ]
    db.close()
