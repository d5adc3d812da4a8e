"""A write whose outcome stayed unknown (the answer lost, and the check right after it failed
too) is checked with TikTok before it is sent again: it had landed, so it is done, once."""

from __future__ import annotations

from dataclasses import replace

from app.tiktok.retry import RetryPolicy
from tests.fulfillment.test_shipping import provider_of, queue_ship


async def test_an_unknown_outcome_is_checked_before_the_retry_sends_it(ship_shop) -> None:
    ship = await ship_shop()
    client = ship.session.client
    client.config = replace(client.config, retry=RetryPolicy(max_attempts=2, base_delay=0.01))
    order = await ship.place()
    _pid, name = await provider_of(ship, order["id"])
    await queue_ship(ship, order["id"], "UNKN00001", name)
    packages = f"/orders/{order['id']}/packages"
    ship.transport.lose_after.append(packages)  # it lands; the answer is lost
    ship.transport.lose_before += ["/order/202309/orders"] * 2  # and the check cannot ask
    first = await ship.fulfiller.push_writes()
    assert [o.ok for o in first.outcomes] == [False]
    assert (await ship.order(order["id"]))["status"] != "AWAITING_SHIPMENT"  # it did land
    sent = await ship.calls(packages)
    ship.session.db.execute("UPDATE outbox SET next_retry_at = 0 WHERE ref = ?", [order["id"]])

    second = await ship.fulfiller.push_writes()
    assert [o.ok for o in second.outcomes] == [True]
    assert await ship.calls(packages) == sent, "mark-shipped went out a second time"
    state = ship.session.db.execute("SELECT state FROM outbox WHERE ref = ?", [order["id"]])
    assert [r[0] for r in state] == ["done"]
