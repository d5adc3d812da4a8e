"""TikTok Shipping labels for US local sellers (FACTS.md 9.3): no package before the label,
Get Eligible Shipping Service, Create Packages and its refusals, and markets that differ."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

import httpx
import pytest

from app.sandbox import Sandbox
from tests.sandbox.conformance import assert_conforms
from tests.sandbox.conftest import make_config
from tests.sandbox.label_support import (
    BOX,
    ONE_POUND,
    bought,
    code,
    conforms,
    create,
    eligible,
    order_detail,
    package_detail,
    shop_client,
    tiktok_order,
)
from tests.sandbox.support import ShopClient
from tests.sandbox.test_fulfillment import new_order, ship, shop_of

POUND_GRAMS = Decimal("453.59237")


# --- no package before the label ----------------------------------------------------------------


async def test_a_us_local_order_has_no_package_until_its_label_is_bought(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    shop = shop_of(sandbox)
    assert (shop.region, shop.seller_type) == ("US", "LOCAL")
    waiting = [o for o in shop.orders.values() if o["status"] == "AWAITING_SHIPMENT"]
    assert waiting and all(o["packages"] == [] for o in waiting)
    order = await tiktok_order(http, sandbox, (1, 1))
    seen = await order_detail(client, order["id"])
    assert seen["packages"] == []
    assert not any("package_id" in i or "package_status" in i for i in seen["line_items"])

    data = await bought(client, order["id"])
    seen = await order_detail(client, order["id"])
    assert seen["status"] == "AWAITING_COLLECTION"
    assert seen["packages"] == [{"id": data["package_id"]}]
    assert {i["package_id"] for i in seen["line_items"]} == {data["package_id"]}
    assert {i["package_status"] for i in seen["line_items"]} == {"PROCESSING"}
    info = await package_detail(client, data["package_id"])
    assert info["package_status"] == "PROCESSING" and info["shipping_type"] == "TIKTOK"
    assert info["weight"] == ONE_POUND and info["dimension"] == BOX
    assert info["tracking_number"] == seen["line_items"][0]["tracking_number"] != ""
    assert info["shipping_provider_name"] == data["shipping_service_info"]["shipping_provider_name"]
    assert data["order_line_item_ids"] == [i["id"] for i in order["line_items"]]


@pytest.mark.parametrize(
    ("sandbox_market", "packages_first", "label_code"),
    [
        ({"seller_type": "CROSS_BORDER"}, True, 21004010),
        ({"region": "GB", "seller_type": "LOCAL"}, False, 21008106),
        ({"region": "GB", "seller_type": "CROSS_BORDER"}, True, 21008106),
    ],
)
async def test_other_markets(
    client: ShopClient,
    http: httpx.AsyncClient,
    sandbox: Sandbox,
    packages_first: bool,
    label_code: int,
) -> None:
    shop = shop_of(sandbox)
    waiting = [o for o in shop.orders.values() if o["status"] == "AWAITING_SHIPMENT"]
    assert waiting and all(len(o["packages"]) == (1 if packages_first else 0) for o in waiting)
    order = await tiktok_order(http, sandbox)
    assert len((await order_detail(client, order["id"]))["packages"]) == (
        1 if packages_first else 0
    )
    assert code(await create(client, order["id"], weight=ONE_POUND)) == label_code
    assert code(await eligible(client, order["id"])) == label_code
    if shop.region == "GB":
        assert shop.currency == "GBP" and order["payment"]["currency"] == "GBP"
        delivered = next(o for o in shop.orders.values() if o["status"] == "DELIVERED")
        assert delivered["recipient_address"]["region_code"] == "GB"


# --- eligible shipping service -------------------------------------------------------------------


async def test_label_allocation_offers_one_service_and_create_ignores_another(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox, (1, 1))
    payload = await eligible(client, order["id"], weight=ONE_POUND, dimension=BOX)
    data = payload["data"]
    assert data["order_id"] == order["id"]
    assert data["order_line_id"] == [i["id"] for i in order["line_items"]]
    assert data["weight"] == ONE_POUND and data["dimension"] == BOX
    (service,) = data["shipping_services"]
    assert service["is_default"] is True and service["currency"] == "USD"
    assert Decimal(service["price"]) > 0
    assert 0 < service["earliest_delivery_days"] <= service["latest_delivery_days"]
    other = (
        "7208502187360257839" if service["id"] != "7208502187360257839" else "7208502187360257838"
    )
    label = await bought(client, order["id"], shipping_service_id=other)
    assert label["shipping_service_info"]["id"] == service["id"]  # the one tied to the order
    assert label["shipping_service_info"]["price"] == service["price"]


async def test_without_allocation_the_seller_picks_among_the_services() -> None:
    sandbox = Sandbox(make_config(label_allocation=False))
    async with shop_client(sandbox) as (http, client):
        order = await tiktok_order(http, sandbox)
        services = (await eligible(client, order["id"], weight=ONE_POUND))["data"][
            "shipping_services"
        ]
        assert len(services) == 4
        prices = [Decimal(s["price"]) for s in services]
        assert prices == sorted(prices) and [s["is_default"] for s in services] == [
            True,
            False,
            False,
            False,
        ]
        heavy = {"value": "25", "unit": "POUND"}
        ground_advantage = "7208502187360257836"  # up to 20 lb
        assert code(await create(client, order["id"], weight=heavy, shipping_service_id="1")) == (
            21004008
        )
        refused = await create(
            client, order["id"], weight=heavy, shipping_service_id=ground_advantage
        )
        assert code(refused) == 11003011
        chosen = services[-1]["id"]
        label = await bought(client, order["id"], shipping_service_id=chosen)
        assert label["shipping_service_info"]["id"] == chosen


async def test_the_parcel_left_out_comes_from_the_products(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox, (2, 1))
    shop = shop_of(sandbox)
    grams = Decimal(0)
    for item in order["line_items"]:
        path = f"/product/202309/products/{item['product_id']}"
        product = (await client.call("GET", path)).json()
        assert_conforms(product, "products/get-product.spec.json")
        weight = product["data"]["package_weight"]
        per = POUND_GRAMS if weight["unit"] == "POUND" else Decimal(1000)
        grams += Decimal(weight["value"]) * per
        assert product["data"]["package_dimensions"]["unit"] == "CENTIMETER"
    data = (await eligible(client, order["id"]))["data"]
    assert data["weight"]["unit"] == "GRAM"
    assert Decimal(data["weight"]["value"]) == grams.to_integral_value(ROUND_CEILING)
    assert data["dimension"]["unit"] == "CM"
    units = {p.package_weight[1] for p in shop.products.values()}
    assert units == {"POUND", "KILOGRAM"}  # a US shop's catalogue mixes both


def box(length: str, width: str, height: str, unit: str) -> dict[str, str]:
    return {"length": length, "width": width, "height": height, "unit": unit}


TOO_HEAVY = (21011037, 11021009)  # eligible service, create packages
OVERSIZE = (21011037, 11021014)


@pytest.mark.parametrize(
    ("weight", "dimension", "codes"),
    [
        ({"value": "70", "unit": "POUND"}, BOX, (0, 0)),
        ({"value": "70.1", "unit": "POUND"}, BOX, TOO_HEAVY),
        ({"value": "31751", "unit": "GRAM"}, BOX, (0, 0)),
        ({"value": "31752", "unit": "GRAM"}, BOX, TOO_HEAVY),
        (ONE_POUND, box("108", "10", "10", "INCH"), (0, 0)),
        (ONE_POUND, box("108.5", "1", "1", "INCH"), OVERSIZE),
        (ONE_POUND, box("275", "10", "10", "CM"), OVERSIZE),
        # 100 in long and 2 x (40 + 30) in of girth: 240 in, over 165.
        (ONE_POUND, box("100", "40", "30", "INCH"), OVERSIZE),
    ],
)
async def test_weight_and_size_limits_in_either_unit(
    client: ShopClient,
    http: httpx.AsyncClient,
    sandbox: Sandbox,
    weight: dict[str, str],
    dimension: dict[str, str],
    codes: tuple[int, int],
) -> None:
    order = await tiktok_order(http, sandbox)
    answers = (
        await eligible(client, order["id"], weight=weight, dimension=dimension),
        await create(client, order["id"], weight=weight, dimension=dimension),
    )
    assert (code(answers[0]), code(answers[1])) == codes


async def test_price_follows_the_weight_in_either_unit(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox)

    async def price(weight: dict[str, str]) -> str:
        services = (await eligible(client, order["id"], weight=weight))["data"]
        return str(services["shipping_services"][0]["price"])

    assert await price({"value": "453", "unit": "GRAM"}) == await price(ONE_POUND)
    assert await price({"value": "454", "unit": "GRAM"}) == await price(
        {"value": "2", "unit": "POUND"}
    )
    assert await price(ONE_POUND) != await price({"value": "2", "unit": "POUND"})


@pytest.mark.parametrize(
    "body",
    [
        {"weight": {"value": "1", "unit": "KILOGRAM"}},
        {"weight": {"value": 1.2, "unit": "GRAM"}},
        {"weight": {"value": "0", "unit": "GRAM"}},
        {"weight": {"value": "heavy", "unit": "GRAM"}},
        {"weight": "1 lb"},
        {"dimension": {"length": "1", "width": "1", "unit": "CM"}},
        {"dimension": {"length": "1", "width": "1", "height": "1", "unit": "MM"}},
        {"dimension": {"length": "0.3", "width": "0.2", "height": "CM", "unit": "INCH"}},
        {"order_line_item_ids": "1"},
    ],
)
async def test_malformed_requests_are_invalid_parameters(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox, body: dict[str, Any]
) -> None:
    order = await tiktok_order(http, sandbox)
    assert code(await eligible(client, order["id"], **body)) == 21001001
    assert code(await create(client, order["id"], **body)) == 21001001
    assert (await order_detail(client, order["id"]))["packages"] == []


# --- refusals ------------------------------------------------------------------------------------


async def test_orders_that_cannot_have_a_label(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sku = next(
        s for p in shop_of(sandbox).products.values() if p.status == "ACTIVATE" for s in p.skus
    )
    on_hold = (
        await http.post(
            "/sandbox/orders",
            json={"line_items": [{"sku_id": sku.id}], "paid": True, "shipping_type": "TIKTOK"},
        )
    ).json()["order"]
    assert on_hold["status"] == "ON_HOLD"
    unpaid = (await http.post("/sandbox/orders", json={"line_items": [{"sku_id": sku.id}]})).json()
    cancelled = await tiktok_order(http, sandbox)
    await http.post(f"/sandbox/orders/{cancelled['id']}/status", json={"status": "CANCELLED"})
    seller = await new_order(http, sandbox, (1,))
    by_tiktok = await tiktok_order(http, sandbox, fulfillment_type="FULFILLMENT_BY_TIKTOK")
    for order_id, expected in (
        (on_hold["id"], 21011044),
        (unpaid["order"]["id"], 21011003),
        (cancelled["id"], 21011041),
        (seller["id"], 21011003),
        (by_tiktok["id"], 21008025),
        ("1234567890123456789", 21008111),
    ):
        assert code(await create(client, order_id, weight=ONE_POUND)) == expected, order_id
        assert code(await eligible(client, order_id)) == expected, order_id
    on_hold_answer = await create(client, on_hold["id"])
    assert "on hold" in on_hold_answer["message"]
    missing = (await client.call("POST", "/fulfillment/202309/packages", body={})).json()
    assert code(missing) == 21001001
    assert (await http.get("/sandbox/labels")).json() == {"labels": []}


async def test_a_label_is_bought_once(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox)
    first = await bought(client, order["id"])
    again = await create(client, order["id"], weight=ONE_POUND)
    assert code(again) == 21008042 and again["data"] is None
    assert code(await eligible(client, order["id"])) == 21011006
    labels = (await http.get("/sandbox/labels")).json()["labels"]
    assert [(lb["package_id"], lb["order_ids"]) for lb in labels] == [
        (first["package_id"], [order["id"]])
    ]
    assert code(await ship(client, first["package_id"], handover_method="DROP_OFF")) == 21011040
    await http.post(f"/sandbox/packages/{first['package_id']}/collect")
    assert code(await create(client, order["id"])) == 21011006  # with the carrier by now


async def test_in_the_us_a_pending_cancel_request_does_not_block_the_label(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox)
    response = await http.post(f"/sandbox/orders/{order['id']}/buyer_cancel_request")
    cancel_id = response.json()["cancel_id"]
    await bought(client, order["id"])
    seen = await order_detail(client, order["id"])
    assert seen["status"] == "AWAITING_COLLECTION" and seen["is_buyer_request_cancel"] is False
    records = (await http.get("/sandbox/cancellations")).json()["cancellations"]
    (record,) = [c for c in records if c["cancel_id"] == cancel_id]
    assert record["cancel_status"] == "CANCELLATION_REQUEST_CANCELLED"  # closed by shipping


async def test_outside_the_us_a_pending_request_is_answered_first() -> None:
    sandbox = Sandbox(make_config(region="GB"))
    async with shop_client(sandbox) as (http, client):
        order = await tiktok_order(http, sandbox)
        await http.post(f"/sandbox/orders/{order['id']}/buyer_cancel_request")
        refused = await create(client, order["id"], weight=ONE_POUND)
        assert code(refused) == 21011007 and "after-sale" in refused["message"]


async def test_the_carrier_refuses_the_address(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox)
    check = f"/sandbox/orders/{order['id']}/address_check"
    assert (await http.post(check, json={"result": "ILLEGAL"})).status_code == 200
    assert code(await create(client, order["id"], weight=ONE_POUND)) == 11021012
    assert code(await eligible(client, order["id"])) == 21011037
    await http.post(check, json={"result": "NO_SERVICE"})
    assert code(await create(client, order["id"], weight=ONE_POUND)) == 21011037
    assert (await http.post(check, json={"result": "MAYBE"})).status_code == 400
    await http.post(check, json={"result": "OK"})
    await bought(client, order["id"])


# --- which items ---------------------------------------------------------------------------------


async def test_a_label_for_some_items_then_the_rest(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox, (2, 1, 1))
    other = await tiktok_order(http, sandbox)
    a1, a2, b, c = order["line_items"]
    assert a1["sku_id"] == a2["sku_id"]
    foreign = [other["line_items"][0]["id"]]
    assert code(await create(client, order["id"], order_line_item_ids=foreign)) == 21011029
    split_sku = await create(client, order["id"], order_line_item_ids=[a1["id"], b["id"]])
    assert code(split_sku) == 21011035
    cancel = "/return_refund/202309/cancellations"
    body = {
        "order_id": order["id"],
        "cancel_reason": "seller_cancel_reason_out_of_stock",
        "order_line_item_ids": [c["id"]],
    }
    assert (await client.call("POST", cancel, body=body)).json()["code"] == 0
    cancelled = await create(client, order["id"], order_line_item_ids=[c["id"]])
    assert code(cancelled) == 21001001

    first = await bought(client, order["id"], order_line_item_ids=[b["id"]])
    assert first["order_line_item_ids"] == [b["id"]]
    seen = await order_detail(client, order["id"])
    assert seen["status"] == "PARTIALLY_SHIPPING" and seen["split_or_combine_tag"] == "SPLIT"
    again = await create(client, order["id"], order_line_item_ids=[b["id"]])
    assert code(again) == 21008042
    rest = await bought(client, order["id"])
    assert rest["order_line_item_ids"] == [a1["id"], a2["id"]]
    seen = await order_detail(client, order["id"])
    assert seen["status"] == "AWAITING_COLLECTION"
    assert seen["packages"] == [{"id": first["package_id"]}, {"id": rest["package_id"]}]


async def test_an_order_split_by_tiktok_needs_a_label_per_part(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox, (1, 1, 1))
    a, b, c = (i["id"] for i in order["line_items"])
    split = await http.post(f"/sandbox/orders/{order['id']}/split", json={"line_item_ids": [c]})
    assert split.status_code == 200 and split.json()["groups"] == [[a, b], [c]]
    assert code(await create(client, order["id"], weight=ONE_POUND)) == 21011048
    assert code(await eligible(client, order["id"])) == 21011048
    across = await create(client, order["id"], order_line_item_ids=[b, c])
    assert code(across) == 21011035
    part = (await eligible(client, order["id"], order_line_item_ids=[a, b]))["data"]
    assert part["order_line_id"] == [a, b]
    await bought(client, order["id"], order_line_item_ids=[a, b])
    last = await bought(client, order["id"])  # one part is left: no need to name it
    assert last["order_line_item_ids"] == [c]
    refused = await http.post(f"/sandbox/orders/{order['id']}/split", json={"line_item_ids": [a]})
    assert refused.status_code == 409


async def test_tracking_validation(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await tiktok_order(http, sandbox)
    label = await bought(client, order["id"])
    number = (await package_detail(client, label["package_id"]))["tracking_number"]
    path = "/fulfillment/202508/tts_tracking_validation"

    async def validate(**params: str) -> dict[str, Any]:
        payload: dict[str, Any] = (await client.call("GET", path, params=params)).json()
        conforms(payload, "fulfillment/tts-tracking-validation.spec.json")
        return payload

    assert (await validate(tracking_number=number))["data"] == {
        "is_tiktok_shipping": True,
        "is_tiktok_collection": False,
    }
    assert (await validate(tracking_number="1Z999AA10123456784"))["data"][
        "is_tiktok_shipping"
    ] is False
    assert code(await validate()) == 21001001
    gb = Sandbox(make_config(region="GB", orders=5))
    async with shop_client(gb) as (_, gb_client):
        answer = (await gb_client.call("GET", path, params={"tracking_number": number})).json()
        assert code(answer) == 21008106
