"""TikTok cancels by itself (FACTS.md 9.5): an order not AWAITING_COLLECTION by its
`shipping_due_time`, or not IN_TRANSIT by its `collection_due_time`, becomes CANCELLED by the
SYSTEM at that time, once, with the order-status webhook."""

from __future__ import annotations

from typing import Any

from app.sandbox import Sandbox
from tests.sandbox.conftest import make_config
from tests.sandbox.label_support import advance, order_detail, shop_client
from tests.sandbox.test_fulfillment import mark, new_order


def capture(sandbox: Sandbox) -> list[tuple[str, dict[str, Any]]]:
    """Every push the sandbox makes, in order (subscribed or not)."""
    events: list[tuple[str, dict[str, Any]]] = []
    sandbox.state.set_emitter(lambda _shop, kind, data: events.append((kind, data)))
    return events


def cancels_of(events: list[tuple[str, dict[str, Any]]], order_id: str) -> list[dict[str, Any]]:
    return [
        d
        for kind, d in events
        if kind == "ORDER_STATUS_CHANGE"
        and d["order_id"] == order_id
        and d["order_status"] == "CANCEL"
    ]


async def test_an_order_not_shipped_by_its_due_time_is_cancelled_once() -> None:
    sandbox = Sandbox(make_config(orders=0, carrier_scan_delay=0))
    events = capture(sandbox)
    async with shop_client(sandbox) as (http, client):
        late = await new_order(http, sandbox, (1,))
        shipped = await new_order(http, sandbox, (1,))
        detail = await order_detail(client, late["id"])
        due = detail["shipping_due_time"]
        assert due > detail["rts_sla_time"]
        await advance(http, due - sandbox.clock.now() - 5)
        assert (await order_detail(client, late["id"]))["status"] == "AWAITING_SHIPMENT"
        answer = await mark(client, shipped["id"], tracking_number="9400111899223344556677")
        assert answer["code"] == 0, answer  # shipped in time: never cancelled by the clock
        await advance(http, 10)
        seen = await order_detail(client, late["id"])
        assert seen["status"] == "CANCELLED"
        assert seen["cancellation_initiator"] == "SYSTEM"
        assert seen["cancel_reason"] == "Order cancelled by system"  # platform_cancel (US)
        assert seen["cancel_time"] == due and seen["update_time"] == due
        assert {i["display_status"] for i in seen["line_items"]} == {"CANCELLED"}
        [pushed] = cancels_of(events, late["id"])
        assert pushed["update_time"] == due
        await advance(http, 86400)  # (before the shipped one's collection due time)
        await order_detail(client, late["id"])
        assert len(cancels_of(events, late["id"])) == 1  # once, not on every tick
        assert (await order_detail(client, shipped["id"]))["status"] == "AWAITING_COLLECTION"
        assert cancels_of(events, shipped["id"]) == []


async def test_a_parcel_never_collected_is_cancelled_at_its_collection_due_time() -> None:
    sandbox = Sandbox(make_config(orders=0, carrier_scan_delay=0))
    events = capture(sandbox)
    async with shop_client(sandbox) as (http, client):
        order = await new_order(http, sandbox, (1,))
        answer = await mark(client, order["id"], tracking_number="9400111899223344556677")
        assert answer["code"] == 0, answer
        detail = await order_detail(client, order["id"])
        assert detail["status"] == "AWAITING_COLLECTION"
        due = detail["collection_due_time"]
        await advance(http, due - sandbox.clock.now() + 1)
        seen = await order_detail(client, order["id"])
        assert seen["status"] == "CANCELLED" and seen["cancellation_initiator"] == "SYSTEM"
        assert seen["cancel_reason"] == "Automatically cancelled due to collection time out"
        assert seen["cancel_time"] == due
        assert len(cancels_of(events, order["id"])) == 1


async def test_generated_history_holds_no_order_past_its_due_time() -> None:
    sandbox = Sandbox(make_config(orders=400))
    now = sandbox.clock.now()
    assert sandbox.state.due_cancels.run(sandbox.state, now) == 0
    open_orders = [
        o
        for shop in sandbox.state.shops.values()
        for o in shop.orders.values()
        if o["status"] in {"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"}
    ]
    assert open_orders and all(o["shipping_due_time"] > now for o in open_orders)
