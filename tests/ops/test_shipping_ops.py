"""`app.ops.shipping`: typed problems a row can be placed by, and queued shipments as Changes."""

from __future__ import annotations

import time

import pytest

from app.changes import Kind
from app.ops.problems import ProblemsError
from app.ops.shipping import (
    MISSING_CARRIER,
    MISSING_TRACKING,
    ORDER_UNKNOWN,
    UNKNOWN_CARRIER,
    Shipment,
    check_shipment,
    plan_ship_csv,
    queue_shipments,
)
from app.queries.writes import fetch_writes
from tests.fulfillment.test_shipping import provider_of


async def test_a_row_with_nothing_typed_gets_one_problem_per_field(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    checked = check_shipment(ship.session.db, shipment=Shipment(order["id"]))
    assert checked.request is None
    assert [(p.code, p.field, p.order_id) for p in checked.problems] == [
        (MISSING_TRACKING, "tracking", order["id"]),
        (MISSING_CARRIER, "provider", order["id"]),
    ]
    assert [p.message for p in checked.problems] == [
        "Enter the tracking number",
        "Choose a carrier",
    ]
    assert all(p.is_input for p in checked.problems)
    assert "shopdesk ship --providers" in checked.problems[1].for_cli()


async def test_an_unknown_carrier_is_named_without_the_command_lines_hint(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    await provider_of(ship, order["id"])
    shipment = Shipment(order["id"], tracking="JX12345678", provider="Pigeon Post")
    [problem] = check_shipment(ship.session.db, shipment=shipment).problems
    assert problem.code == UNKNOWN_CARRIER and problem.order_id == order["id"]
    assert problem.message == "Not one of TikTok's carriers for this order: 'Pigeon Post'"
    assert "shopdesk" not in problem.message and "shopdesk ship" in problem.for_cli()


async def test_a_file_names_each_line_and_its_order(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    _pid, name = await provider_of(ship, order["id"])
    text = (
        "order_id,tracking_number,provider\n"
        f"{order['id']},CSV000001,{name}\n"
        "999999999999999999,CSV000002,USPS\n"
    )
    with pytest.raises(ProblemsError) as caught:
        plan_ship_csv(ship.session.db, text=text)
    [problem] = caught.value.problems
    assert (problem.line, problem.order_id, problem.code) == (
        3,
        "999999999999999999",
        ORDER_UNKNOWN,
    )
    assert problem.for_people().startswith("Line 3: order 999999999999999999 is not in Shopdesk")
    assert problem.for_cli().startswith("line 3: order 999999999999999999")


async def test_queuing_checks_again_and_reports_the_outbox_rows_as_changes(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    provider_id, _name = await provider_of(ship, order["id"])
    db, now = ship.session.db, int(time.time())
    good = Shipment(order["id"], tracking="JX12345678", provider=provider_id)
    queued = queue_shipments(db, shipments=[good], now=now)
    assert set(queued.outbox_ids) == {order["id"]}
    assert queued.changes.kinds() == {Kind.OUTBOX}
    assert queued.changes.outbox == set(queued.outbox_ids.values())
    other = await ship.place()
    before = len(fetch_writes(db, other["id"]))
    with pytest.raises(ProblemsError) as caught:
        queue_shipments(db, shipments=[good, Shipment(other["id"])], now=now)
    assert {p.order_id for p in caught.value.problems} == {other["id"]}
    assert len(fetch_writes(db, other["id"])) == before  # one bad row queues nothing
