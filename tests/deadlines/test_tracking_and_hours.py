"""Valid tracking from Get Tracking reads, and packing hours that make an order at risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from app.queries.deadlines import deadline_report
from app.store.shop_health import valid_tracking
from app.sync.poller import poll_once
from app.sync.tracking_reads import read_tracking
from app.working_hours import WorkingHours
from tests.deadlines.test_clocks_and_rates import _advance, _now
from tests.fulfillment.conftest import ShipShop

HOUR, DAY = 3600, 86400


async def test_valid_tracking_counts_carrier_scans_and_reads_each_order_sparingly(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    s = await ship_shop(orders=0)
    delivered, collected, never_scanned = [(await s.place())["id"] for _ in range(3)]
    for order_id in (delivered, collected, never_scanned):
        await s.shop.move(order_id, "AWAITING_COLLECTION")
    truth = await s.shop.truth()
    for order_id in (delivered, collected):
        package = truth[order_id]["line_items"][0]["package_id"]
        await _advance(s, HOUR)
        assert (await s.shop.admin.post(f"/sandbox/packages/{package}/collect")).status_code == 200
        if order_id == delivered:
            await _advance(s, DAY)
            r = await s.shop.admin.post(f"/sandbox/packages/{package}/deliver")
            assert r.status_code == 200
    await _advance(s, 2 * DAY)
    await poll_once(s.session)
    now = await _now(s)

    assert valid_tracking(s.session.db, now).judged == 0  # nothing read yet: not judged
    await read_tracking(s.session, now)
    assert await s.calls("/tracking") == 3
    rate = valid_tracking(s.session.db, now)
    # The seller's "shipment arranged" step is no scan: delivered has two, collected one.
    assert (rate.judged, rate.bad, set(rate.movers)) == (3, 2, {collected, never_scanned})
    assert rate.value == 1 / 3 and rate.breached
    await read_tracking(s.session, now + 60)  # read a minute ago: nothing is read again
    assert await s.calls("/tracking") == 3
    await read_tracking(s.session, now + 7 * HOUR)  # the two without two scans, again
    assert await s.calls("/tracking") == 5


def test_handovers_skip_days_off_and_the_cutoff() -> None:
    hours = WorkingHours(
        days=[0, 1, 2, 3, 4], start="09:00", end="17:00", cutoff="15:00", timezone="UTC"
    )
    friday_4pm = int(dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC).timestamp())
    monday, tuesday = hours.handovers(friday_4pm, 2)
    assert dt.datetime.fromtimestamp(monday, dt.UTC) == dt.datetime(
        2026, 12, 7, 15, 0, tzinfo=dt.UTC
    )
    assert tuesday - monday == DAY
    friday_10am = friday_4pm - 6 * HOUR
    assert hours.handovers(friday_10am, 1) == [friday_4pm - HOUR]  # today's 15:00


async def test_an_order_due_before_the_next_packing_day_is_at_risk(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    s = await ship_shop(orders=0)
    order = await s.place()
    now = await _now(s)
    today = dt.datetime.fromtimestamp(now, dt.UTC).weekday()
    # Packing only three days from now: the two-day ship-by comes first.
    away = WorkingHours(
        days=[(today + 3) % 7], start="00:00", end="23:59", cutoff="23:59", timezone="UTC"
    )
    counts = deadline_report(s.session.db, now, away).counts
    assert (counts.to_ship, counts.at_risk, counts.due_next) == (1, 1, 0)
    # Packing every day: it must go with a hand-over before its ship-by, not at risk yet.
    daily = away.model_copy(update={"days": list(range(7))})
    counts = deadline_report(s.session.db, now, daily).counts
    assert (counts.at_risk, counts.late) == (0, 0)
    assert order["rts_sla_time"] > now
