"""Catalogue sync against the sandbox: products, SKUs, warehouses, first counts, unknown SKUs."""

from __future__ import annotations

import time

from app.store.catalog import NOT_FOUND, fetch_sku
from app.store.orders import save_orders
from app.store.stock import fetch_movements
from app.sync.catalog import PRODUCT_EVENT_TYPES, sync_catalog, sync_unknown_skus
from app.sync.importer import OrderImporter, default_range
from tests.stock.conftest import StockShop


def sandbox_products(stock: StockShop) -> dict:
    shop = next(iter(stock.shop.sandbox.state.shops.values()))
    return shop.products


async def test_products_skus_and_warehouses_match_the_sandbox(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    db = stock.db
    truth = sandbox_products(stock)
    stored = {r[0]: r[1:] for r in db.execute("SELECT id, title, status FROM products")}
    assert stored == {p.id: (p.title, p.status) for p in truth.values()}
    assert {s for (s,) in db.execute("SELECT status FROM products")} >= {
        "ACTIVATE",
        "SELLER_DEACTIVATED",
    }
    skus = {
        r[0]: r[1:]
        for r in db.execute("SELECT id, seller_sku, name, sale_price, currency FROM skus")
    }
    for product in truth.values():
        for sku in product.skus:
            assert skus[sku.id] == (sku.seller_sku, sku.name, f"{sku.price:.2f}", "USD")
    warehouses = {w for (w,) in db.execute("SELECT id FROM warehouses")}
    shop = next(iter(stock.shop.sandbox.state.shops.values()))
    assert warehouses == {w.id for w in shop.warehouses}
    per_warehouse = {
        (s, w): q
        for s, w, q in db.execute(
            "SELECT sku_id, warehouse_id, tiktok_quantity FROM sku_warehouses"
        )
    }
    inventory = await stock.inventory()
    assert per_warehouse == {
        (s, w): v["quantity"] for s, ws in inventory.items() for w, v in ws.items()
    }


async def test_first_count_is_tiktoks_quantity_plus_committed_and_an_estimate(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    inventory = await stock.inventory()
    rows = stock.rows()
    assert set(rows) == set(inventory)
    for sku_id, row in rows.items():
        listed = sum(w["quantity"] for w in inventory[sku_id].values())
        held = sum(w["committed"] for w in inventory[sku_id].values())
        assert row.estimate
        assert (row.on_hand, row.committed, row.tiktok_quantity) == (listed + held, held, listed)
        assert row.available == listed and not row.pending_push
        ledger = fetch_movements(stock.db, sku_id)
        assert ledger[-1]["reason"] == "first_count" and ledger[-1]["delta"] == row.on_hand
        assert sum(m["delta"] for m in ledger) == row.on_hand


async def test_incremental_sync_reads_only_changed_products(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    before = await stock.calls("/product/")
    again = await sync_catalog(stock.session)
    assert again.details == 0 and again.pages == 1 and not again.new_skus
    assert await stock.calls("/product/") - before == 1  # one search page, nothing else

    product = next(p for p in sandbox_products(stock).values() if p.status == "ACTIVATE")
    await stock.set_product(
        product.id, title="Renamed in Seller Center", status="SELLER_DEACTIVATED"
    )
    await stock.shop.later(1)
    changed = await sync_catalog(stock.session)
    assert changed.products >= 1
    row = stock.db.execute(
        "SELECT title, status FROM products WHERE id = ?", [product.id]
    ).fetchone()
    assert tuple(row) == ("Renamed in Seller Center", "SELLER_DEACTIVATED")


async def test_product_webhook_ids_are_fetched_in_detail_at_once(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    assert {5, 15, 16, 27, 37} == PRODUCT_EVENT_TYPES
    product = next(iter(sandbox_products(stock).values()))
    await stock.set_product(product.id, title="Fresh title")
    result = await sync_catalog(stock.session, product_ids=[product.id])
    assert result.details == 1 and result.products == 1
    title = stock.db.execute("SELECT title FROM products WHERE id = ?", [product.id]).fetchone()
    assert title[0] == "Fresh title"


async def test_line_items_of_unknown_skus_are_fetched_not_dropped(connect_shop) -> None:
    shop = await connect_shop(orders=60, products=6)
    session = shop.session()
    try:
        await OrderImporter(session).run(*default_range(time.time(), 90))
        # An order for a SKU of a product TikTok no longer returns.
        ghost = {
            "id": "9000000000000000001",
            "status": "AWAITING_SHIPMENT",
            "create_time": 100,
            "update_time": 100,
            "line_items": [
                {
                    "id": "9100000000000000001",
                    "sku_id": "9200000000000000001",
                    "product_id": "9300000000000000001",
                    "seller_sku": "GONE-1",
                    "sku_name": "Old colour",
                    "product_name": "Discontinued mug",
                }
            ],
        }
        with session.db.atomic():
            save_orders(session.db, session.shop.id, [ghost], now=100)
        # Orders came before any catalogue sync: every SKU they name is fetched by product.
        result = await sync_unknown_skus(session)
        named = {s for (s,) in session.db.execute("SELECT DISTINCT sku_id FROM line_items")}
        known = {s for (s,) in session.db.execute("SELECT id FROM skus")}
        assert named <= known
        products = {p for (p,) in session.db.execute("SELECT DISTINCT product_id FROM line_items")}
        assert result.details == len(products)
        assert {s for (s,) in session.db.execute("SELECT sku_id FROM stock")} == named - {
            "9200000000000000001"
        }
        assert result.not_found == ["9300000000000000001"]
        gone = fetch_sku(session.db, "9200000000000000001")
        assert gone is not None and gone.removed and gone.seller_sku == "GONE-1"
        assert gone.product_status == NOT_FOUND and gone.product_title == "Discontinued mug"
    finally:
        await session.aclose()


async def test_unknown_skus_of_just_the_orders_saved(connect_shop) -> None:
    """After a page, only the SKUs its orders name are looked up; the rest wait their turn."""
    shop = await connect_shop(orders=60, products=6)
    session = shop.session()
    try:
        await OrderImporter(session).run(*default_range(time.time(), 90))
        rows = session.db.execute("SELECT DISTINCT product_id, sku_id FROM line_items")
        by_product: dict[str, set[str]] = {}
        for product_id, sku_id in rows:
            by_product.setdefault(product_id, set()).add(sku_id)
        first, *others = sorted(by_product)
        assert others, "the sandbox's orders name more than one product"
        result = await sync_unknown_skus(session, sku_ids=by_product[first])
        known = {s for (s,) in session.db.execute("SELECT id FROM skus")}
        assert result.details == 1 and by_product[first] <= known
        assert all(not (by_product[p] & known) for p in others)
        rest = await sync_unknown_skus(session)
        known = {s for (s,) in session.db.execute("SELECT id FROM skus")}
        assert rest.details == len(others) and set().union(*by_product.values()) <= known
    finally:
        await session.aclose()


async def test_a_full_sync_notices_deleted_products(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    product = next(p for p in sandbox_products(stock).values() if p.status == "ACTIVATE")
    await stock.set_product(product.id, status="DELETED")  # search no longer lists it
    await sync_catalog(stock.session, full=True)
    status = stock.db.execute("SELECT status FROM products WHERE id = ?", [product.id]).fetchone()
    assert status[0] in ("DELETED", "NOT_FOUND")
    assert all(not r.warnings for r in stock.rows().values() if r.product_id == product.id)
