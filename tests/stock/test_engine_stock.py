"""Stock inside the running engine: the catalogue arrives, edits are pushed, warnings raised."""

from __future__ import annotations

import asyncio
import time

from app.store.db import open_db
from app.store.stock import save_manual_stock
from app.store.stock_levels import StockWarning, fetch_stock_rows
from app.sync.engine import EngineCallbacks, SyncEngine
from app.sync.importer import default_range
from app.sync.stock import stock_defaults


async def wait_for(predicate, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


def rows(shop):
    db = open_db(shop.paths.database, readonly=True)
    try:
        return {r.sku_id: r for r in fetch_stock_rows(db, stock_defaults(shop.settings))}
    finally:
        db.close()


def warning_engine(shop, warnings: list[StockWarning]) -> SyncEngine:
    """An engine that polls only when asked and hands its stock warnings to `warnings`."""
    shop.settings.poll_interval_seconds = 3600
    callbacks = EngineCallbacks(on_stock_warnings=warnings.extend)
    return SyncEngine(
        shop.paths, shop.settings, shop.secrets, transport=shop.transport, callbacks=callbacks
    )


async def listed(shop, sku_id: str) -> int:
    inventory = (await shop.admin.get("/sandbox/inventory")).json()["skus"]
    return sum(r["quantity"] for r in inventory if r["sku_id"] == sku_id)


async def test_an_edit_in_the_app_reaches_tiktok_within_seconds(connect_shop) -> None:
    shop = await connect_shop(orders=40, products=6)
    shop.settings.poll_interval_seconds = 3600
    engine = SyncEngine(shop.paths, shop.settings, shop.secrets, transport=shop.transport)
    engine.start()
    try:
        await asyncio.wrap_future(engine.import_orders(*default_range(time.time(), 90)))
        await wait_for(lambda: any(r.product_status == "ACTIVATE" for r in rows(shop).values()))
        sku = next(
            r for r in rows(shop).values() if r.product_status == "ACTIVATE" and not r.removed
        )
        wanted = sku.committed + 7
        # what the GUI does: a write on the engine thread; the push follows by itself
        await asyncio.wrap_future(
            engine.run_write(
                lambda db: save_manual_stock(db, sku.sku_id, on_hand=wanted, now=int(time.time()))
            )
        )
        await wait_for(lambda: rows(shop)[sku.sku_id].push_state in ("", "done"), seconds=15)
        row = rows(shop)[sku.sku_id]
        assert row.on_hand == wanted and not row.estimate
        assert await listed(shop, sku.sku_id) == row.target
    finally:
        engine.stop()


async def test_push_now_and_warnings_reach_the_callbacks(connect_shop) -> None:
    shop = await connect_shop(orders=30, products=6)
    warnings: list[StockWarning] = []
    engine = warning_engine(shop, warnings)
    engine.start()
    try:
        await asyncio.wrap_future(engine.import_orders(*default_range(time.time(), 90)))
        await wait_for(lambda: any(r.product_status == "ACTIVATE" for r in rows(shop).values()))
        sku = next(
            r for r in rows(shop).values() if r.product_status == "ACTIVATE" and r.committed > 0
        )
        # the creator counts fewer units than open orders promised: oversold
        await asyncio.wrap_future(
            engine.run_write(
                lambda db: save_manual_stock(db, sku.sku_id, on_hand=0, now=int(time.time()))
            )
        )
        result = await asyncio.wrap_future(engine.push_stock())
        assert result is not None
        await wait_for(
            lambda: any(w.sku_id == sku.sku_id and w.kind == "oversold" for w in warnings)
        )
        assert await listed(shop, sku.sku_id) == 0  # TikTok stops selling it
    finally:
        engine.stop()


async def test_an_import_counts_stock_once_at_its_end_and_then_warns(
    connect_shop, monkeypatch
) -> None:
    """Counting every open order's units after each page was most of the engine's work during
    a big import; the warnings wait for its end, and then arrive."""
    import app.sync.stock as stock

    shop = await connect_shop(orders=200, products=6)
    warnings: list[StockWarning] = []
    engine = warning_engine(shop, warnings)
    counted_while_importing: list[bool] = []
    real = stock.current_warnings

    def counting(*args, **kwargs):
        counted_while_importing.append(engine.status.importing)
        return real(*args, **kwargs)

    monkeypatch.setattr(stock, "current_warnings", counting)
    engine.start()
    try:
        await wait_for(lambda: any(r.product_status == "ACTIVATE" for r in rows(shop).values()))
        active = [r.sku_id for r in rows(shop).values() if r.product_status == "ACTIVATE"]
        now = int(time.time())
        await asyncio.wrap_future(  # the creator has none left of anything
            engine.run_write(
                lambda db: [save_manual_stock(db, s, on_hand=0, now=now) for s in active]
            )
        )
        counted_while_importing.clear()
        # TikTok answers each page slowly: the import's pages come seconds apart
        faults = {"api_answer_delay_seconds": 0.5}
        (await shop.admin.put("/sandbox/faults", json=faults)).raise_for_status()
        result = await asyncio.wrap_future(engine.import_orders(*default_range(time.time(), 90)))
        (
            await shop.admin.put("/sandbox/faults", json={"api_answer_delay_seconds": 0})
        ).raise_for_status()
        assert result.pages > 1
        await wait_for(lambda: any(w.kind == "oversold" for w in warnings))
        assert counted_while_importing and not any(counted_while_importing)
    finally:
        engine.stop()
