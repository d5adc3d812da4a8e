"""Inventory refusals that waiting cannot fix stop retrying and say what to do; others retry."""

from __future__ import annotations

import time

from app.store import outbox
from app.store.activity import fetch_open_errors
from app.store.stock import save_manual_stock
from app.sync.pusher import push_pending
from tests.stock.conftest import StockShop, active_skus
from tests.stock.test_push import UPDATE, no_pull


def now() -> int:
    return int(time.time())


async def test_a_promotion_locked_push_stops_retrying_with_what_to_do(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = next(r for r in active_skus(stock) if r.tiktok_quantity > 0)
    locked = await stock.shop.admin.post(
        f"/sandbox/products/{row.product_id}/promotion", json={"locked": True}
    )
    assert locked.status_code == 200
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed, now=now())  # lower: refused
    result = await push_pending(stock.session, pull=no_pull)
    [failure] = result.failed
    assert failure.code == 12052393
    [item] = outbox.fetch_outbox(stock.db, include_finished=False)
    assert item["state"] == "failed" and item["next_retry_at"] is None  # no automatic retry
    [error] = [e for e in fetch_open_errors(stock.db) if e["kind"] == "stock_push"]
    assert "promotion" in error["action"] and "Retry" in error["action"]
    calls = await stock.calls(UPDATE)
    later = time.time() + 7200
    assert (await push_pending(stock.session, pull=no_pull, clock=lambda: later)).update_calls == 0
    assert await stock.calls(UPDATE) == calls  # nothing more was sent


async def test_an_inactive_seller_is_told_to_reactivate_and_not_retried(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = active_skus(stock)[0]
    await stock.shop.admin.post("/sandbox/seller", json={"active": False})
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 4, now=now())
    result = await push_pending(stock.session, pull=no_pull)
    [failure] = result.failed
    assert failure.code == 12052700
    [item] = outbox.fetch_outbox(stock.db, include_finished=False)
    assert item["next_retry_at"] is None
    [error] = [e for e in fetch_open_errors(stock.db) if e["kind"] == "stock_push"]
    assert "inactive" in error["action"]
    # Once the shop is active again, Retry sends it.
    await stock.shop.admin.post("/sandbox/seller", json={"active": True})
    assert outbox.save_outbox_retry(stock.db, item["id"], now=now())
    assert [p.sku_id for p in (await push_pending(stock.session, pull=no_pull)).pushed] == [
        row.sku_id
    ]


def test_only_transient_failures_retry_and_each_refusal_says_what_to_do() -> None:
    from app.sync.pusher import DEFAULT_REFUSAL_ACTION, refusal_action, transient

    assert transient({36009003}) and transient({12052990, 12019028})  # TikTok's trouble; stale
    assert not transient({12052393}) and not transient({12052700}) and not transient({12052050})
    assert not transient({12019024})  # a bad count does not get better by waiting either
    assert "100 SKUs" in refusal_action({12052050})
    assert "inactive" in refusal_action({12052990, 12052700})
    assert refusal_action({12019024}) == DEFAULT_REFUSAL_ACTION
