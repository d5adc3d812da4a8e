"""Shipping a TikTok Shipping order that has no package (US local seller): the ship write buys
its label through eligible service + create package, once, instead of failing forever."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from app.store import fulfillment as store
from app.store.labels import fetch_label_orders
from app.sync.ship_requests import check_request
from tests.fulfillment.conftest import ShipShop
from tests.labels.test_buy_labels import US_LOCAL, calls, sandbox_labels


async def test_shipping_without_a_package_buys_the_label_once(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    request, problems = check_request(ship.session.db, order["id"], handover="DROP_OFF")
    assert request is not None, problems
    store.save_write(
        ship.session.db, store.SHIP, order["id"], request.payload(), now=int(time.time())
    )
    result = await ship.fulfiller.push_writes()
    assert result.outcomes[0].ok, result.outcomes[0].message
    assert (await ship.order(order["id"]))["status"] == "AWAITING_COLLECTION"
    assert ship.stored(order["id"])["status"] == "AWAITING_COLLECTION"
    assert (await calls(ship))["create"] == 1 and len(await sandbox_labels(ship, order["id"])) == 1
    label = fetch_label_orders(ship.session.db, [order["id"]])[order["id"]]
    assert label.state == "bought" and label.packages[0].file == ""  # printed from Labels


async def test_an_on_hold_order_is_refused_once_not_retried_forever(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")
    db = ship.session.db
    db.execute("UPDATE orders SET status = 'ON_HOLD' WHERE id = ?", [order["id"]])
    db.execute(
        "UPDATE order_raw SET raw = json_set(raw, '$.status', 'ON_HOLD') WHERE order_id = ?",
        [order["id"]],
    )
    payload = {"order_id": order["id"], "handover_method": "DROP_OFF"}
    store.save_write(ship.session.db, store.SHIP, order["id"], payload, now=int(time.time()))
    result = await ship.fulfiller.push_writes()
    (outcome,) = result.outcomes
    assert not outcome.ok and "on hold" in outcome.message
    assert (await calls(ship))["create"] == 0
    rows = ship.session.db.execute(
        "SELECT state, next_retry_at FROM outbox WHERE ref = ?", [order["id"]]
    ).fetchall()
    assert rows == [("failed", None)]  # refused: waits for the creator, no backoff loop
