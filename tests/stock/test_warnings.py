"""Warnings with their reasons, raised once through a plain callback, and automatic pushes."""

from __future__ import annotations

import time

from app.store import outbox
from app.store.stock import save_manual_stock
from app.store.stock_levels import current_warnings
from app.sync.outlet import Outlet
from app.sync.pusher import push_pending
from app.sync.stock import StockWatch, stock_defaults
from tests.stock.conftest import StockShop, active_skus


def now() -> int:
    return int(time.time())


def kinds(stock: StockShop, sku_id: str) -> list[str]:
    return [w.kind for w in stock.row(sku_id).warnings]


async def test_each_warning_says_why(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    busy = next(r for r in active_skus(stock) if r.committed >= 2 and r.tiktok_quantity > 0)
    save_manual_stock(stock.db, busy.sku_id, on_hand=busy.committed - 1, now=now())
    assert kinds(stock, busy.sku_id) == ["oversold", "at_risk"]
    oversold, at_risk = stock.row(busy.sku_id).warnings
    assert oversold.seller_sku == busy.seller_sku
    assert f"promise {busy.committed} but only {busy.committed - 1} on hand" in oversold.reason
    assert f"TikTok lists {busy.tiktok_quantity} but only 0 can be sold" in at_risk.reason

    await push_pending(stock.session)
    assert kinds(stock, busy.sku_id) == ["oversold"]  # TikTok lists 0 now; still short
    save_manual_stock(stock.db, busy.sku_id, on_hand=busy.committed + 3, now=now())
    await push_pending(stock.session)
    [low] = stock.row(busy.sku_id).warnings
    assert low.kind == "low_stock" and "3 available" in low.reason
    save_manual_stock(stock.db, busy.sku_id, on_hand=busy.committed + 3, low_stock=2, now=now())
    assert kinds(stock, busy.sku_id) == []


async def test_the_callback_hears_each_warning_once(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    heard: list[list] = []
    watch = StockWatch(stock_defaults(stock.session.settings), Outlet(warnings=heard.append))
    await watch.check(stock.session)
    heard.clear()
    row = next(r for r in active_skus(stock) if r.available > 10)
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 8, now=now())
    assert [(w.kind, w.sku_id) for w in await watch.check(stock.session)] == [
        ("at_risk", row.sku_id)
    ]
    assert await watch.check(stock.session) == [] and len(heard) == 1
    await push_pending(stock.session)
    assert await watch.check(stock.session) == []
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 2, now=now())
    assert {w.kind for w in await watch.check(stock.session)} == {"at_risk", "low_stock"}


async def test_a_stale_estimate_is_checked_with_tiktok_before_it_alarms(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = next(r for r in active_skus(stock) if r.available > 10)
    stock.db.execute(
        "UPDATE stock SET tiktok_quantity = tiktok_quantity + 5 WHERE sku_id = ?", [row.sku_id]
    )
    defaults = stock_defaults(stock.session.settings)
    assert ("at_risk", row.sku_id) in {
        (w.kind, w.sku_id) for w in current_warnings(stock.db, defaults)
    }
    watch = StockWatch(defaults)
    assert [w for w in await watch.check(stock.session) if w.sku_id == row.sku_id] == []
    assert stock.row(row.sku_id).tiktok_quantity == row.tiktok_quantity


async def test_at_risk_skus_are_pushed_automatically_when_asked(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = next(r for r in active_skus(stock) if r.available > 10)
    outbox_id = save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 4, now=now())
    assert outbox_id is not None
    outbox.save_outbox_dropped(stock.db, outbox_id, now=now())  # nothing queued, still at risk
    assert (await push_pending(stock.session)).update_calls == 0
    assert "at_risk" in kinds(stock, row.sku_id)
    stock.session.settings.auto_push_at_risk = True
    result = await push_pending(stock.session)
    assert [p.sku_id for p in result.pushed] == [row.sku_id]
    assert await stock.listed(row.sku_id) == 4 and "at_risk" not in kinds(stock, row.sku_id)
