"""Guards: ON_HOLD refuses shipping with 21011044's meaning; a seller cancellation is
refused until the creator has seen that it counts as seller fault; late answers are refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from app.ops.cancellations import cancel_order
from app.ops.guards import ON_HOLD, PAST_DEADLINE, SELLER_FAULT, late_answer_problem
from app.ops.problems import ProblemsError
from app.ops.shipping import Shipment, check_shipment, queue_shipments
from tests.deadlines.test_clocks_and_rates import _now
from tests.fulfillment.conftest import ShipShop


async def test_an_order_on_hold_cannot_be_shipped(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    s = await ship_shop(orders=0)
    held = await s.place(is_on_hold_order=True)
    assert held["status"] == "ON_HOLD"
    shipment = Shipment(held["id"], tracking="1Z999AA10123456784", provider="UPS")
    checked = check_shipment(s.session.db, shipment=shipment)
    assert checked.request is None
    [problem] = checked.problems
    assert problem.code == ON_HOLD and "21011044" in problem.message
    assert "wait the hour" in problem.message
    with pytest.raises(ProblemsError) as raised:
        queue_shipments(s.session.db, shipments=[shipment], now=await _now(s))
    assert [p.code for p in raised.value.problems] == [ON_HOLD]


async def test_a_seller_cancellation_is_refused_until_the_fault_is_accepted(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    s = await ship_shop(orders=0)
    orders = [(await s.place())["id"] for _ in range(4)]
    now, db = await _now(s), s.session.db
    with pytest.raises(ProblemsError) as raised:
        cancel_order(db, order_id=orders[0], reason="seller_cancel_reason_out_of_stock", now=now)
    [problem] = raised.value.problems
    assert problem.code == SELLER_FAULT
    # Four paid orders this week, none cancelled by the seller: 0% now, 1 in 4 after.
    assert "from 0.0% to 25.0%" in problem.message and "over TikTok's limit" in problem.message
    assert db.execute("SELECT count(*) FROM outbox WHERE kind = 'seller_cancel'").fetchone()[0] == 0
    done = cancel_order(
        db,
        order_id=orders[0],
        reason="seller_cancel_reason_out_of_stock",
        now=now,
        fault_accepted=True,
    )
    assert done.value and orders[0] in done.changes.cancellations


def test_an_answer_after_the_deadline_is_refused() -> None:
    assert late_answer_problem(1000, 999, order_id="1") is None
    assert late_answer_problem(None, 999, order_id="1") is None
    problem = late_answer_problem(1000, 1000, order_id="57")
    assert problem is not None and problem.code == PAST_DEADLINE and "57" in problem.message
