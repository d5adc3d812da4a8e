"""The sandbox per market and account, as TikTok's 2024-2026 rules say (FACTS.md section 9)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx

from app.sandbox import Sandbox, create_app
from app.sandbox.logistics import NO_PROVIDER_WARNING
from tests.sandbox.conftest import APP_KEY, APP_SECRET, PACKAGES_FIRST, make_config
from tests.sandbox.support import ShopClient
from tests.sandbox.test_cancellations import answer, record, request, seller_cancel
from tests.sandbox.test_fulfillment import UPS, code, detail, mark, new_order, ship, shop_of

US_OUT_OF_STOCK = "seller_cancel_reason_out_of_stock"
UK_OUT_OF_STOCK = "seller_cancel_reason_out_of_stock_uk"
US_INVALID = "order_manage_list_action_respond_popup_reject_reason_invalid_cancellation_reason"


@contextlib.asynccontextmanager
async def shop_in(**config: Any) -> AsyncIterator[tuple[Sandbox, httpx.AsyncClient, ShopClient]]:
    """A connected sandbox shop with these settings (region, scopes, hourly limit...)."""
    sandbox = Sandbox(make_config(orders=20, **config))
    transport = httpx.ASGITransport(app=create_app(sandbox))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as http:
        client = ShopClient(http, APP_KEY, APP_SECRET)
        await client.connect()
        yield sandbox, http, client


# --- buyer cancellation requests (FACTS.md 9.4) ------------------------------------------------


async def test_outside_the_us_a_pending_request_blocks_shipping() -> None:
    # Cross-border: TikTok opens the TikTok Shipping order's package before it ships.
    async with shop_in(region="GB", **PACKAGES_FIRST) as (sandbox, http, client):
        order = await new_order(http, sandbox)
        tiktok = await new_order(http, sandbox, shipping_type="TIKTOK")
        await request(http, order["id"])
        await request(http, tiktok["id"])
        shipped = await mark(client, order["id"], tracking_number="9400111122223333444455")
        assert code(shipped) == 21011007
        assert code(await ship(client, tiktok["packages"][0]["id"])) == 21011007
        body = {"packages": [{"id": order["packages"][0]["id"]}]}
        batch = await client.ok("POST", "/fulfillment/202309/packages/ship", body=body)
        assert [e["code"] for e in batch["errors"]] == [21011007]
        refused = await seller_cancel(client, order_id=order["id"], cancel_reason=UK_OUT_OF_STOCK)
        assert code(refused) == 25001011


async def test_in_the_us_shipping_rejects_the_pending_request() -> None:
    async with shop_in(region="US", **PACKAGES_FIRST) as (sandbox, http, client):
        order = await new_order(http, sandbox)
        tiktok = await new_order(http, sandbox, shipping_type="TIKTOK")
        by_seller, by_label = await request(http, order["id"]), await request(http, tiktok["id"])
        shipped = await mark(client, order["id"], tracking_number="9400111122223333444455")
        assert code(shipped) == 0
        assert (
            code(await ship(client, tiktok["packages"][0]["id"], handover_method="DROP_OFF")) == 0
        )
        for order_id, cancel_id in ((order["id"], by_seller), (tiktok["id"], by_label)):
            now = await detail(client, order_id)
            assert now["status"] == "AWAITING_COLLECTION" and not now["is_buyer_request_cancel"]
            rejected = await record(client, cancel_id)
            assert rejected["cancel_status"] == "CANCELLATION_REQUEST_CANCELLED"
        assert (await record(client, by_seller))["cancel_status"] != "CANCELLATION_REQUEST_SUCCESS"


# --- reasons by market (cancel-reasons.json) ---------------------------------------------------


async def test_a_uk_shop_takes_only_uk_reason_names() -> None:
    async with shop_in(region="GB") as (sandbox, http, client):
        order = await new_order(http, sandbox)
        us = await seller_cancel(client, order_id=order["id"], cancel_reason=US_OUT_OF_STOCK)
        assert code(us) == 25001014  # a US name is unknown in the UK
        uk = await seller_cancel(client, order_id=order["id"], cancel_reason=UK_OUT_OF_STOCK)
        assert code(uk) == 0
        cancelled = await detail(client, order["id"])
        assert cancelled["status"] == "CANCELLED" and cancelled["cancel_reason"] == "Out of stock"

        asked = await new_order(http, sandbox)
        cancel_id = await request(http, asked["id"])
        entry = await record(client, cancel_id)
        assert entry["cancel_reason"].endswith("_uk")  # the buyer's reason is a UK one too
        assert code(await answer(client, cancel_id, "reject", reject_reason=US_INVALID)) == 25001057
        uk_invalid = US_INVALID + "_uk"
        assert code(await answer(client, cancel_id, "reject", reject_reason=uk_invalid)) == 0


# --- ON_HOLD and Mark Package As Shipped's warning (FACTS.md 9.3, 9.4) -------------------------


async def test_a_number_that_does_not_fit_the_carrier_ships_with_a_warning() -> None:
    async with shop_in(region="US") as (sandbox, http, client):
        order, other, fine = [await new_order(http, sandbox) for _ in range(3)]
        usps_number = "9400111122223333444455"
        warned = await mark(
            client, order["id"], tracking_number=usps_number, shipping_provider_id=UPS
        )
        assert code(warned) == 0
        assert warned["data"]["warning"]["message"].endswith("Did you mean to select USPS?")
        assert (await detail(client, order["id"]))["status"] == "AWAITING_COLLECTION"
        unknown = await mark(client, other["id"], tracking_number="ZZ12345678")
        assert unknown["data"]["warning"] == {"message": NO_PROVIDER_WARNING}
        clean = await mark(client, fine["id"], tracking_number="9400111122223333444466")
        assert code(clean) == 0 and "warning" not in clean["data"]
    async with shop_in(region="GB") as (sandbox, http, client):
        order = await new_order(http, sandbox)
        # The warning is for US local sellers only.
        uk = await mark(client, order["id"], tracking_number="ZZ12345678")
        assert code(uk) == 0 and "warning" not in uk["data"]


# --- webhooks: a topic the scopes do not cover --------------------------------------------------


async def test_a_topic_outside_the_apps_scopes_is_refused_alone() -> None:
    scopes = ("seller.authorization.info", "seller.order.info", "seller.logistics")
    async with shop_in(granted_scopes=scopes) as (sandbox, _http, client):
        address = "https://hooks.example.com/webhooks/tiktok"
        path = "/event/202309/webhooks"
        refused = await client.call(
            "PUT", path, body={"address": address, "event_type": "PRODUCT_CREATION"}
        )
        payload = refused.json()
        assert payload["code"] == 105005 and "Product Basic" in payload["message"]
        await client.ok("PUT", path, body={"address": address, "event_type": "ORDER_STATUS_CHANGE"})
        hooks = (await client.ok("GET", path))["webhooks"]
        assert [h["event_type"] for h in hooks] == ["ORDER_STATUS_CHANGE"]
        assert shop_of(sandbox).subscriptions.keys() == {"ORDER_STATUS_CHANGE"}


# --- development shops: an hourly limit (FACTS.md 9.2) ------------------------------------------


async def test_a_development_shop_answers_429_past_its_hourly_limit() -> None:
    async with shop_in(max_per_hour=4) as (_sandbox, http, client):
        for _ in range(4):
            await client.ok("GET", "/logistics/202309/warehouses")
        over = await client.call("GET", "/logistics/202309/warehouses")
        assert over.status_code == 429 and over.json()["code"] == 36009002
        calls = (await http.get("/sandbox/calls")).json()
        assert calls["hourly"]["limit"] == 4 and calls["hourly_refused"] == 1
        await http.post("/sandbox/clock", json={"advance_seconds": 3601})
        await client.ok("GET", "/logistics/202309/warehouses")  # a new hour


# --- inventory refusals that waiting cannot fix --------------------------------------------------


async def test_inventory_refusals_of_promotions_and_inactive_sellers() -> None:
    async with shop_in() as (sandbox, http, client):
        product = next(p for p in shop_of(sandbox).products.values() if p.status == "ACTIVATE")
        sku = product.skus[0]

        def update(change: int) -> dict[str, Any]:
            rows = [
                {"warehouse_id": w, "quantity": max(0, s.available + change)}
                for w, s in sku.stock.items()
            ]
            return {"skus": [{"id": sku.id, "inventory": rows}]}

        path = f"/product/202309/products/{product.id}/inventory/update"
        await http.post(f"/sandbox/products/{product.id}/promotion", json={"locked": True})
        assert any(s.available > 0 for s in sku.stock.values())
        lower = (await client.call("POST", path, body=update(-1))).json()
        assert lower["code"] == 12052393
        higher = (await client.call("POST", path, body=update(5))).json()
        assert higher["code"] == 0  # raising stock during a promotion is fine
        await http.post("/sandbox/seller", json={"active": False})
        assert (await client.call("POST", path, body=update(1))).json()["code"] == 12052700


async def test_a_product_with_more_than_100_skus_refuses_inventory_updates() -> None:
    async with shop_in() as (sandbox, _http, client):
        product = next(p for p in shop_of(sandbox).products.values() if p.status == "ACTIVATE")
        sku = product.skus[0]
        rows = [{"warehouse_id": w, "quantity": s.available} for w, s in sku.stock.items()]
        body = {"skus": [{"id": sku.id, "inventory": rows}]}
        path = f"/product/202309/products/{product.id}/inventory/update"
        assert (await client.call("POST", path, body=body)).json()["code"] == 0
        product.skus.extend(
            dataclasses.replace(sku, id=f"{sku.id}{n}") for n in range(101 - len(product.skus))
        )
        assert (await client.call("POST", path, body=body)).json()["code"] == 12052050


# --- authorization: Partner Center hosts and used codes (FACTS.md 9.1) ---------------------------


async def test_a_us_apps_service_link_works_only_on_the_us_host() -> None:
    async with shop_in(partner_center="us") as (sandbox, http, _client):
        params = {"service_id": sandbox.service_id, "state": "s"}
        wrong = await http.get(
            "/open/authorize", params=params, headers={"host": "services.tiktokshop.com"}
        )
        assert wrong.status_code == 400 and "Unknown app" in wrong.text
        right = await http.get(
            "/open/authorize", params=params, headers={"host": "services.us.tiktokshop.com"}
        )
        assert right.status_code == 200 and "Approve" in right.text


# --- changes recorded at an earlier time (the deep pass's reason to exist) -----------------------


async def test_a_status_change_can_be_recorded_at_an_earlier_time() -> None:
    async with shop_in() as (sandbox, http, client):
        order = await new_order(http, sandbox)
        await http.post("/sandbox/clock", json={"advance_seconds": 3 * 3600})
        earlier = sandbox.clock.now() - 1800
        moved = await http.post(
            f"/sandbox/orders/{order['id']}/status", json={"status": "CANCELLED", "at": earlier}
        )
        assert moved.status_code == 200, moved.text
        found = await detail(client, order["id"])
        assert found["status"] == "CANCELLED" and found["update_time"] == earlier
        late = await http.post(
            f"/sandbox/orders/{order['id']}/status",
            json={"status": "CANCELLED", "at": sandbox.clock.now() + 60},
        )
        assert late.status_code == 400
