"""Pushes to a real receiver: signed like TikTok, retried on failure, faults on demand."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx

from app.sandbox import SandboxInfo, running_sandbox_async
from tests.sandbox.conftest import APP_KEY, APP_SECRET, make_config
from tests.sandbox.support import Receiver, ShopClient
from tests.sandbox.test_orders import in_stock


async def subscribe(client: ShopClient, address: str, *event_types: str) -> None:
    for event_type in event_types:
        await client.ok(
            "PUT", "/event/202309/webhooks", body={"address": address, "event_type": event_type}
        )


async def setup(info: SandboxInfo, http: httpx.AsyncClient) -> ShopClient:
    client = ShopClient(http, APP_KEY, APP_SECRET)
    await client.connect()
    return client


async def place(http: httpx.AsyncClient, info: SandboxInfo, **extra: Any) -> dict[str, Any]:
    sku = in_stock(info.sandbox, 1)
    body = {"line_items": [{"sku_id": sku.id, "quantity": 1}], **extra}
    return (await http.post("/sandbox/orders", json=body)).json()["order"]  # type: ignore[no-any-return]


async def test_order_push_is_signed_and_shaped_like_the_guide() -> None:
    async with (
        Receiver() as receiver,
        running_sandbox_async(make_config(orders=30)) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = await setup(info, http)
        await subscribe(client, receiver.url, "ORDER_STATUS_CHANGE")
        order = await place(http, info)
        await http.post(f"/sandbox/orders/{order['id']}/status", json={"status": "CANCELLED"})
        await receiver.wait_for(2)
        for headers, body, _ in receiver.received:
            # Independent check: HMAC-SHA256(app_secret, app_key + raw body) (FACTS.md 7.2).
            expected = hmac.new(
                APP_SECRET.encode(), APP_KEY.encode() + body, hashlib.sha256
            ).hexdigest()
            assert headers["authorization"] == expected
            assert headers["content-type"] == "application/json"
            assert body == json.dumps(json.loads(body), separators=(",", ":")).encode()
        created, cancelled = receiver.payloads()
        assert set(created) == {"type", "tts_notification_id", "shop_id", "timestamp", "data"}
        assert created["type"] == 1 and created["shop_id"] == client.shop_id
        assert created["data"] == {
            "order_id": order["id"],
            "order_status": "UNPAID",
            "is_on_hold_order": True,
            "update_time": order["update_time"],
        }
        assert cancelled["data"]["order_status"] == "CANCEL"  # the guide's spelling
        log = (await http.get("/sandbox/webhooks")).json()["deliveries"]
        assert [(d["type"], d["status"], d["attempts"], d["address"]) for d in log] == [
            (1, "delivered", 1, receiver.url)
        ] * 2
        assert {d["notification_id"] for d in log} == {
            p["tts_notification_id"] for p in receiver.payloads()
        }
        unsubscribed = await place(http, info)
        assert unsubscribed and len((await http.get("/sandbox/webhooks")).json()["deliveries"]) == 3
        await client.ok(
            "DELETE", "/event/202309/webhooks", body={"event_type": "ORDER_STATUS_CHANGE"}
        )
        await place(http, info)
        assert len((await http.get("/sandbox/webhooks")).json()["deliveries"]) == 3


async def test_retries_until_200_or_401_then_gives_up() -> None:
    config = make_config(orders=20, webhook_time_scale=0.0005)
    async with (
        Receiver([500, 503, 401, 500, 500, 500, 500, 500]) as receiver,
        running_sandbox_async(config) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = await setup(info, http)
        await subscribe(client, receiver.url, "ORDER_STATUS_CHANGE")
        await place(http, info)
        await receiver.wait_for(3)
        (first,) = (await http.get("/sandbox/webhooks")).json()["deliveries"]
        # 401 counts as received too.
        assert (first["status"], first["attempts"]) == ("delivered", 3)
        gaps = [b[2] - a[2] for a, b in zip(receiver.received, receiver.received[1:], strict=False)]
        assert gaps[0] >= 120 * 0.0005 and gaps[1] >= 1800 * 0.0005  # +2 min, then +30 min
        info.sandbox.webhooks.time_scale = 0.00002
        await place(http, info)
        await receiver.wait_for(8)
        second = (await http.get("/sandbox/webhooks")).json()["deliveries"][1]
        assert (second["status"], second["attempts"]) == ("failed", 5)  # first try + 4 retries
        bodies = {body for _, body, _ in receiver.received[3:]}
        assert len(bodies) == 1  # every retry sends the same notification


async def test_drop_duplicate_and_reorder_faults() -> None:
    async with (
        Receiver() as receiver,
        running_sandbox_async(make_config(orders=20)) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = await setup(info, http)
        await subscribe(client, receiver.url, "ORDER_STATUS_CHANGE")
        await http.put("/sandbox/faults", json={"webhook_drop_rate": 1.0})
        await place(http, info)
        await http.put(
            "/sandbox/faults", json={"webhook_drop_rate": 0.0, "webhook_duplicate_rate": 1.0}
        )
        await place(http, info)
        await receiver.wait_for(2)
        log = (await http.get("/sandbox/webhooks")).json()["deliveries"]
        assert log[0]["status"] == "dropped" and log[0]["attempts"] == 0
        assert receiver.received[0][1] == receiver.received[1][1]  # the same push, twice
        await http.put(
            "/sandbox/faults", json={"webhook_duplicate_rate": 0.0, "webhook_reorder_rate": 1.0}
        )
        first, second = await place(http, info), await place(http, info)
        await receiver.wait_for(4)
        late = [p["data"]["order_id"] for p in receiver.payloads()[2:]]
        assert late == [second["id"], first["id"]]


async def test_other_documented_events() -> None:
    config = make_config(orders=40)
    async with (
        Receiver() as receiver,
        running_sandbox_async(config) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = await setup(info, http)
        await subscribe(
            client,
            receiver.url,
            "CANCELLATION_STATUS_CHANGE",
            "RECIPIENT_ADDRESS_UPDATE",
            "PRODUCT_STATUS_CHANGE",
            "PRODUCT_INFORMATION_CHANGE",
            "UPCOMING_AUTHORIZATION_EXPIRATION",
            "SELLER_DEAUTHORIZATION",
            "PACKAGE_UPDATE",
        )
        order = await place(http, info, paid=True)
        await http.post(
            f"/sandbox/orders/{order['id']}/address", json={"address_line1": "1 New St"}
        )
        await http.post("/sandbox/clock", json={"advance_seconds": 3601})
        await http.post(f"/sandbox/orders/{order['id']}/buyer_cancel_request")
        await http.post(f"/sandbox/orders/{order['id']}/status", json={"status": "CANCELLED"})
        product = next(p for p in info.sandbox.state.shops[client.shop_id or ""].products.values())
        await http.post(
            f"/sandbox/products/{product.id}", json={"title": "Renamed", "status": "FREEZE"}
        )
        await http.post("/sandbox/clock", json={"advance_seconds": 336 * 86400})
        await http.post("/sandbox/deauthorize", json={})
        await receiver.wait_for(len(info.sandbox.webhooks.log))  # every push made so far
        by_type = {p["type"]: p["data"] for p in receiver.payloads()}
        assert by_type[3] == {"order_id": order["id"], "update_time": by_type[3]["update_time"]}
        # The clock jump also lets the seeded shop's pending requests run out (accepted by the
        # system), so look at this order's own pushes.
        cancellations = [
            p["data"]
            for p in receiver.payloads()
            if p["type"] == 11 and p["data"]["order_id"] == order["id"]
        ]
        assert {c["cancel_status"] for c in cancellations} == {
            "CANCELLATION_REQUEST_PENDING",
            "CANCELLATION_REQUEST_SUCCESS",
        }  # pushes run concurrently, so arrival order is not promised (nor is it by TikTok)
        assert {c["cancellations_role"] for c in cancellations} == {"BUYER"}
        assert len({c["cancel_id"] for c in cancellations}) == 1
        assert by_type[5]["product_id"] == int(product.id)  # a JSON number, as in the guide
        assert by_type[15]["changed_fields"] == ["title"]
        assert (
            "expiring in 29 days" in by_type[7]["message"]
            and by_type[7]["expiration_time"].isdigit()
        )
        assert by_type[6] == {
            "message": f"Shop_id {client.shop_id} is deauthorized from your APP by merchant."
        }
