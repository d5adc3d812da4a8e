"""TikTok's per-market rules as Shopdesk meets them: US requests, reasons, holds and warnings."""

from __future__ import annotations

import time

import pytest

from app.gui.write_text import describe_write
from app.store import fulfillment as store
from app.sync.fulfillment_service import TRACKING_WARNING, FulfillmentService
from app.sync.inbox import Notice
from app.sync.outlet import Outlet
from app.sync.ship_requests import (
    ShipRequestError,
    check_request,
    save_cancel_answer,
    save_seller_cancel,
)
from app.tiktok.fulfillment import FulfillmentRefused
from app.tiktok.reasons import reject_reasons, seller_cancel_reasons
from tests.fulfillment.test_cancellations import request_cancel
from tests.fulfillment.test_shipping import provider_of, queue_ship

UPS = "6617675021119438850"


async def open_request(ship, order_id: str) -> str:
    await request_cancel(ship, order_id)
    await ship.fulfiller.sync_cancellations()
    [found] = [r for r in store.fetch_open_requests(ship.session.db) if r["order_id"] == order_id]
    return str(found["cancel_id"])


async def test_in_the_us_shipping_is_how_a_request_is_rejected(ship_shop) -> None:
    ship = await ship_shop(region="US")
    order = await ship.place()
    cancel_id = await open_request(ship, order["id"])
    with pytest.raises(ShipRequestError, match="rejected by shipping the order"):
        save_cancel_answer(
            ship.session.db,
            cancel_id,
            approve=False,
            reason="seller_reject_apply_product_has_been_packed",
            now=int(time.time()),
        )
    provider_id, _name = await provider_of(ship, order["id"])
    await queue_ship(ship, order["id"], "9400111122223333444455", provider_id)  # allowed
    result = await ship.fulfiller.push_writes()
    assert [o.ok for o in result.outcomes] == [True], result.outcomes
    truth = await ship.order(order["id"])
    assert truth["status"] == "AWAITING_COLLECTION" and not truth["is_buyer_request_cancel"]
    await ship.fulfiller.sync_cancellations(order_ids=[order["id"]])
    assert all(r["order_id"] != order["id"] for r in store.fetch_open_requests(ship.session.db))
    assert await ship.calls("/reject") == 0  # Reject Cancellation is never called in the US


async def test_outside_the_us_a_request_must_be_answered_before_shipping(ship_shop) -> None:
    ship = await ship_shop(region="GB")
    order = await ship.place()
    await open_request(ship, order["id"])
    provider_id, _name = await provider_of(ship, order["id"])
    request, problems = check_request(
        ship.session.db, order["id"], tracking="JX12345678", provider=provider_id
    )
    assert request is None
    assert problems == [f"the buyer asked to cancel order {order['id']}: answer that request first"]


async def test_a_uk_shop_offers_and_sends_only_uk_reasons(ship_shop) -> None:
    ship = await ship_shop(region="GB")
    order = await ship.place()
    offered = seller_cancel_reasons("AWAITING_SHIPMENT", "GB")
    assert offered and all(name.endswith("_uk") for name in offered)
    with pytest.raises(ShipRequestError, match="not allowed"):
        save_seller_cancel(ship.session.db, order["id"], "seller_cancel_reason_out_of_stock", now=1)
    save_seller_cancel(
        ship.session.db, order["id"], "seller_cancel_reason_out_of_stock_uk", now=int(time.time())
    )
    result = await ship.fulfiller.push_writes()
    assert [o.ok for o in result.outcomes] == [True], result.outcomes
    assert (await ship.order(order["id"]))["status"] == "CANCELLED"


async def test_a_market_without_reject_reasons_never_offers_one(ship_shop) -> None:
    assert reject_reasons("JP") == {}  # cancel-reasons.json has no JP reject table
    ship = await ship_shop()
    order = await ship.place()
    # The sandbox plays US and UK shops; the shop Shopdesk knows is a Japanese one here.
    ship.session.db.execute("UPDATE shops SET region = 'JP'")
    # JP buyers list no reasons for orders awaiting shipment, so the sandbox makes no request;
    # a request TikTok reported is enough here.
    ship.session.db.execute(
        "INSERT INTO cancellations (cancel_id, order_id, status, raw, synced_at)"
        " VALUES (?, ?, ?, '{}', 1)",
        ["777", order["id"], store.PENDING_REQUEST],
    )
    with pytest.raises(ShipRequestError, match="TikTok lists no reject reasons for JP"):
        save_cancel_answer(ship.session.db, "777", approve=False, reason="anything", now=1)


async def test_an_on_hold_order_is_refused_with_21011044(ship_shop) -> None:
    ship = await ship_shop()
    order = await ship.place(is_on_hold_order=True)
    assert order["status"] == "ON_HOLD"
    provider_id, _name = await provider_of(ship, order["id"])
    with pytest.raises(FulfillmentRefused) as refused:
        await ship.fulfiller.api.mark_shipped(order["id"], "9400111122223333444455", provider_id)
    assert refused.value.code == 21011044
    assert "on hold" in refused.value.describe()


async def test_tiktoks_tracking_warning_reaches_the_order_and_a_notice(ship_shop) -> None:
    ship = await ship_shop(region="US", seller_type="LOCAL")  # the warning is for local sellers
    order = await ship.place()
    usps_number = "9400111122223333444455"
    store.save_write(
        ship.session.db,
        store.SHIP,
        order["id"],
        {"order_id": order["id"], "tracking_number": usps_number, "shipping_provider_id": UPS},
        now=int(time.time()),
    )
    heard: list[Notice] = []
    service = FulfillmentService(ship.session, outlet=Outlet(notice=heard.append))
    result = await service.send_now()
    [outcome] = result.outcomes
    assert outcome.ok and "Did you mean to select USPS?" in outcome.result["warning"]
    [write] = store.fetch_order_writes(ship.session.db, order["id"])
    words = describe_write(write)  # the order's history, the ship dialog row, the queue
    assert words.level == "warning" and "TikTok Shop warns: The tracking number" in words.text
    [notice] = heard
    assert notice.kind == TRACKING_WARNING and notice.ref == order["id"]
    assert "USPS" in notice.message


async def test_a_missing_logistics_scope_names_the_logistics_permission(ship_shop) -> None:
    from app.sandbox.config import DEFAULT_SCOPES
    from app.tiktok.errors import ScopeMissing

    scopes = tuple(s for s in DEFAULT_SCOPES if s != "seller.logistics")
    ship = await ship_shop(granted_scopes=scopes)
    order = await ship.place()
    with pytest.raises(ScopeMissing) as missing:
        await ship.fulfiller.api.tracking(order["id"])
    # Get Tracking lives under /fulfillment/ but needs Logistics, not Fulfillment Basic.
    assert "seller.logistics" in str(missing.value)
    assert "seller.fulfillment.basic" not in str(missing.value)
