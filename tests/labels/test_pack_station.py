"""The pack station's scans over a real database: a seller-shipped order of two units ticked one
by one, one too many refused, the tracking number scanned last and the order shipped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.ops.labels import set_sku_profile
from app.ops.pack import Cue, PackStation, queue_ship, save_pack
from app.queries.labels import fetch_packs
from app.sync.poller import poll_once
from tests.fulfillment.conftest import ShipShop
from tests.fulfillment.test_shipping import provider_of


async def test_a_seller_order_is_packed_then_shipped_by_scanning_its_tracking_number(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(seller_type="LOCAL")
    order = await ship.place(shipping_type="SELLER")  # two units of one SKU
    db = ship.session.db
    sku = order["line_items"][0]
    set_sku_profile(db=db, sku_id=sku["sku_id"], barcode="0850000001", bin_location="B-02")
    _pid, carrier = await provider_of(ship, order["id"])
    station = PackStation(station="bench 1", carrier=carrier)

    assert station.scan(db, "12345").cue is Cue.WRONG  # no order yet
    opened = station.scan(db, order["id"])
    assert opened.cue is Cue.ORDER and "2 units" in opened.message
    assert station.scan(db, "SOMETHING-ELSE").cue is Cue.WRONG
    assert station.scan(db, "0850000001").cue is Cue.TICK  # the barcode
    done = station.scan(db, sku["seller_sku"], now=1_800_000_000)  # or the seller SKU
    assert done.cue is Cue.TRACKING and done.pack is not None
    assert done.pack.items == {sku["sku_id"]: 2} and done.pack.station == "bench 1"
    save_pack(db, done.pack)
    shipped = station.scan(db, "9400100000000000123456")
    assert shipped.cue is Cue.SHIPPED and shipped.ship == (order["id"], "9400100000000000123456")
    assert carrier == "USPS"  # the delivery option's first carrier
    refused = queue_ship(db, order["id"], "1Z999AA10123456784", carrier, now=1_800_000_001)
    assert refused and "does not look like a USPS tracking number" in refused[0]
    assert "use Ship… on the order" in refused[0]
    assert not fetch_packs(db, order["id"])[0]["tracking_number"]  # nothing was queued
    assert queue_ship(db, order["id"], "9400100000000000123456", carrier, now=1_800_000_001) == []
    (record,) = fetch_packs(db, order["id"])
    assert record["tracking_number"] == "9400100000000000123456" and record["station"] == "bench 1"
    result = await ship.fulfiller.push_writes()
    assert result.outcomes[0].ok, result.outcomes[0].message
    truth = await ship.order(order["id"])
    assert {i["tracking_number"] for i in truth["line_items"]} == {"9400100000000000123456"}


async def test_one_unit_too_many_is_refused(ship_shop: Callable[..., Awaitable[ShipShop]]) -> None:
    ship = await ship_shop(seller_type="LOCAL")
    rows = (await ship.shop.admin.get("/sandbox/inventory")).json()["skus"]
    two = list({r["sku_id"]: r for r in rows if r["quantity"] > 3}.values())[:2]
    answer = await ship.shop.admin.post(
        "/sandbox/orders",
        json={
            "line_items": [{"sku_id": r["sku_id"], "quantity": 1} for r in two],
            "paid": True,
            "is_on_hold_order": False,
            "shipping_type": "TIKTOK",
        },
    )
    order = answer.json()["order"]
    await ship.shop.later()
    await poll_once(ship.session)
    db = ship.session.db
    station = PackStation(station="bench 2")
    assert station.scan(db, order["id"]).cue is Cue.ORDER
    first = station.order.items[0] if station.order else None
    assert first is not None
    assert station.scan(db, first.seller_sku).cue is Cue.TICK
    too_many = station.scan(db, first.seller_sku)
    assert too_many.cue is Cue.WRONG and "TOO MANY" in too_many.message
    assert "not finished" in station.scan(db, order["id"]).message
    last = station.scan(db, station.order.items[1].seller_sku)
    assert last.cue is Cue.PACKED  # TikTok Shipping: the label is the shipment
