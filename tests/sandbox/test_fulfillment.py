"""Fulfilment: delivery options, shipping (whole, split, batch), tracking fixes, packages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.sandbox import Sandbox, create_app, running_sandbox_async
from app.sandbox.model import Shop, Sku
from tests.sandbox.conformance import assert_conforms
from tests.sandbox.conftest import APP_KEY, APP_SECRET, PACKAGES_FIRST, make_config
from tests.sandbox.support import Receiver, ShopClient
from tests.sandbox.test_inventory import inventory_of

USPS, UPS = "6617675021119438849", "6617675021119438850"
BY_SELLER, STANDARD = "7091146663229654787", "7091146663229654785"
HOUR = 3600


@pytest.fixture
def sandbox_market() -> dict[str, object]:
    """Ship Package needs the package TikTok opens before shipping: not a US local shop."""
    return PACKAGES_FIRST


def shop_of(sandbox: Sandbox) -> Shop:
    return next(iter(sandbox.state.shops.values()))


def skus_in_stock(sandbox: Sandbox, count: int, units: int = 1) -> list[Sku]:
    """`count` different SKUs of ACTIVATE products with at least `units` available each."""
    found = [
        s
        for p in shop_of(sandbox).products.values()
        if p.status == "ACTIVATE"
        for s in p.skus
        if sum(st.available for st in s.stock.values()) >= units
    ]
    assert len(found) >= count
    return found[:count]


async def new_order(
    http: httpx.AsyncClient,
    sandbox: Sandbox,
    quantities: tuple[int, ...] = (1, 1),
    *,
    shipping_type: str = "SELLER",
    **extra: Any,
) -> dict[str, Any]:
    """A paid order awaiting shipment (no remorse window), one line per SKU and quantity."""
    skus = skus_in_stock(sandbox, len(quantities), max(quantities))
    body = {
        "line_items": [
            {"sku_id": s.id, "quantity": q} for s, q in zip(skus, quantities, strict=True)
        ],
        "paid": True,
        "is_on_hold_order": False,
        "shipping_type": shipping_type,
        **extra,
    }
    response = await http.post("/sandbox/orders", json=body)
    assert response.status_code == 200, response.text
    order: dict[str, Any] = response.json()["order"]
    assert order["status"] == "AWAITING_SHIPMENT"
    return order


async def detail(client: ShopClient, order_id: str) -> dict[str, Any]:
    data = await client.ok("GET", "/order/202309/orders", params={"ids": order_id})
    return data["orders"][0]  # type: ignore[no-any-return]


async def mark(client: ShopClient, order_id: str, **body: Any) -> dict[str, Any]:
    body.setdefault("shipping_provider_id", USPS)
    path = f"/fulfillment/202309/orders/{order_id}/packages"
    return (await client.call("POST", path, body=body)).json()  # type: ignore[no-any-return]


async def ship(client: ShopClient, package_id: str, **body: Any) -> dict[str, Any]:
    path = f"/fulfillment/202309/packages/{package_id}/ship"
    return (await client.call("POST", path, body=body)).json()  # type: ignore[no-any-return]


async def package(client: ShopClient, package_id: str) -> dict[str, Any]:
    payload = (await client.call("GET", f"/fulfillment/202309/packages/{package_id}")).json()
    assert_conforms(payload, "fulfillment/get-package-detail.spec.json")
    return payload["data"]  # type: ignore[no-any-return]


def code(payload: dict[str, Any]) -> int:
    return int(payload["code"])


# --- logistics ----------------------------------------------------------------------------------


async def test_delivery_options_and_shipping_providers(
    client: ShopClient, sandbox: Sandbox
) -> None:
    shop = shop_of(sandbox)
    sales = shop.default_warehouse.id
    path = f"/logistics/202309/warehouses/{sales}/delivery_options"
    payload = (await client.call("GET", path)).json()
    assert_conforms(payload, "logistics/get-warehouse-delivery-options.spec.json")
    options = {o["id"]: o for o in payload["data"]["delivery_options"]}
    assert options[BY_SELLER]["type"] == "SEND_BY_SELLER"
    assert options[STANDARD]["type"] == "STANDARD"
    # Every order's delivery option is one its warehouse offers, SEND_BY_SELLER for SELLER
    # shipping.
    for order in shop.orders.values():
        assert order["delivery_option_id"] == (
            BY_SELLER if order["shipping_type"] == "SELLER" else STANDARD
        )
    product_scope = await client.ok("GET", path, params={"scope": "PRODUCT"})
    assert all(set(o) == {"id", "name"} for o in product_scope["delivery_options"])
    returns = next(w.id for w in shop.warehouses if w.type == "RETURN_WAREHOUSE")
    none = await client.ok("GET", f"/logistics/202309/warehouses/{returns}/delivery_options")
    assert none == {"delivery_options": []}
    unknown = "/logistics/202309/warehouses/1234567890123456789/delivery_options"
    assert code((await client.call("GET", unknown)).json()) == 36009004
    assert code((await client.call("GET", path, params={"scope": "ALL"})).json()) == 36009004

    providers_path = f"/logistics/202309/delivery_options/{BY_SELLER}/shipping_providers"
    payload = (await client.call("GET", providers_path)).json()
    assert_conforms(payload, "logistics/get-shipping-providers.spec.json")
    providers = payload["data"]["shipping_providers"]
    assert {p["name"] for p in providers} == {"USPS", "UPS", "FedEx", "DHL eCommerce"}
    assert all(len(p["id"]) == 19 and p["id"].isdigit() for p in providers)
    again = await client.ok("GET", providers_path)
    assert again["shipping_providers"] == providers  # stable
    tiktok = f"/logistics/202309/delivery_options/{STANDARD}/shipping_providers"
    assert code((await client.call("GET", tiktok)).json()) == 21008117
    nothing = "/logistics/202309/delivery_options/42/shipping_providers"
    assert code((await client.call("GET", nothing)).json()) == 21008116


async def test_either_scope_opens_shipping_providers() -> None:
    """Get Shipping Providers lists two scopes; a grant with only seller.logistics may call it,
    while Mark Package As Shipped still needs seller.fulfillment.basic."""
    scopes = tuple(s for s in make_config().granted_scopes if s != "seller.fulfillment.basic")
    sandbox = Sandbox(make_config(orders=20, granted_scopes=scopes))
    transport = httpx.ASGITransport(app=create_app(sandbox))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        client = ShopClient(http, APP_KEY, APP_SECRET)
        await client.connect()
        path = f"/logistics/202309/delivery_options/{BY_SELLER}/shipping_providers"
        assert code((await client.call("GET", path)).json()) == 0
        order = await new_order(http, sandbox)
        assert code(await mark(client, order["id"], tracking_number="9400100000000000000001")) == (
            105005
        )


# --- Mark Package As Shipped --------------------------------------------------------------------


async def test_mark_whole_order_shipped(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox)
    seen = await detail(client, order["id"])
    (pending,) = seen["packages"]  # the package to ship is named on the order ...
    assert all("package_id" not in i for i in seen["line_items"])  # ... not on its items (US)
    sku = sandbox.state.sku_index[order["line_items"][0]["sku_id"]][2]
    before_stock = await inventory_of(http, sku)
    await http.post("/sandbox/clock", json={"advance_seconds": 120})
    payload = await mark(client, order["id"], tracking_number="9400111122223333444455")
    assert_conforms(payload, "fulfillment/mark-package-as-shipped.spec.json")
    data = payload["data"]
    assert data["order_id"] == order["id"] and data["package_id"] == pending["id"]
    assert sorted(data["order_line_item_ids"]) == sorted(i["id"] for i in order["line_items"])

    shipped = await detail(client, order["id"])
    assert shipped["status"] == "AWAITING_COLLECTION"
    assert shipped["update_time"] >= order["update_time"] + 120
    assert shipped["rts_time"] == shipped["update_time"]
    assert (shipped["tracking_number"], shipped["shipping_provider_id"]) == (
        "9400111122223333444455",
        USPS,
    )
    assert shipped["shipping_provider"] == "USPS"
    for item in shipped["line_items"]:
        assert item["package_id"] == pending["id"] and item["package_status"] == "PROCESSING"
        assert item["display_status"] == "AWAITING_COLLECTION"
        assert item["tracking_number"] == "9400111122223333444455"
        assert (item["shipping_provider_id"], item["shipping_provider_name"]) == (USPS, "USPS")
        assert item["rts_time"] == shipped["rts_time"]
    assert await inventory_of(http, sku) == before_stock  # still committed until collected

    info = await package(client, pending["id"])
    assert info["package_status"] == "PROCESSING"
    assert info["tracking_number"] == "9400111122223333444455"
    assert info["shipping_type"] == "SELLER" and info["delivery_option_id"] == BY_SELLER
    assert info["orders"][0]["id"] == order["id"]
    assert sum(s["quantity"] for s in info["orders"][0]["skus"]) == 2

    again = await mark(client, order["id"], tracking_number="9400111122223333444466")
    assert code(again) == 21011020  # these orders are already shipped
    tracking = (
        await client.call("GET", f"/fulfillment/202309/orders/{order['id']}/tracking")
    ).json()
    assert_conforms(tracking, "fulfillment/get-tracking.spec.json")
    (scan,) = tracking["data"]["tracking"]
    assert scan["update_time_millis"] == shipped["rts_time"] * 1000


async def test_mark_as_shipped_refusals(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox, (2, 1))
    same_sku, other_sku, other = order["line_items"]
    good = {"tracking_number": "9400111122223333444455"}
    cases: list[tuple[dict[str, Any], int]] = [
        ({"shipping_provider_id": USPS}, 21001001),  # tracking_number is required
        ({**good, "shipping_provider_id": ""}, 21001001),
        ({**good, "order_line_item_ids": "x"}, 21001001),
        ({**good, "order_line_item_ids": ["1234567890123456789"]}, 21001001),
        ({**good, "order_line_item_ids": [same_sku["id"]]}, 21011036),  # a SKU split in two
        ({**good, "shipping_provider_id": "6617675021119430000"}, 21011022),
        ({"tracking_number": "94-00 11"}, 21011022),
        ({"tracking_number": "JX123"}, 21011022),
    ]
    for body, expected in cases:
        assert code(await mark(client, order["id"], **body)) == expected, body
    # A tracking number another package already ships under.
    used = next(p.tracking_number for p in shop_of(sandbox).packages.values() if p.tracking_number)
    assert code(await mark(client, order["id"], tracking_number=used)) == 21011025
    assert code(await mark(client, "1234567890123456789", **good)) == 21008111
    assert (await detail(client, order["id"]))["status"] == "AWAITING_SHIPMENT"  # untouched
    # Both units of a SKU together may leave first; "JX12345" is the specs' own sample.
    body = {"tracking_number": "JX12345", "order_line_item_ids": [same_sku["id"], other_sku["id"]]}
    assert code(await mark(client, order["id"], **body)) == 0
    shipped_again = {**good, "order_line_item_ids": [same_sku["id"], other["id"]]}
    assert code(await mark(client, order["id"], **shipped_again)) == 21008099

    tiktok = await new_order(http, sandbox, (1,), shipping_type="TIKTOK")
    assert code(await mark(client, tiktok["id"], **good)) == 21011004
    fbt = await new_order(http, sandbox, (1,), fulfillment_type="FULFILLMENT_BY_TIKTOK")
    assert code(await mark(client, fbt["id"], **good)) == 21008025
    skus = skus_in_stock(sandbox, 1)
    on_hold = (
        await http.post(
            "/sandbox/orders",
            json={"line_items": [{"sku_id": skus[0].id}], "paid": True, "shipping_type": "SELLER"},
        )
    ).json()["order"]
    assert on_hold["status"] == "ON_HOLD"
    assert code(await mark(client, on_hold["id"], **good)) == 21011044  # FACTS.md 9.4


async def test_item_level_split_moves_the_order_and_pushes() -> None:
    async with (
        Receiver() as receiver,
        running_sandbox_async(make_config(orders=20, **PACKAGES_FIRST)) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = ShopClient(http, APP_KEY, APP_SECRET)
        await client.connect()
        for event_type in ("ORDER_STATUS_CHANGE", "PACKAGE_UPDATE"):
            body = {"address": receiver.url, "event_type": event_type}
            await client.ok("PUT", "/event/202309/webhooks", body=body)
        sandbox = info.sandbox
        order = await new_order(http, sandbox)
        first, second = order["line_items"]
        (pending,) = order["packages"]
        sku = sandbox.state.sku_index[first["sku_id"]][2]
        available, committed = await inventory_of(http, sku)

        split = await mark(
            client,
            order["id"],
            tracking_number="1Z999AA10123456784",
            shipping_provider_id=UPS,
            order_line_item_ids=[first["id"]],
        )
        assert code(split) == 0 and split["data"]["order_line_item_ids"] == [first["id"]]
        new_package = split["data"]["package_id"]
        assert new_package != pending["id"]
        seen = await detail(client, order["id"])
        assert seen["status"] == "PARTIALLY_SHIPPING" and seen["split_or_combine_tag"] == "SPLIT"
        assert [p["id"] for p in seen["packages"]] == [pending["id"], new_package]
        items = {i["id"]: i for i in seen["line_items"]}
        assert items[first["id"]]["package_id"] == new_package
        assert "package_id" not in items[second["id"]]
        assert items[second["id"]]["display_status"] == "AWAITING_SHIPMENT"
        assert (await package(client, new_package))["split_and_combine_tag"] == "SPLIT"
        assert (await package(client, pending["id"]))["order_line_item_ids"] == [second["id"]]

        rest = await mark(client, order["id"], tracking_number="9400111122223333444477")
        assert rest["data"]["package_id"] == pending["id"]
        assert (await detail(client, order["id"]))["status"] == "AWAITING_COLLECTION"
        assert await inventory_of(http, sku) == (available, committed)

        # The carrier scans the first package in (its unit leaves committed stock) and even
        # delivers it; the order is IN_TRANSIT only once the carrier has the second one too.
        assert (await http.post(f"/sandbox/packages/{new_package}/collect")).status_code == 200
        assert await inventory_of(http, sku) == (available, committed - 1)
        assert (await detail(client, order["id"]))["status"] == "AWAITING_COLLECTION"
        assert (await http.post(f"/sandbox/packages/{new_package}/deliver")).status_code == 200
        assert (await http.post(f"/sandbox/packages/{new_package}/collect")).status_code == 409
        await http.post(f"/sandbox/packages/{pending['id']}/collect")
        moving = await detail(client, order["id"])
        assert moving["status"] == "IN_TRANSIT"
        items = {i["id"]: i for i in moving["line_items"]}
        assert (items[first["id"]]["package_status"], items[first["id"]]["display_status"]) == (
            "COMPLETED",
            "DELIVERED",
        )
        assert (items[second["id"]]["package_status"], items[second["id"]]["display_status"]) == (
            "FULFILLING",
            "IN_TRANSIT",
        )
        assert (await http.post(f"/sandbox/packages/{pending['id']}/deliver")).status_code == 200
        delivered = await detail(client, order["id"])
        assert delivered["status"] == "DELIVERED"
        assert {i["package_status"] for i in delivered["line_items"]} == {"COMPLETED"}
        scans = (await client.ok("GET", f"/fulfillment/202309/orders/{order['id']}/tracking"))[
            "tracking"
        ]
        assert scans[0]["description"] == "Your package was delivered!"
        times = [s["update_time_millis"] for s in scans]
        assert times == sorted(times, reverse=True) and len(scans) == 6

        await receiver.wait_for(len(sandbox.webhooks.log))
        pushes = [p for p in receiver.payloads() if p["data"].get("order_id") == order["id"]]
        statuses = sorted(p["data"]["order_status"] for p in pushes if p["type"] == 1)
        assert statuses == sorted(
            [
                "AWAITING_SHIPMENT",
                "UNPAID",
                "PARTIALLY_SHIPPING",
                "AWAITING_COLLECTION",
                "IN_TRANSIT",
                "DELIVERED",
            ]
        )
        (package_push,) = [p for p in receiver.payloads() if p["type"] == 4]
        assert package_push["data"] == {
            "sc_type": "SPLIT",
            "role_type": "ROLE_SELLER",
            "package_list": [
                {"package_id": new_package, "order_id_list": [order["id"]]},
                {"package_id": pending["id"], "order_id_list": [order["id"]]},
            ],
            "update_time": package_push["data"]["update_time"],
        }


# --- Ship Package and Batch Ship Packages --------------------------------------------------------


async def test_ship_package_with_tiktok_shipping(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox, shipping_type="TIKTOK")
    (pending,) = order["packages"]
    now = sandbox.clock.now()
    slot = {"start_time": now + HOUR, "end_time": now + 3 * HOUR}
    assert code(await ship(client, pending["id"], handover_method="COURIER")) == 21001001
    bad_slot = {"start_time": now + HOUR, "end_time": now}
    assert code(await ship(client, pending["id"], pickup_slot=bad_slot)) == 21001001
    past = {"start_time": now - 3 * HOUR, "end_time": now - HOUR}
    assert code(await ship(client, pending["id"], pickup_slot=past)) == 21011053
    payload = await ship(client, pending["id"], handover_method="PICKUP", pickup_slot=slot)
    assert_conforms(payload, "fulfillment/ship-package.spec.json")
    assert payload["code"] == 0 and payload["data"] == {}
    info = await package(client, pending["id"])
    assert info["package_status"] == "PROCESSING" and info["handover_method"] == "PICKUP"
    assert info["pickup_slot"] == slot and info["shipping_type"] == "TIKTOK"
    assert info["shipping_provider_id"] in {USPS, UPS, "6617675021119438851"}  # TikTok's label
    seen = await detail(client, order["id"])
    assert seen["status"] == "AWAITING_COLLECTION"
    assert seen["tracking_number"] == info["tracking_number"]
    assert code(await ship(client, pending["id"], handover_method="PICKUP")) == 21011040
    assert code(await ship(client, "1234567890123456789")) == 21011028


async def test_batch_ship_reports_each_failure(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    tiktok = (await new_order(http, sandbox, (1,), shipping_type="TIKTOK"))["packages"][0]["id"]
    seller = (await new_order(http, sandbox, (1,)))["packages"][0]["id"]
    no_tracking = (await new_order(http, sandbox, (1,)))["packages"][0]["id"]
    body = {
        "packages": [
            {"id": tiktok, "handover_method": "DROP_OFF"},
            {
                "id": seller,
                "self_shipment": {"tracking_number": "GM1234567890", "shipping_provider_id": USPS},
            },
            {"id": no_tracking, "handover_method": "DROP_OFF"},
            {"id": "1234567890123456789"},
            {"id": tiktok},
        ]
    }
    payload = (await client.call("POST", "/fulfillment/202309/packages/ship", body=body)).json()
    assert_conforms(payload, "fulfillment/batch-ship-packages.spec.json")
    assert payload["code"] == 0
    errors = [(e["code"], e["detail"]["package_id"]) for e in payload["data"]["errors"]]
    assert errors == [
        (21001001, no_tracking),  # self_shipment is required for the seller's own carrier
        (21011028, "1234567890123456789"),
        (21011040, tiktok),  # shipped by the first entry of this very batch
    ]
    for package_id, status in ((tiktok, "PROCESSING"), (seller, "PROCESSING")):
        assert (await package(client, package_id))["package_status"] == status
    assert (await package(client, no_tracking))["package_status"] == "TO_FULFILL"
    assert "handover_method" not in await package(client, seller)  # none was given
    empty = await client.call("POST", "/fulfillment/202309/packages/ship", body={"packages": []})
    assert code(empty.json()) == 21001001


async def test_ship_after_cancel_is_refused(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox)
    (pending,) = order["packages"]
    cancel = {"order_id": order["id"], "cancel_reason": "seller_cancel_reason_out_of_stock"}
    await client.ok("POST", "/return_refund/202309/cancellations", body=cancel)
    self_shipment = {"tracking_number": "9400111122223333444455", "shipping_provider_id": USPS}
    assert code(await ship(client, pending["id"], self_shipment=self_shipment)) == 21011041
    assert code(await mark(client, order["id"], **self_shipment)) == 21011041
    assert (await package(client, pending["id"]))["package_status"] == "CANCELLED"


# --- Update (Package) Shipping Info -------------------------------------------------------------


async def update(client: ShopClient, path: str, number: str, provider: str = USPS) -> int:
    body = {"tracking_number": number, "shipping_provider_id": provider}
    payload = (await client.call("POST", path, body=body)).json()
    if payload["code"] == 0:
        spec = "update-package-shipping-info" if "/packages/" in path else "update-shipping-info"
        assert_conforms(payload, f"fulfillment/{spec}.spec.json")
    return code(payload)


async def test_tracking_fix_inside_and_outside_the_72_hour_window(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox)
    order_path = f"/fulfillment/202309/orders/{order['id']}/shipping_info/update"
    assert await update(client, order_path, "9400111122223333444400") == 21011043  # not shipped
    shipped = await mark(client, order["id"], tracking_number="9400111122223333444455")
    package_id = shipped["data"]["package_id"]
    package_path = f"/fulfillment/202309/packages/{package_id}/shipping_info/update"
    await http.post("/sandbox/clock", json={"advance_seconds": 71 * HOUR})
    assert await update(client, order_path, "1Z999AA10123456784", UPS) == 0
    seen = await detail(client, order["id"])
    assert (seen["tracking_number"], seen["shipping_provider_id"]) == ("1Z999AA10123456784", UPS)
    assert {i["tracking_number"] for i in seen["line_items"]} == {"1Z999AA10123456784"}
    assert seen["update_time"] == sandbox.clock.now()
    assert (await package(client, package_id))["shipping_provider_name"] == "UPS"
    assert await update(client, package_path, "1Z999AA10123456785", UPS) == 0
    assert await update(client, package_path, "bad number!", UPS) == 21011022
    await http.post("/sandbox/clock", json={"advance_seconds": 1 * HOUR + 1})
    assert await update(client, order_path, "9400111122223333444499") == 21011050
    assert await update(client, package_path, "9400111122223333444499") == 21011050
    assert (await package(client, package_id))["tracking_number"] == "1Z999AA10123456785"


async def test_tracking_fix_refusals(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    tiktok = await new_order(http, sandbox, (1,), shipping_type="TIKTOK")
    await ship(client, tiktok["packages"][0]["id"], handover_method="DROP_OFF")
    path = f"/fulfillment/202309/orders/{tiktok['id']}/shipping_info/update"
    assert await update(client, path, "9400111122223333444400") == 21011004
    assert await update(
        client, "/fulfillment/202309/orders/1/shipping_info/update", "AB123456"
    ) == (21008111)
    unknown = "/fulfillment/202309/packages/1/shipping_info/update"
    assert await update(client, unknown, "AB123456") == 21011028

    split = await new_order(http, sandbox)
    first = split["line_items"][0]["id"]
    part = await mark(
        client, split["id"], tracking_number="9400111122223333444401", order_line_item_ids=[first]
    )
    path = f"/fulfillment/202309/orders/{split['id']}/shipping_info/update"
    assert await update(client, path, "9400111122223333444402") == 21011049  # use the package API
    waiting = f"/fulfillment/202309/packages/{split['packages'][0]['id']}/shipping_info/update"
    assert await update(client, waiting, "9400111122223333444402") == 21011043
    shipped = f"/fulfillment/202309/packages/{part['data']['package_id']}/shipping_info/update"
    assert await update(client, shipped, "9400111122223333444402") == 0

    delivered = await new_order(http, sandbox, (1,))
    done = await mark(client, delivered["id"], tracking_number="9400111122223333444403")
    await http.post(f"/sandbox/packages/{done['data']['package_id']}/deliver")
    assert (await detail(client, delivered["id"]))["status"] == "DELIVERED"
    path = f"/fulfillment/202309/orders/{delivered['id']}/shipping_info/update"
    assert await update(client, path, "9400111122223333444404") == 21011030

    cancelled = await new_order(http, sandbox, (1,))
    gone = await mark(client, cancelled["id"], tracking_number="9400111122223333444405")
    await http.post(f"/sandbox/orders/{cancelled['id']}/status", json={"status": "CANCELLED"})
    path = f"/fulfillment/202309/orders/{cancelled['id']}/shipping_info/update"
    assert await update(client, path, "9400111122223333444406") == 21011041
    path = f"/fulfillment/202309/packages/{gone['data']['package_id']}/shipping_info/update"
    assert await update(client, path, "9400111122223333444406") == 21011042


# --- reading packages ---------------------------------------------------------------------------


def test_seeded_packages_match_their_orders(sandbox: Sandbox) -> None:
    shop = shop_of(sandbox)
    expected = {
        "AWAITING_SHIPMENT": {"TO_FULFILL"},
        "PARTIALLY_SHIPPING": {"TO_FULFILL", "PROCESSING"},
        "AWAITING_COLLECTION": {"PROCESSING"},
        "IN_TRANSIT": {"FULFILLING"},
        "DELIVERED": {"COMPLETED"},
        "COMPLETED": {"COMPLETED"},
    }
    for order in shop.orders.values():
        found = [shop.packages[p["id"]] for p in order["packages"]]
        if order["status"] in {"UNPAID", "ON_HOLD"}:
            assert not found
            continue
        if order["status"] == "CANCELLED":
            assert all(p.status == "CANCELLED" for p in found)
            continue
        assert {p.status for p in found} == expected[order["status"]], order["id"]
        for item in order["line_items"]:
            owner = next(p for p in found if item["id"] in p.line_item_ids)
            if owner.status == "TO_FULFILL":
                assert "package_id" not in item and "tracking_number" not in item
            else:
                assert item["package_id"] == owner.id
                assert item["tracking_number"] == owner.tracking_number != ""
                assert order["id"] in owner.order_ids
    tags = {p.tag for p in shop.packages.values()}
    assert tags == {"DEFAULT", "SPLIT", "COMBINE"}


async def test_package_detail_and_search_conform(client: ShopClient, sandbox: Sandbox) -> None:
    shop = shop_of(sandbox)
    samples: dict[tuple[str, str], str] = {}
    for p in shop.packages.values():
        samples.setdefault((p.status, p.tag), p.id)
    for package_id in samples.values():
        info = await package(client, package_id)
        assert info["package_id"] == package_id
    unknown = (await client.call("GET", "/fulfillment/202309/packages/1234567890123456789")).json()
    assert code(unknown) == 10006402

    listed: list[dict[str, Any]] = []
    token = ""
    while True:
        params = {"page_size": "50", **({"page_token": token} if token else {})}
        payload = (
            await client.call("POST", "/fulfillment/202309/packages/search", params=params, body={})
        ).json()
        assert_conforms(payload, "fulfillment/search-package.spec.json")
        listed += payload["data"]["packages"]
        token = payload["data"]["next_page_token"]
        if not token:
            break
    assert len(listed) == payload["data"]["total_count"] == len(shop.packages)
    created = [p["create_time"] for p in listed]
    assert created == sorted(created, reverse=True)  # sort_order defaults to DESC
    body = {"package_status": "FULFILLING"}
    params = {"page_size": "50", "sort_field": "update_time", "sort_order": "ASC"}
    moving = await client.ok(
        "POST", "/fulfillment/202309/packages/search", params=params, body=body
    )
    assert {p["status"] for p in moving["packages"]} == {"FULFILLING"}
    assert moving["total_count"] == sum(p.status == "FULFILLING" for p in shop.packages.values())
    middle = sorted(p.update_time for p in shop.packages.values())[100]
    search = "/fulfillment/202309/packages/search"
    recent = await client.ok("POST", search, params=params, body={"update_time_ge": middle})
    assert recent["total_count"] == sum(p.update_time >= middle for p in shop.packages.values())
    assert [p["update_time"] for p in recent["packages"]] == sorted(
        p["update_time"] for p in recent["packages"]
    )
    for bad_params, bad_body in (
        ({"page_size": "51"}, {}),
        ({}, {}),
        ({"page_size": "5", "sort_field": "id"}, {}),
        ({"page_size": "5"}, {"package_status": "SHIPPED"}),
    ):
        payload = (
            await client.call(
                "POST", "/fulfillment/202309/packages/search", params=bad_params, body=bad_body
            )
        ).json()
        assert code(payload) == 21001001, (bad_params, bad_body)


async def test_tracking_of_an_unknown_order(client: ShopClient) -> None:
    path = "/fulfillment/202309/orders/1234567890123456789/tracking"
    assert code((await client.call("GET", path)).json()) == 21008111


async def test_admin_packages_match_the_api(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    admin = (await http.get("/sandbox/packages")).json()["packages"]
    assert len(admin) == len(shop_of(sandbox).packages)
    for entry in admin[:5]:
        assert await package(client, entry["package_id"]) == entry
    waiting = next(p["package_id"] for p in admin if p["package_status"] == "TO_FULFILL")
    assert (await http.post(f"/sandbox/packages/{waiting}/deliver")).status_code == 409
    assert (await http.post("/sandbox/packages/1/collect")).status_code == 404
