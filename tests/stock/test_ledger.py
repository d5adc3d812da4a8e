"""Orders drive stock: committed and available move at once, cancellations release, a shipped
unit leaves on_hand exactly once however often its events repeat."""

from __future__ import annotations

import time

from app.store.orders import fetch_order_raw, save_orders
from app.store.stock import fetch_movements, save_manual_stock, save_restocked, save_returned
from app.sync.order_saves import save_order_page
from app.sync.poller import poll_once
from tests.stock.conftest import StockShop, active_skus


async def fresh_sku(stock: StockShop):
    sku = active_skus(stock, multi=False)[0]
    save_manual_stock(stock.db, sku.sku_id, on_hand=sku.committed + 10, now=int(time.time()))
    return stock.row(sku.sku_id)


async def test_an_order_moves_committed_and_available_at_once(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    before = await fresh_sku(stock)
    order = await stock.order(before.sku_id, quantity=2)
    await poll_once(stock.session)
    after = stock.row(before.sku_id)
    assert (after.on_hand, after.committed, after.available) == (
        before.on_hand,
        before.committed + 2,
        before.available - 2,
    )
    truth = await stock.inventory()
    assert after.committed == sum(w["committed"] for w in truth[before.sku_id].values())
    assert order["status"] == "UNPAID"


async def test_a_cancelled_order_releases_committed_and_moves_nothing(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    before = await fresh_sku(stock)
    ledger = len(fetch_movements(stock.db, before.sku_id))
    order = await stock.order(before.sku_id, quantity=3, paid=True, is_on_hold_order=False)
    await poll_once(stock.session)
    assert stock.row(before.sku_id).committed == before.committed + 3
    await stock.shop.move(order["id"], "CANCELLED")
    await poll_once(stock.session)
    after = stock.row(before.sku_id)
    assert (after.on_hand, after.committed, after.available) == (
        before.on_hand,
        before.committed,
        before.available,
    )
    assert len(fetch_movements(stock.db, before.sku_id)) == ledger


async def test_a_shipped_unit_leaves_on_hand_exactly_once(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    before = await fresh_sku(stock)
    order = await stock.order(before.sku_id, quantity=2, paid=True, is_on_hold_order=False)
    await poll_once(stock.session)
    await stock.shop.move(order["id"], "AWAITING_COLLECTION")
    await poll_once(stock.session)
    packed = stock.row(before.sku_id)  # packed, waiting for the carrier: still on the shelf
    assert (packed.on_hand, packed.committed) == (before.on_hand, before.committed + 2)

    await stock.shop.move(order["id"], "IN_TRANSIT")
    await poll_once(stock.session)
    shipped = stock.row(before.sku_id)
    assert (shipped.on_hand, shipped.committed, shipped.available) == (
        before.on_hand - 2,
        before.committed,
        before.available - 2,
    )
    # The same events again, older copies, and the later statuses: nothing moves twice.
    in_transit = fetch_order_raw(stock.db, order["id"])
    await poll_once(stock.session)
    with stock.db.atomic():
        save_orders(stock.db, stock.session.shop.id, [in_transit, in_transit], now=1)
    for status in ("DELIVERED", "COMPLETED"):
        await stock.shop.move(order["id"], status)
        await poll_once(stock.session)
        await poll_once(stock.session)
    assert stock.row(before.sku_id).on_hand == before.on_hand - 2
    ledger = fetch_movements(stock.db, before.sku_id)
    shipped_rows = [m for m in ledger if m["reason"] == "shipped" and m["delta"]]
    items = {i["id"] for i in order["line_items"]}
    assert sorted(m["ref"] for m in shipped_rows) == sorted(items)
    assert sum(m["delta"] for m in ledger) == stock.row(before.sku_id).on_hand


async def test_a_return_is_recorded_and_restocking_is_the_creators_call(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    before = await fresh_sku(stock)
    order = await stock.order(before.sku_id, paid=True, is_on_hold_order=False)
    for status in ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"):
        await stock.shop.move(order["id"], status)
    await poll_once(stock.session)
    assert stock.row(before.sku_id).on_hand == before.on_hand - 1
    returned = save_returned(stock.db, order["id"], "R-1", now=int(time.time()))
    assert len(returned) == 1 and save_returned(stock.db, order["id"], "R-1", now=1) == []
    assert stock.row(before.sku_id).on_hand == before.on_hand - 1  # recorded only
    outbox_id = save_restocked(stock.db, returned[0], now=int(time.time()))
    assert outbox_id is not None and save_restocked(stock.db, returned[0], now=1) is None
    after = stock.row(before.sku_id)
    assert after.on_hand == before.on_hand and after.pending_push


async def test_units_shipped_before_the_first_count_are_not_taken_off_again(connect_shop) -> None:
    from app.sync.catalog import sync_catalog
    from app.sync.importer import OrderImporter, default_range

    shop = await connect_shop(orders=120, products=6)
    session = shop.session()
    try:
        await sync_catalog(session)  # counted first, then history arrives
        counted = {r[0]: r[1] for r in session.db.execute("SELECT sku_id, on_hand FROM stock")}
        await OrderImporter(session).run(*default_range(time.time(), 90))
        after = {r[0]: r[1] for r in session.db.execute("SELECT sku_id, on_hand FROM stock")}
        assert after == counted
    finally:
        await session.aclose()


def order(oid: str, status: str, update_time: int, items: list[tuple[str, str, str]], **extra):
    return {
        "id": oid,
        "status": status,
        "create_time": 100,
        "update_time": update_time,
        "line_items": [
            {"id": i, "sku_id": "s1", "display_status": d, "package_status": p} for i, d, p in items
        ],
        **extra,
    }


def test_shipping_times_decide_once_even_without_a_collection_time(data_paths) -> None:
    from app.store.db import open_db
    from app.store.stock import save_first_counts

    db = open_db(data_paths.database)
    try:
        save_first_counts(db, {"s1": (10, 0)}, now=1000)

        def on_hand() -> int:
            return db.execute("SELECT on_hand FROM stock WHERE sku_id = 's1'").fetchone()[0]

        def save(*orders) -> None:
            with db.atomic():
                save_order_page(db, "shop", list(orders), now=1)

        # One parcel of a split order leaves after the count; no collection time on the order.
        save(
            order(
                "A",
                "PARTIALLY_SHIPPING",
                2000,
                [("a1", "IN_TRANSIT", "FULFILLING"), ("a2", "AWAITING_SHIPMENT", "")],
            )
        )
        assert on_hand() == 9
        save(
            order(
                "A",
                "DELIVERED",
                3000,
                [("a1", "DELIVERED", "COMPLETED"), ("a2", "DELIVERED", "COMPLETED")],
            )
        )
        assert on_hand() == 8  # a2 left now; a1 is not counted twice
        # Shipped before the count, first seen now, then updated later: never taken off.
        save(order("B", "IN_TRANSIT", 500, [("b1", "IN_TRANSIT", "FULFILLING")]))
        save(order("B", "DELIVERED", 4000, [("b1", "DELIVERED", "COMPLETED")]))
        # TikTok says when the carrier took it (before the count): nothing to record at all.
        save(order("C", "DELIVERED", 5000, [("c1", "DELIVERED", "COMPLETED")], collection_time=900))
        assert on_hand() == 8
        refs = [
            r[0]
            for r in db.execute(
                "SELECT ref FROM stock_movements WHERE reason = 'shipped' ORDER BY id"
            )
        ]
        assert refs == ["a1", "a2", "b1"]
    finally:
        db.close()
