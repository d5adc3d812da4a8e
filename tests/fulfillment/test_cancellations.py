"""Buyer cancellation requests: listed with deadlines, approved or rejected once; stock follows."""

from __future__ import annotations

import time

import pytest

from app.store import fulfillment as store
from app.store.stock_levels import fetch_stock_rows
from app.sync.catalog import sync_catalog
from app.sync.ship_requests import ShipRequestError, save_cancel_answer, save_seller_cancel
from app.sync.stock import stock_defaults
from app.tiktok.reasons import out_of_stock_reason, reject_reasons


async def request_cancel(ship, order_id: str) -> None:
    answer = await ship.shop.admin.post(f"/sandbox/orders/{order_id}/buyer_cancel_request")
    assert answer.status_code == 200, answer.text


def committed(ship, sku_id: str) -> int:
    rows = fetch_stock_rows(ship.session.db, stock_defaults(ship.session.settings))
    return next(r.committed for r in rows if r.sku_id == sku_id)


async def test_requests_are_listed_with_deadlines_soonest_first(ship_shop) -> None:
    ship = await ship_shop()
    orders = [await ship.place() for _ in range(3)]
    for order in orders:
        await request_cancel(ship, order["id"])
    await ship.fulfiller.sync_cancellations()
    queue = store.fetch_open_requests(ship.session.db)
    ours = [r for r in queue if r["order_id"] in {o["id"] for o in orders}]
    assert len(ours) == 3
    deadlines = [r["deadline"] for r in queue]
    assert all(d and d > time.time() for d in deadlines) and deadlines == sorted(deadlines)


async def test_approving_cancels_the_order_once_and_releases_committed_stock(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    sku = order["line_items"][0]["sku_id"]
    await sync_catalog(ship.session)
    held = committed(ship, sku)
    await request_cancel(ship, order["id"])
    await ship.fulfiller.sync_cancellations()
    [request] = [
        r for r in store.fetch_open_requests(ship.session.db) if r["order_id"] == order["id"]
    ]
    save_cancel_answer(ship.session.db, request["cancel_id"], approve=True, now=int(time.time()))
    path = f"/cancellations/{request['cancel_id']}/approve"
    ship.transport.lose_after.append(path)  # the first answer is lost on the way back
    result = await ship.fulfiller.push_writes()
    # the client sent it again with the same idempotency key; TikTok acted once
    assert [o.ok for o in result.outcomes] == [True]
    assert await ship.calls(path) == 2
    records = (await ship.shop.admin.get("/sandbox/cancellations")).json()
    mine = [c for c in records.get("cancellations", records) if c["order_id"] == order["id"]]
    assert [c["cancel_status"] for c in mine] == ["CANCELLATION_REQUEST_SUCCESS"]
    assert (await ship.order(order["id"]))["status"] == "CANCELLED"
    db = ship.session.db
    assert ship.stored(order["id"])["status"] == "CANCELLED"
    assert committed(ship, sku) == held - 2
    assert store.fetch_open_requests(db) == [] or all(
        r["order_id"] != order["id"] for r in store.fetch_open_requests(db)
    )


async def test_rejecting_keeps_the_order_and_needs_a_documented_reason(ship_shop) -> None:
    ship = await ship_shop(region="GB")  # outside the US; there shipping rejects (test_markets)
    order = await ship.place()
    await request_cancel(ship, order["id"])
    await ship.fulfiller.sync_cancellations()
    [request] = [
        r for r in store.fetch_open_requests(ship.session.db) if r["order_id"] == order["id"]
    ]
    with pytest.raises(ShipRequestError, match="documented reasons"):
        save_cancel_answer(
            ship.session.db, request["cancel_id"], approve=False, reason="because", now=1
        )
    reason = next(iter(reject_reasons("GB")))
    save_cancel_answer(
        ship.session.db, request["cancel_id"], approve=False, reason=reason, now=int(time.time())
    )
    result = await ship.fulfiller.push_writes()
    assert [o.ok for o in result.outcomes] == [True]
    truth = await ship.order(order["id"])
    assert truth["status"] == "AWAITING_SHIPMENT" and not truth["is_buyer_request_cancel"]
    assert all(r["order_id"] != order["id"] for r in store.fetch_open_requests(ship.session.db))


async def test_the_seller_cancels_out_of_stock_with_the_reason_for_its_status(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    with pytest.raises(ShipRequestError, match="not allowed"):
        save_seller_cancel(
            ship.session.db, order["id"], "seller_cancel_unpaid_reason_wrong_price", now=1
        )
    reason = out_of_stock_reason("AWAITING_SHIPMENT")
    save_seller_cancel(ship.session.db, order["id"], reason, now=int(time.time()))
    result = await ship.fulfiller.push_writes()
    assert [o.ok for o in result.outcomes] == [True], result.outcomes
    assert (await ship.order(order["id"]))["status"] == "CANCELLED"
    assert ship.stored(order["id"])["status"] == "CANCELLED"


async def test_a_long_look_back_is_saved_a_few_at_a_time_and_all_of_it_lands(
    ship_shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.store.cursors import fetch_cursor
    from app.sync import fulfillment as sync_fulfillment

    monkeypatch.setattr(sync_fulfillment, "CANCELLATIONS_PER_SAVE", 2)
    ship = await ship_shop()
    orders = [await ship.place() for _ in range(5)]
    for order in orders:
        await request_cancel(ship, order["id"])
    batches: list[int] = []
    save = store.save_cancellations
    monkeypatch.setattr(
        store,
        "save_cancellations",
        lambda db, page, **kw: batches.append(len(page)) or save(db, page, **kw),
    )
    saved = await ship.fulfiller.sync_cancellations()
    assert saved >= 5 and max(batches) <= 2 and sum(batches) == saved
    stored = store.fetch_open_requests(ship.session.db)
    assert {o["id"] for o in orders} <= {r["order_id"] for r in stored}
    cursor = fetch_cursor(
        ship.session.db, ship.session.shop.id, sync_fulfillment.CANCELLATIONS_CURSOR
    )
    newest = ship.session.db.execute("SELECT max(update_time) FROM cancellations").fetchone()[0]
    assert cursor == newest  # the look back resumes from the newest it saved
