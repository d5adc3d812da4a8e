"""Shipping against the sandbox: it reaches TikTok once, shows in SQLite, refusals are plain."""

from __future__ import annotations

import time

import pytest

from app.ops.problems import ProblemsError
from app.store import fulfillment as store
from app.store.activity import fetch_open_errors
from app.sync.ship_requests import check_request, plan_ship_file, save_plan


async def provider_of(ship, order_id: str) -> tuple[str, str]:
    providers = await ship.fulfiller.providers(order_id)
    assert providers, "the seller's delivery option lists carriers"
    return providers[0]


async def queue_ship(ship, order_id: str, tracking: str, provider: str) -> None:
    request, problems = check_request(
        ship.session.db, order_id, tracking=tracking, provider=provider
    )
    assert request is not None, problems
    store.save_write(ship.session.db, store.SHIP, order_id, request.payload(), now=int(time.time()))


async def test_a_shipped_order_moves_on_in_tiktok_and_in_sqlite(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    _provider_id, name = await provider_of(ship, order["id"])
    await queue_ship(ship, order["id"], "JX12345678", name.upper())  # a name works too
    result = await ship.fulfiller.push_writes()
    assert [o.ok for o in result.outcomes] == [True]
    truth = await ship.order(order["id"])
    assert truth["status"] in ("AWAITING_COLLECTION", "IN_TRANSIT")
    assert ship.stored(order["id"])["status"] == truth["status"]
    assert {i["tracking_number"] for i in truth["line_items"]} == {"JX12345678"}
    assert result.outcomes[0].result["package_id"]


async def test_a_retry_after_a_lost_answer_ships_once(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    _pid, name = await provider_of(ship, order["id"])
    await queue_ship(ship, order["id"], "LOST0001", name)
    ship.transport.lose_after.append(f"/orders/{order['id']}/packages")
    before = await ship.calls(f"/orders/{order['id']}/packages")
    result = await ship.fulfiller.push_writes()
    assert [o.ok for o in result.outcomes] == [True]
    # TikTok saw exactly one request; the check read the order instead of sending again
    assert await ship.calls(f"/orders/{order['id']}/packages") - before == 1
    truth = await ship.order(order["id"])
    assert len({i["package_id"] for i in truth["line_items"]}) == 1


async def test_a_request_that_never_arrived_is_sent_again(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place()
    _pid, name = await provider_of(ship, order["id"])
    await queue_ship(ship, order["id"], "NEVER0001", name)
    ship.transport.lose_before.append(f"/orders/{order['id']}/packages")
    result = await ship.fulfiller.push_writes()
    assert [o.ok for o in result.outcomes] == [True]
    assert (await ship.order(order["id"]))["status"] in ("AWAITING_COLLECTION", "IN_TRANSIT")


async def test_documented_refusals_come_back_on_the_order(ship_shop) -> None:
    ship = await ship_shop()
    db = ship.session.db
    shipped, cancelled, bad, dup_a, dup_b = [await ship.place() for _ in range(5)]
    provider_id, _name = await provider_of(ship, shipped["id"])
    now = int(time.time())
    payload = {"shipping_provider_id": provider_id}
    store.save_write(
        db, store.SHIP, shipped["id"], {**payload, "tracking_number": "FIRST0001"}, now=now
    )
    await ship.fulfiller.push_writes()
    # queued straight into the outbox, as if the local checks had not known better
    store.save_write(
        db, store.SHIP, shipped["id"], {**payload, "tracking_number": "AGAIN0001"}, now=now
    )
    await ship.shop.admin.post(
        f"/sandbox/orders/{cancelled['id']}/status", json={"status": "CANCELLED"}
    )
    store.save_write(
        db, store.SHIP, cancelled["id"], {**payload, "tracking_number": "CANC0001"}, now=now
    )
    store.save_write(db, store.SHIP, bad["id"], {**payload, "tracking_number": "!!"}, now=now)
    store.save_write(
        db, store.SHIP, dup_a["id"], {**payload, "tracking_number": "TWIN0001"}, now=now
    )
    await ship.fulfiller.push_writes()
    store.save_write(
        db, store.SHIP, dup_b["id"], {**payload, "tracking_number": "TWIN0001"}, now=now
    )
    result = await ship.fulfiller.push_writes()
    messages = {o.ref: o.message for o in result.outcomes}
    assert "already used" in messages[dup_b["id"]]
    errors = {e["ref"]: e["message"] for e in fetch_open_errors(db)}
    assert "already shipped" in errors[shipped["id"]]
    assert "cancelled meanwhile" in errors[cancelled["id"]]
    assert "invalid tracking number" in errors[bad["id"]]
    latest = store.fetch_writes(db, shipped["id"])[0]  # the second attempt, kept visible
    assert latest["state"] == "failed" and "already shipped" in latest["last_error"]


async def test_an_after_sale_request_blocks_shipping_with_a_clear_message(ship_shop) -> None:
    ship = await ship_shop(region="GB")  # outside the US (there shipping rejects the request)
    order = await ship.place()
    provider_id, name = await provider_of(ship, order["id"])
    await ship.shop.admin.post(f"/sandbox/orders/{order['id']}/buyer_cancel_request")
    # TikTok refuses it even before Shopdesk has heard of the request
    store.save_write(
        ship.session.db,
        store.SHIP,
        order["id"],
        {"tracking_number": "ASALE0001", "shipping_provider_id": provider_id},
        now=int(time.time()),
    )
    result = await ship.fulfiller.push_writes()
    assert "after-sale request pending" in result.outcomes[0].message
    # and once Shopdesk knows the request, it does not even queue the shipment
    await ship.fulfiller.sync_cancellations()
    request, problems = check_request(
        ship.session.db, order["id"], tracking="ASALE0002", provider=name
    )
    assert request is None and "asked to cancel" in problems[0].for_cli()


async def test_tiktok_shipping_hands_the_package_over(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place(shipping_type="TIKTOK")
    request, problems = check_request(ship.session.db, order["id"], handover="DROP_OFF")
    assert request is not None, problems
    store.save_write(
        ship.session.db, store.SHIP, order["id"], request.payload(), now=int(time.time())
    )
    result = await ship.fulfiller.push_writes()
    assert result.outcomes[0].ok, result.outcomes[0].message
    assert (await ship.order(order["id"]))["status"] in ("AWAITING_COLLECTION", "IN_TRANSIT")
    # and a tracking number alone is refused locally for a TikTok-shipped order
    other = await ship.place(shipping_type="TIKTOK")
    request, problems = check_request(
        ship.session.db, other["id"], tracking="X1234567", provider="USPS"
    )
    assert request is None and "handover" in problems[0].for_cli()


async def test_a_bad_csv_queues_nothing_and_names_every_line(ship_shop) -> None:
    ship = await ship_shop()
    good, done = await ship.place(), await ship.place()
    _pid, name = await provider_of(ship, good["id"])
    await ship.shop.admin.post(f"/sandbox/orders/{done['id']}/status", json={"status": "CANCELLED"})
    from app.sync.poller import poll_once

    await ship.shop.later()
    await poll_once(ship.session)
    text = (
        "order_id,tracking_number,provider\n"
        f"{good['id']},GOOD00001,{name}\n"
        "999999999999999999,GOOD00002,USPS\n"
        f"{done['id']},GOOD00003,{name}\n"
        f"{good['id']},GOOD00004,{name}\n"
        f"{good['id']}X,bad tracking,{name}\n"
    )
    with pytest.raises(ProblemsError) as info:
        plan_ship_file(ship.session.db, text)
    problems = [p.for_cli() for p in info.value.problems]
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5", "line 6"]
    assert "not in Shopdesk" in problems[0] and "CANCELLED" in problems[1]
    assert "already on line 2" in problems[2]
    assert store.fetch_next_write_due(ship.session.db) is None
    plan = plan_ship_file(ship.session.db, text.splitlines()[0] + "\n" + text.splitlines()[1])
    assert len(save_plan(ship.session.db, plan, now=int(time.time()))) == 1
