"""The rules stock is computed by: warehouse splits, and one classification for SQL and Python."""

from __future__ import annotations

import time

from app.store.stock import HANDED_OVER_SQL, HELD_SQL, handed_over, holds_stock
from app.store.stock_levels import MAX_QUANTITY, WarehouseSlot, split_quantity
from app.sync.importer import OrderImporter, default_range


def slots(*quantities: int, shares: tuple[int | None, ...] | None = None) -> list[WarehouseSlot]:
    shares = shares or (None,) * len(quantities)
    return [
        WarehouseSlot(f"w{i}", q, s)
        for i, (q, s) in enumerate(zip(quantities, shares, strict=True))
    ]


def test_split_follows_tiktoks_proportions_and_gives_the_rest_to_the_default_warehouse() -> None:
    assert split_quantity(10, slots(30, 10), "w0") == {"w0": 8, "w1": 2}
    assert split_quantity(7, slots(1, 1), "w1") == {"w0": 3, "w1": 4}
    # Nothing listed anywhere: everything goes to the default warehouse.
    assert split_quantity(5, slots(0, 0), "w1") == {"w0": 0, "w1": 5}
    # The default warehouse is not one of the SKU's: the first one takes the rest.
    assert split_quantity(5, slots(0, 0), "elsewhere") == {"w0": 5, "w1": 0}


def test_split_uses_the_creators_shares_when_set() -> None:
    assert split_quantity(10, slots(99, 1, shares=(1, 3)), "w0") == {"w0": 3, "w1": 7}
    assert split_quantity(10, slots(5, 5, shares=(None, 2)), "w0") == {"w0": 0, "w1": 10}


def test_split_never_leaves_the_documented_bounds() -> None:
    assert split_quantity(-4, slots(3), "w0") == {"w0": 0}
    assert split_quantity(250_000, slots(1), "w0") == {"w0": MAX_QUANTITY}
    big = split_quantity(150_000, slots(1, 0), "w0")
    assert big == {"w0": MAX_QUANTITY, "w1": 150_000 - MAX_QUANTITY}
    assert split_quantity(3, [], "w0") == {}


def test_handed_over_and_held_cover_every_documented_state() -> None:
    assert holds_stock("AWAITING_COLLECTION", "AWAITING_COLLECTION", "PROCESSING")
    assert not handed_over("AWAITING_COLLECTION", None, "AWAITING_COLLECTION", "PROCESSING")
    assert handed_over("PARTIALLY_SHIPPING", None, "IN_TRANSIT", "FULFILLING")
    assert not holds_stock("PARTIALLY_SHIPPING", "IN_TRANSIT", "FULFILLING")
    assert holds_stock("PARTIALLY_SHIPPING", "AWAITING_SHIPMENT", "")
    assert handed_over("DELIVERED", None, "DELIVERED", "COMPLETED")
    assert not handed_over("CANCELLED", None, "CANCELLED", "")
    assert handed_over("CANCELLED", 1700000000, "CANCELLED", "CANCELLED")  # lost in transit
    assert not holds_stock("UNPAID", "CANCELLED", "")  # an item cancelled on its own


async def test_sql_and_python_agree_on_every_sandbox_line_item(connect_shop) -> None:
    shop = await connect_shop(orders=600, products=10)
    session = shop.session()
    try:
        await OrderImporter(session).run(*default_range(time.time(), 90))
        rows = session.db.execute(
            "SELECT o.status, o.collection_time, li.display_status,"
            f" li.package_status, {HELD_SQL}, {HANDED_OVER_SQL}"
            " FROM orders o JOIN line_items li ON li.order_id = o.id"
        ).fetchall()
    finally:
        await session.aclose()
    assert len(rows) > 600
    kinds = set()
    for status, collected, display, package, held_sql, over_sql in rows:
        assert bool(held_sql) == holds_stock(status, display, package), (status, display, package)
        assert bool(over_sql) == handed_over(status, collected, display, package)
        kinds.add((bool(held_sql), bool(over_sql)))
    assert kinds == {(True, False), (False, True), (False, False)}
