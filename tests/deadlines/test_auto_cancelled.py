"""An order nobody shipped by its shipping due time: the sandbox cancels it as TikTok does,
Shopdesk shows it cancelled by the system, and the shop-health estimate counts it (late, and
seller fault: a missed shipping deadline, FACTS.md 9.6)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.queries.deadlines import deadline_report
from app.queries.orders import fetch_order
from app.sync.poller import poll_once
from tests.deadlines.test_clocks_and_rates import EVERY_HOUR, _advance, _now
from tests.fulfillment.conftest import ShipShop


async def test_an_order_past_its_shipping_due_time_is_cancelled_and_counted(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    s = await ship_shop(orders=0)
    forgotten, other = (await s.place())["id"], (await s.place())["id"]
    due = (await s.shop.truth())[forgotten]["shipping_due_time"]
    await _advance(s, due - await _now(s) - 60)
    await poll_once(s.session)
    before = deadline_report(s.session.db, await _now(s), EVERY_HOUR)
    assert before.counts.late == 2 and before.counts.to_ship == 2

    await _advance(s, 120)  # past the due time: TikTok cancels both, by itself
    await poll_once(s.session)
    order = fetch_order(s.session.db, forgotten)
    assert order is not None and order.status == "CANCELLED"
    assert order.cancellation_initiator == "SYSTEM" and order.cancel_time == due
    now = await _now(s)
    report = deadline_report(s.session.db, now, EVERY_HOUR)
    assert report.counts.to_ship == 0 and report.counts.late == 0  # nothing left to ship
    ldr, sfcr, _vtr = report.rates
    assert (ldr.judged, ldr.bad, set(ldr.movers)) == (2, 2, {forgotten, other})
    assert (sfcr.judged, sfcr.bad, set(sfcr.movers)) == (2, 2, {forgotten, other})
