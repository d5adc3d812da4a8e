"""Processing the inbox against the sandbox: order details fetched, any delivery order, notices."""

from __future__ import annotations

import json
import time

from app.store import inbox
from app.store.activity import fetch_open_errors
from app.store.shops import fetch_current_shop
from app.sync.inbox import InboxProcessor, Notice, retry_delay
from app.sync.outlet import Outlet
from tests.order_flow import next_status

counter = iter(range(10**6))


def receive(session, type_: int, data: dict, notification_id: str | None = None) -> int:
    """Put a push in the inbox the way the receiver does after verifying it."""
    body = json.dumps(
        {
            "type": type_,
            "tts_notification_id": notification_id or str(next(counter)),
            "shop_id": session.shop.id,
            "timestamp": int(time.time()),
            "data": data,
        }
    ).encode()
    row, _new = inbox.save_received(
        session.db,
        body,
        notification_id=notification_id or None,
        type_=type_,
        shop_id=session.shop.id,
        event_time=int(time.time()),
        now=int(time.time()),
    )
    return row


def stored(session, order_id: str) -> tuple | None:
    return session.db.execute(
        "SELECT status, update_time FROM orders WHERE id = ?", [order_id]
    ).fetchone()


async def place(shop, **flags) -> dict:
    sku = (await shop.admin.get("/sandbox/inventory")).json()["skus"][0]["sku_id"]
    answer = await shop.admin.post(
        "/sandbox/orders", json={"line_items": [{"sku_id": sku, "quantity": 1}], **flags}
    )
    return answer.json()["order"]


async def test_order_events_fetch_details_and_upsert(connect_shop) -> None:
    shop = await connect_shop(orders=0)
    session = shop.session()
    changed: list[str] = []
    processor = InboxProcessor(session, outlet=Outlet(changes=lambda c: changed.extend(c.orders)))
    orders = [await place(shop) for _ in range(3)]
    for o in orders:
        receive(session, 1, {"order_id": o["id"], "order_status": "UNPAID", "update_time": 1})
    result = await processor.drain()
    assert result.processed == 3 and sorted(changed) == sorted(o["id"] for o in orders)
    truth = await shop.truth()
    for o in orders:
        assert stored(session, o["id"]) == (truth[o["id"]]["status"], truth[o["id"]]["update_time"])
    assert {i.state for i in inbox.fetch_inbox(session.db)} == {"done"}
    await session.aclose()


async def test_out_of_order_and_repeated_deliveries_end_in_the_same_state(connect_shop) -> None:
    shop = await connect_shop(orders=0)
    session = shop.session()
    order = await place(shop, paid=True)
    events = []
    for _ in range(3):
        order = await shop.move(order["id"], next_status(order))
        events.append(
            {
                "order_id": order["id"],
                "order_status": order["status"],
                "update_time": order["update_time"],
            }
        )
    for data in reversed(events + events):  # newest first, each twice
        receive(session, 1, data)
    await InboxProcessor(session).drain()
    final = (await shop.truth())[order["id"]]
    assert stored(session, order["id"]) == (final["status"], final["update_time"])
    # an old event arriving late changes nothing
    receive(session, 1, events[0])
    await InboxProcessor(session).drain()
    assert stored(session, order["id"]) == (final["status"], final["update_time"])
    await session.aclose()


async def test_fifty_ids_per_detail_call(connect_shop) -> None:
    shop = await connect_shop(orders=120)
    session = shop.session()
    for oid in await shop.truth():
        receive(session, 1, {"order_id": oid, "order_status": "X", "update_time": 1})
    before = (
        (await shop.admin.get("/sandbox/calls")).json()["by_path"].get("/order/202309/orders", 0)
    )
    result = await InboxProcessor(session).drain()
    after = (await shop.admin.get("/sandbox/calls")).json()["by_path"]["/order/202309/orders"]
    assert result.processed == 120 and after - before == 3
    await session.aclose()


async def test_package_and_cancellation_events_name_their_orders(connect_shop) -> None:
    shop = await connect_shop(orders=0)
    session = shop.session()
    a, b = await place(shop), await place(shop)
    receive(
        session,
        4,
        {
            "sc_type": "COMBINE",
            "package_list": [{"package_id": "9", "order_id_list": [a["id"], b["id"]]}],
            "update_time": 1,
        },
    )
    receive(session, 11, {"order_id": a["id"], "cancel_status": "CANCELLATION_REQUEST_PENDING"})
    result = await InboxProcessor(session).drain()
    assert result.processed == 2 and set(result.changed_orders) == {a["id"], b["id"]}
    await session.aclose()


