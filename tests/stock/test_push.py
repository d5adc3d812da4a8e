"""Pushing stock to the sandbox: edits land, coalesce, one call per product, every warehouse,
clear per-SKU failures, retries with backoff, and the outbox the Sync queue tab lists."""

from __future__ import annotations

import time

from app.store import outbox
from app.store.activity import fetch_open_errors
from app.store.stock import save_manual_stock, save_warehouse_shares
from app.sync.catalog import sync_catalog
from app.sync.pusher import push_pending
from app.tiktok.retry import RetryPolicy
from tests.stock.conftest import StockShop, active_skus

UPDATE = "/inventory/update"


def now() -> int:
    return int(time.time())


async def no_pull() -> None:
    """Pushes in these tests need no fresh orders (and faults would break the pull)."""


async def test_edits_land_in_the_sandbox_one_call_per_product(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    skus = active_skus(stock)
    by_product: dict[str, list] = {}
    for row in skus:
        by_product.setdefault(row.product_id, []).append(row)
    chosen = [r for rows in by_product.values() for r in rows[:2]]
    for n, row in enumerate(chosen):
        save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 5 + n, now=now())
    calls = await stock.calls(UPDATE)
    result = await push_pending(stock.session)
    assert len(result.pushed) == len(chosen) and not result.failed
    assert result.update_calls == len(by_product) == await stock.calls(UPDATE) - calls
    inventory = await stock.inventory()
    for n, row in enumerate(chosen):
        after = stock.row(row.sku_id)
        assert after.target == 5 + n and after.tiktok_quantity == 5 + n
        assert sum(w["quantity"] for w in inventory[row.sku_id].values()) == 5 + n
        assert not after.pending_push and not after.estimate
    again = await push_pending(stock.session)
    assert again.update_calls == 0 and await stock.calls(UPDATE) - calls == len(by_product)


async def test_edits_to_one_sku_coalesce_and_the_last_wins(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = active_skus(stock)[0]
    ids = {
        save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + n, now=now())
        for n in (40, 7, 12)
    }
    assert len(ids) == 1 and len(outbox.fetch_outbox(stock.db, include_finished=False)) == 1
    result = await push_pending(stock.session)
    assert result.update_calls == 1 and await stock.listed(row.sku_id) == 12


async def test_a_sku_in_several_warehouses_is_spread_over_all_of_them(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = active_skus(stock, multi=True)[0]
    before = (await stock.inventory())[row.sku_id]
    total_before = sum(w["quantity"] for w in before.values())
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 40, now=now())
    await push_pending(stock.session)
    after = (await stock.inventory())[row.sku_id]
    assert set(after) == set(before) and sum(w["quantity"] for w in after.values()) == 40
    for warehouse, level in before.items():  # TikTok's proportions, within rounding
        share = level["quantity"] / total_before if total_before else 0
        assert abs(after[warehouse]["quantity"] - 40 * share) <= 1
    first, second = list(after)
    save_warehouse_shares(stock.db, row.sku_id, {first: 1, second: 3})
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 20, now=now())
    await push_pending(stock.session)
    split = (await stock.inventory())[row.sku_id]
    assert (split[first]["quantity"], split[second]["quantity"]) == (5, 15)


async def test_buffers_keep_units_off_tiktok(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = active_skus(stock)[0]
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 10, buffer=3, now=now())
    await push_pending(stock.session)
    assert await stock.listed(row.sku_id) == 7
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 2, now=now())
    await push_pending(stock.session)
    assert await stock.listed(row.sku_id) == 0  # never below zero


async def test_inactive_products_get_a_clear_error_and_go_out_once_active(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = next(r for r in stock.rows().values() if r.product_status == "SELLER_DEACTIVATED")
    calls = await stock.calls(UPDATE)
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 9, now=now())
    result = await push_pending(stock.session)
    [failure] = result.failed
    assert "SELLER_DEACTIVATED" in failure.message and "ACTIVATE" in failure.message
    assert await stock.calls(UPDATE) == calls  # TikTok would refuse: no call made
    [item] = outbox.fetch_outbox(stock.db, include_finished=False)
    assert item["state"] == "failed" and item["next_retry_at"] is None and item["attempts"] == 1
    [error] = fetch_open_errors(stock.db)
    assert error["kind"] == "stock_push" and row.seller_sku in error["message"]
    assert "Seller Center" in error["action"]

    await stock.set_product(row.product_id, status="ACTIVATE")
    await stock.shop.later(1)
    await sync_catalog(stock.session)
    assert outbox.fetch_outbox(stock.db, include_finished=False)[0]["state"] == "pending"
    result = await push_pending(stock.session)
    assert [p.sku_id for p in result.pushed] == [row.sku_id]
    assert await stock.listed(row.sku_id) == 9 and fetch_open_errors(stock.db) == []


