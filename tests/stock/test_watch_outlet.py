"""StockWatch tells the outlet it was given: each new warning once, its SKUs as a change."""

from __future__ import annotations

import time

from app.changes import Changes
from app.store.stock import save_manual_stock
from app.sync.outlet import Outlet
from app.sync.stock import StockWatch, stock_defaults
from tests.stock.conftest import StockShop, active_skus


async def test_stock_warnings_reach_the_outlet_once_with_their_skus_as_a_change(
    stock_shop,
) -> None:
    stock: StockShop = await stock_shop()
    warned: list[list] = []
    changes: list[Changes] = []
    watch = StockWatch(
        stock_defaults(stock.session.settings),
        Outlet(warnings=warned.append, changes=changes.append),
    )
    await watch.check(stock.session)
    warned.clear()
    changes.clear()
    row = next(r for r in active_skus(stock) if r.available > 10)
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 2, now=int(time.time()))
    fresh = await watch.check(stock.session)
    assert {w.kind for w in fresh} == {"at_risk", "low_stock"} and warned == [fresh]
    assert {row.sku_id} <= {sku for c in changes for sku in c.skus}
    assert await watch.check(stock.session) == [] and len(warned) == 1
