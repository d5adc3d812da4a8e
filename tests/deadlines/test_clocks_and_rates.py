"""Late and due counts and the late dispatch rate, against a hand-computed seeded set."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.commands import deadlines as command
from app.commands.status import collect_status
from app.queries.deadlines import deadline_report
from app.sync.poller import poll_once
from app.working_hours import WorkingHours
from tests.fulfillment.conftest import ShipShop

HOUR, DAY = 3600, 86400
EVERY_HOUR = WorkingHours(
    days=[0, 1, 2, 3, 4, 5, 6], start="00:00", end="23:59", cutoff="23:59", timezone="UTC"
)


async def _now(s: ShipShop) -> int:
    return int((await s.shop.admin.get("/sandbox/clock")).json()["now"])


async def _advance(s: ShipShop, seconds: int) -> None:
    r = await s.shop.admin.post("/sandbox/clock", json={"advance_seconds": seconds})
    assert r.status_code == 200, r.text


async def _status(s: ShipShop, order_id: str, status: str, **extra: Any) -> dict[str, Any]:
    r = await s.shop.admin.post(
        f"/sandbox/orders/{order_id}/status", json={"status": status, **extra}
    )
    assert r.status_code == 200, r.text
    return r.json()["order"]


async def test_seeded_orders_give_the_hand_computed_counts_and_rates(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    s = await ship_shop(orders=0)
    t0 = await _now(s)
    on_time, late_shipped, seller_cancelled, open_late = [(await s.place())["id"] for _ in range(4)]
    await _status(s, on_time, "AWAITING_COLLECTION")  # shipped at once: before its ship-by
    await _status(s, seller_cancelled, "CANCELLED", cancellation_initiator="SELLER")
    await _advance(s, 5 * HOUR)
    due_soon = (await s.place())["id"]  # ship-by 2 days after: 3 h after the end
    await _advance(s, 15 * HOUR)
    due_today = (await s.place())["id"]  # ship-by 18 h after the end
    await _advance(s, t0 + 2 * DAY + HOUR - await _now(s))
    await _status(s, late_shipped, "AWAITING_COLLECTION")  # an hour after its ship-by
    await _advance(s, HOUR)
    not_due = (await s.place())["id"]  # two days to go
    truth = await s.shop.truth()
    sla = {i: truth[i]["rts_sla_time"] for i in truth}
    assert truth[late_shipped]["rts_time"] > sla[late_shipped]
    await _advance(s, 2)
    await poll_once(s.session)
    now = await _now(s)

    # The seeded set is what the hand computation below assumes.
    assert sla[open_late] < now and sla[late_shipped] < now
    assert now < sla[due_soon] <= now + 4 * HOUR
    assert now + 4 * HOUR < sla[due_today] <= now + 24 * HOUR
    assert sla[not_due] > now + 24 * HOUR

    report = deadline_report(s.session.db, now, EVERY_HOUR)
    c = report.counts
    # Still to ship: open_late, due_soon, due_today, not_due (on_time and late_shipped went).
    assert (c.to_ship, c.late, c.due_4h, c.due_24h) == (4, 1, 1, 2)
    assert c.next_due == sla[due_soon]
    ldr, sfcr, vtr = report.rates
    # Judged: ship-by passed inside 7 days and not cancelled before it: on_time,
    # late_shipped, open_late. Late: late_shipped (an hour after) and open_late (never).
    assert (ldr.judged, ldr.bad, set(ldr.movers)) == (3, 2, {late_shipped, open_late})
    assert ldr.value == 2 / 3 and ldr.breached
    # Seven paid orders, one cancelled by the seller.
    assert (sfcr.judged, sfcr.bad, sfcr.movers) == (7, 1, (seller_cancelled,))
    assert vtr.value is None  # no tracking read yet
    to_ship = [o.order_id for o in report.orders if o.ship_by is not None]
    assert to_ship == [open_late, due_soon, due_today, not_due]  # soonest first
    collect = {o.order_id for o in report.orders if o.status == "AWAITING_COLLECTION"}
    assert collect == {on_time, late_shipped}

    out = command.as_json(command.read_report(s.shop.paths, now))
    assert {k: out["deadlines"][k] for k in ("late", "due_4h", "due_24h")} == {
        "late": 1,
        "due_4h": 1,
        "due_24h": 2,
    }
    assert out["health"]["late_dispatch_rate"] == 2 / 3
    assert out["health"]["seller_fault_cancellation_rate"] == 1 / 7
    assert out["orders"][0]["state"] == "late"
    status = collect_status(s.shop.paths, now)
    assert status["deadlines"]["late"] == 1 and status["deadlines"]["due_24h"] == 2
    assert status["health"]["window_days"] == 7
    assert status["health"]["late_dispatch_rate"] == 2 / 3
    assert status["health"]["valid_tracking_rate"] is None