async def test_a_partial_failure_is_recorded_per_sku_with_tiktoks_code(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    rows = active_skus(stock)
    counts = dict(
        stock.db.execute("SELECT sku_id, count(*) FROM sku_warehouses GROUP BY sku_id").fetchall()
    )
    multi = next(
        r
        for r in rows
        if counts[r.sku_id] > 1 and any(o.product_id == r.product_id and o is not r for o in rows)
    )
    other = next(r for r in rows if r.product_id == multi.product_id and r is not multi)
    # Our copy of the catalogue lost one of the SKU's warehouses (TikTok changed it meanwhile).
    stock.db.execute(
        "DELETE FROM sku_warehouses WHERE rowid = (SELECT max(rowid) FROM sku_warehouses"
        " WHERE sku_id = ?)",
        [multi.sku_id],
    )
    save_manual_stock(stock.db, multi.sku_id, on_hand=multi.committed + 4, now=now())
    save_manual_stock(stock.db, other.sku_id, on_hand=other.committed + 6, now=now())
    result = await push_pending(stock.session)
    assert result.update_calls == 1
    assert [p.sku_id for p in result.pushed] == [other.sku_id]
    [failure] = result.failed
    assert failure.sku_id == multi.sku_id and failure.code == 12052990
    assert "12019028" in failure.message and "warehouse" in failure.message
    assert await stock.listed(other.sku_id) == 6
    [item] = outbox.fetch_outbox(stock.db, include_finished=False)
    assert item["last_code"] == 12052990 and item["next_retry_at"] is not None
    assert stock.row(multi.sku_id).push_state == "failed"
    # The push refreshed that product from TikTok; the creator retries and it goes through.
    assert outbox.save_outbox_retry(stock.db, item["id"], now=now())
    result = await push_pending(stock.session)
    assert [p.sku_id for p in result.pushed] == [multi.sku_id]
    assert await stock.listed(multi.sku_id) == 4


async def test_failures_retry_with_backoff_until_they_succeed(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    session = stock.session
    session.client.config = type(session.client.config)(
        **{**session.client.config.__dict__, "retry": RetryPolicy(max_attempts=2, base_delay=0.01)}
    )
    row = active_skus(stock)[0]
    save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 3, now=now())
    await stock.shop.admin.put("/sandbox/faults", json={"api_error_rate": 1.0})
    result = await push_pending(session, pull=no_pull)
    assert result.failed and not result.pushed
    [item] = outbox.fetch_outbox(stock.db, include_finished=False)
    assert item["state"] == "failed" and item["next_retry_at"] >= now() + 20
    assert "gave up after 2 attempts" in item["last_error"]
    # Not due yet: nothing is sent.
    assert (await push_pending(session, pull=no_pull)).update_calls == 0
    await stock.shop.admin.put("/sandbox/faults", json={"api_error_rate": 0.0})
    later = time.time() + 31
    result = await push_pending(session, clock=lambda: later)
    assert [p.sku_id for p in result.pushed] == [row.sku_id]
    [done] = [r for r in outbox.fetch_outbox(stock.db) if r["id"] == item["id"]]
    assert done["state"] == "done" and done["attempts"] == 2 and done["last_error"] == ""
    attempts = stock.db.execute(
        "SELECT outcome FROM stock_push_attempts WHERE outbox_id = ? ORDER BY id", [item["id"]]
    ).fetchall()
    assert [a[0] for a in attempts] == ["error", "ok"]


async def test_a_dropped_edit_is_never_pushed(stock_shop) -> None:
    stock: StockShop = await stock_shop()
    row = active_skus(stock)[0]
    listed = await stock.listed(row.sku_id)
    outbox_id = save_manual_stock(stock.db, row.sku_id, on_hand=row.committed + 1, now=now())
    assert outbox_id is not None and outbox.save_outbox_dropped(stock.db, outbox_id, now=now())
    assert (await push_pending(stock.session)).update_calls == 0
    assert await stock.listed(row.sku_id) == listed
    [dropped] = outbox.fetch_outbox(stock.db)
    assert dropped["state"] == "dropped" and dropped["seller_sku"] == row.seller_sku
    assert set(dropped) >= {
        "id",
        "kind",
        "ref",
        "sku_id",
        "state",
        "attempts",
        "next_retry_at",
        "last_error",
        "created_at",
        "updated_at",
    }


def test_an_edit_during_a_push_is_pushed_after_it(data_paths) -> None:
    from app.store.db import open_db

    db = open_db(data_paths.database)
    try:
        first = outbox.save_push_request(db, "sku", "product", reason="gui", now=1)
        [claimed] = outbox.save_claimed(db, now=2)
        again = outbox.save_push_request(db, "sku", "product", reason="gui", now=3)
        assert again == first
        assert outbox.save_done(db, claimed, quantity=5, now=4)
        [row] = outbox.fetch_outbox(db)
        assert row["state"] == "pending"  # the newer edit still has to go out
        [claimed] = outbox.save_claimed(db, now=5)
        outbox.save_done(db, claimed, quantity=6, now=6)
        assert outbox.fetch_outbox(db)[0]["state"] == "done"
        assert outbox.fetch_outbox_counts(db) == {"pending": 0, "in_flight": 0, "failed": 0}
    finally:
        db.close()