async def test_product_events_are_recorded(connect_shop) -> None:
    shop = await connect_shop(orders=0)
    session = shop.session()
    receive(session, 5, {"product_id": 1729592969712207008, "status": "PRODUCT_STATUS_CHANGED"})
    refreshed: list[list[str]] = []

    async def refresh(ids: list[str]) -> None:
        refreshed.append(ids)

    result = await InboxProcessor(session, refresh_products=refresh).drain()
    assert result.products == ["1729592969712207008"] and refreshed == [["1729592969712207008"]]
    assert inbox.fetch_inbox(session.db)[0].note == "product refreshed"
    await session.aclose()


async def test_deauthorization_stops_calls_and_tells_the_creator(connect_shop) -> None:
    shop = await connect_shop(orders=5)
    session = shop.session()
    notices: list[Notice] = []
    receive(session, 6, {"message": f"Shop_id {session.shop.id} is deauthorized."})
    await InboxProcessor(session, outlet=Outlet(notice=notices.append)).drain()
    assert notices[0].kind == "deauthorized"
    assert fetch_current_shop(session.db).needs_reconnect
    assert session.tokens.lost_reason
    await session.aclose()


async def test_authorization_expiring_is_a_reminder_with_its_date(connect_shop) -> None:
    shop = await connect_shop(orders=0)
    session = shop.session()
    notices: list[Notice] = []
    receive(session, 7, {"message": "expiring", "expiration_time": "1798761600"})
    await InboxProcessor(session, outlet=Outlet(notice=notices.append)).drain()
    assert notices[0].kind == "authorization_expiring" and notices[0].when == 1798761600
    [error] = fetch_open_errors(session.db)
    assert "2027-01-01" in error["message"] and "Reconnect" in error["action"]
    await session.aclose()


async def test_unknown_types_are_kept_and_marked_ignored(connect_shop) -> None:
    shop = await connect_shop(orders=0)
    session = shop.session()
    for t in (999, 13, 36):
        receive(session, t, {"anything": True})
    result = await InboxProcessor(session).drain()
    assert result.ignored == 3
    assert {i.state for i in inbox.fetch_inbox(session.db)} == {"ignored"}
    assert fetch_open_errors(session.db) == []  # never an error storm
    await session.aclose()


async def test_failures_are_retried_with_backoff_and_visible(connect_shop) -> None:
    from app.tiktok.retry import RetryPolicy

    shop = await connect_shop(orders=3)
    session = shop.session()
    session.client.config = type(session.client.config)(
        **{**session.client.config.__dict__, "retry": RetryPolicy(max_attempts=1)}
    )
    oid = next(iter(await shop.truth()))
    receive(session, 1, {"order_id": oid})
    await shop.admin.put("/sandbox/faults", json={"api_error_rate": 1.0})
    now = [time.time()]
    processor = InboxProcessor(session, clock=lambda: now[0])
    result = await processor.drain()
    [item] = inbox.fetch_inbox(session.db)
    assert result.failed == 1 and item.state == "failed" and item.last_error
    assert item.next_retry_at == int(now[0]) + retry_delay(0)
    assert (await processor.drain()).failed == 0  # not due yet
    await shop.admin.put("/sandbox/faults", json={"api_error_rate": 0.0})
    now[0] += retry_delay(0) + 1
    assert (await processor.drain()).processed == 1
    assert inbox.fetch_inbox(session.db)[0].state == "done"
    await session.aclose()


def test_retry_delays_grow_and_are_capped() -> None:
    assert [retry_delay(n) for n in range(9)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


async def test_status_shows_each_push_with_its_state_and_error(connect_shop) -> None:
    from app.commands.status import collect_status
    from app.tiktok.retry import RetryPolicy

    shop = await connect_shop(orders=2)
    session = shop.session()
    session.client.config = type(session.client.config)(
        **{**session.client.config.__dict__, "retry": RetryPolicy(max_attempts=1)}
    )
    receive(session, 1, {"order_id": next(iter(await shop.truth()))})
    receive(session, 999, {"x": 1})
    await shop.admin.put("/sandbox/faults", json={"api_error_rate": 1.0})
    await InboxProcessor(session).drain()
    status = collect_status(shop.paths)
    assert status["inbox"]["failed"] == 1 and status["inbox"]["last_received"]
    states = {item["type"]: (item["state"], item["error"]) for item in status["inbox"]["recent"]}
    assert states[999] == ("ignored", None)
    assert states[1][0] == "failed" and states[1][1]
    await session.aclose()
