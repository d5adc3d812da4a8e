"""A tracking number that does not fit its carrier is refused before anything is sent, until
the creator ships it anyway; TikTok's own warning still comes back. US shops can ask TikTok
Shop's TTS Tracking Validation about each number (the sandbox answers as documented)."""

from __future__ import annotations

import time

import pytest

from app.ops.problems import ProblemsError, UsageError
from app.ops.shipping import (
    TRACKING_MISMATCH,
    Shipment,
    check_shipment,
    plan_ship_csv,
    queue_shipments,
)
from app.ops.tracking import check_with_tiktok, offers_tiktok_check
from app.store import fulfillment as store
from app.sync.ship_requests import check_request
from tests.labels.test_buy_labels import US_LOCAL

UPS_NUMBER = "1Z999AA10123456784"
USPS_NUMBER = "9400111899223344556677"


async def carrier_id(ship, order_id: str, name: str) -> str:
    providers = {n: pid for pid, n in await ship.fulfiller.providers(order_id)}
    return providers[name]


async def test_a_ups_number_for_usps_is_refused_then_shipped_anyway(ship_shop) -> None:
    ship = await ship_shop(**US_LOCAL)  # TikTok warns US local sellers
    order = await ship.place()
    usps = await carrier_id(ship, order["id"], "USPS")
    db = ship.session.db
    odd = Shipment(order["id"], tracking=UPS_NUMBER, provider=usps)
    checked = check_shipment(db, shipment=odd)
    assert checked.request is None
    [problem] = checked.problems
    assert (problem.code, problem.order_id, problem.field) == (
        TRACKING_MISMATCH,
        order["id"],
        "tracking",
    )
    assert problem.message.startswith(f"{UPS_NUMBER} does not look like a USPS tracking number")
    assert "ship it anyway" in problem.message and "--anyway" not in problem.message
    assert "add --anyway" in problem.for_cli()
    with pytest.raises(ProblemsError):
        queue_shipments(db, shipments=[odd], now=int(time.time()))
    assert store.fetch_next_write_due(db) is None  # nothing queued

    fine = Shipment(order["id"], tracking=USPS_NUMBER, provider="usps")
    assert check_shipment(db, shipment=fine).request is not None

    anyway = Shipment(order["id"], tracking=UPS_NUMBER, provider=usps, anyway=True)
    queued = queue_shipments(db, shipments=[anyway], now=int(time.time()))
    assert list(queued.outbox_ids) == [order["id"]]
    result = await ship.fulfiller.push_writes()
    [outcome] = result.outcomes
    assert outcome.ok
    # TikTok's own warning after the call (the sandbox infers the carrier as TikTok does).
    assert "Did you mean to select UPS?" in str(outcome.result.get("warning"))
    assert (await ship.order(order["id"]))["status"] == "AWAITING_COLLECTION"


async def test_the_sync_checks_alone_do_not_judge_the_carrier(ship_shop) -> None:
    """The guard is the ops layer's: the engine's own checks (and the pack station's) pass."""
    ship = await ship_shop()
    order = await ship.place()
    usps = await carrier_id(ship, order["id"], "USPS")
    request, problems = check_request(
        ship.session.db, order["id"], tracking="X1234567", provider=usps
    )
    assert request is not None and problems == []


async def test_a_file_line_with_an_odd_number_is_named_and_can_be_shipped_anyway(
    ship_shop,
) -> None:
    ship = await ship_shop()
    first, second = await ship.place(), await ship.place()
    await carrier_id(ship, first["id"], "USPS")
    text = (
        "order_id,tracking_number,provider\n"
        f"{first['id']},{USPS_NUMBER},USPS\n"
        f"{second['id']},CSV000002,FedEx\n"
    )
    with pytest.raises(ProblemsError) as caught:
        plan_ship_csv(ship.session.db, text=text)
    [problem] = caught.value.problems
    assert (problem.code, problem.line, problem.order_id) == (TRACKING_MISMATCH, 3, second["id"])
    assert problem.for_people().startswith(
        "Line 3: tracking number CSV000002 does not look like FedEx's (12, 15, 20 or 22 digits)"
    )
    assert problem.for_cli().startswith("line 3: tracking number CSV000002")
    assert "--anyway" in problem.for_cli() and "--anyway" not in problem.for_people()
    plan = plan_ship_csv(ship.session.db, text=text, anyway=True)
    assert [r.order_id for r in plan.requests] == [first["id"], second["id"]]
    assert plan.lines == {first["id"]: 2, second["id"]: 3}


async def test_tiktok_says_which_numbers_are_tiktok_shipping(ship_shop) -> None:
    ship = await ship_shop(**US_LOCAL)
    labelled = await ship.place(shipping_type="TIKTOK")
    request, problems = check_request(ship.session.db, labelled["id"], handover="DROP_OFF")
    assert request is not None, problems
    store.save_write(ship.session.db, store.SHIP, labelled["id"], request.payload(), now=1)
    assert (await ship.fulfiller.push_writes()).outcomes[0].ok
    label_number = (await ship.order(labelled["id"]))["line_items"][0]["tracking_number"]
    assert label_number
    assert offers_tiktok_check(ship.session.db)
    before = await ship.calls("tts_tracking_validation")
    checks = await check_with_tiktok(
        ship.session, numbers=[label_number, USPS_NUMBER, USPS_NUMBER, " "]
    )
    assert await ship.calls("tts_tracking_validation") - before == 2  # one per distinct number
    assert checks[label_number].tiktok_shipping
    assert (
        checks[label_number].words() == f"TikTok Shop: {label_number} is a TikTok Shipping number"
    )
    assert checks[USPS_NUMBER].answered and not checks[USPS_NUMBER].tiktok_shipping
    assert "not a TikTok Shipping or Collection by TikTok number" in checks[USPS_NUMBER].words()


async def test_the_tiktok_check_is_for_us_shops_only(ship_shop) -> None:
    ship = await ship_shop(region="GB")
    assert not offers_tiktok_check(ship.session.db)
    before = await ship.calls("tts_tracking_validation")
    with pytest.raises(UsageError, match="US shops only"):
        await check_with_tiktok(ship.session, numbers=[USPS_NUMBER])
    assert await ship.calls("tts_tracking_validation") == before
