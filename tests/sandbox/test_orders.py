"""The seeded shop's orders: determinism, coverage, money, pagination, filters, transitions."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from app.sandbox import Sandbox
from app.sandbox.model import Sku
from app.sandbox.transitions import STATUSES
from tests.sandbox.conftest import make_config
from tests.sandbox.support import ShopClient

SEARCH = "/order/202309/orders/search"


def world_json(sandbox: Sandbox) -> str:
    shops = []
    for shop in sandbox.state.shops.values():
        shops.append(
            {
                "shop": shop.to_authorized_api(),
                "warehouses": [w.to_api() for w in shop.warehouses],
                "products": [p.to_detail_api(shop.currency) for p in shop.products.values()],
                "orders": list(shop.orders.values()),
            }
        )
    return json.dumps(shops, sort_keys=True)


def test_same_seed_same_shop_byte_for_byte() -> None:
    epoch = 1_790_000_000
    first = world_json(Sandbox(make_config(epoch=epoch)))
    assert first == world_json(Sandbox(make_config(epoch=epoch)))
    assert first != world_json(Sandbox(make_config(epoch=epoch, seed=8)))
    unpinned = [Sandbox(make_config()) for _ in range(2)]
    assert list(unpinned[0].state.shops) == list(unpinned[1].state.shops)


def in_stock(sandbox: Sandbox, units: int) -> Sku:
    """A SKU of an ACTIVATE product with at least `units` available."""
    shop = next(iter(sandbox.state.shops.values()))
    return next(
        s
        for p in shop.products.values()
        if p.status == "ACTIVATE"
        for s in p.skus
        if sum(st.available for st in s.stock.values()) >= units
    )


def all_orders(sandbox: Sandbox) -> list[dict[str, Any]]:
    return [o for shop in sandbox.state.shops.values() for o in shop.orders.values()]


def test_default_shop_has_every_status_type_and_flag(sandbox: Sandbox) -> None:
    orders = all_orders(sandbox)
    assert len(orders) == 300
    assert {o["status"] for o in orders} == set(STATUSES)
    assert {o["order_type"] for o in orders} == {
        "NORMAL",
        "PRE_ORDER",
        "MADE_TO_ORDER",
        "BACK_ORDER",
        "ZERO_LOTTERY",
    }
    for flag in (
        "is_sample_order",
        "is_cod",
        "is_replacement_order",
        "is_exchange_order",
        "is_buyer_request_cancel",
    ):
        assert any(o[flag] for o in orders), flag
    assert {o["is_on_hold_order"] for o in orders} == {True, False}
    assert {o["fulfillment_type"] for o in orders} == {
        "FULFILLMENT_BY_SELLER",
        "FULFILLMENT_BY_TIKTOK",
    }
    assert {o["shipping_type"] for o in orders} == {"TIKTOK", "SELLER"}
    assert {o["delivery_type"] for o in orders} == {"HOME_DELIVERY", "COLLECTION_POINT"}
    assert {o.get("split_or_combine_tag") for o in orders} >= {"SPLIT", "COMBINED"}
    assert any(len({i["sku_id"] for i in o["line_items"]}) < len(o["line_items"]) for o in orders)
    for o in orders:
        assert all("quantity" not in i for i in o["line_items"])  # one unit per line item
        if o["status"] in {"UNPAID", "ON_HOLD"}:
            assert "recipient_address" not in o  # FACTS.md 4.4
        elif o["status"] != "CANCELLED":
            assert o["recipient_address"]["region_code"] == "US"
        if o["is_replacement_order"]:
            assert o["replaced_order_id"] in {x["id"] for x in orders}
        if o["is_exchange_order"]:
            assert o["exchange_source_order_id"] in {x["id"] for x in orders}
        if o["is_buyer_request_cancel"]:
            assert (
                o["request_cancel_time"] and o["cancel_order_sla_time"] > o["request_cancel_time"]
            )
        if o["order_type"] == "PRE_ORDER":
            assert o["release_date"] > o["create_time"]
        if o["order_type"] in {"MADE_TO_ORDER", "BACK_ORDER"}:
            assert o["handling_duration"]["type"] == "BUSINESS_DAY"
        if o["status"] == "CANCELLED":
            assert o["cancel_reason"] and o["cancellation_initiator"] in {
                "BUYER",
                "SELLER",
                "SYSTEM",
            }
            assert o["cancel_time"] == o["update_time"]
            assert {i["display_status"] for i in o["line_items"]} == {"CANCELLED"}
        assert o["update_time"] >= o["create_time"] and len(o["id"]) == 19


def test_money_adds_up(sandbox: Sandbox) -> None:
    for o in all_orders(sandbox):
        p = {k: Decimal(v) for k, v in o["payment"].items() if k != "currency"}
        assert (
            p["sub_total"]
            == p["original_total_product_price"] - p["seller_discount"] - p["platform_discount"]
        )
        assert p["shipping_fee"] == (
            p["original_shipping_fee"]
            - p["shipping_fee_seller_discount"]
            - p["shipping_fee_platform_discount"]
        )
        assert (
            p["total_amount"]
            == p["sub_total"] + p["shipping_fee"] + p["tax"] + p["retail_delivery_fee"]
        )
        items = o["line_items"]
        assert sum(Decimal(i["sale_price"]) for i in items) == p["sub_total"]
        assert sum(Decimal(i["original_price"]) for i in items) == p["original_total_product_price"]
        assert (
            sum(Decimal(t["tax_amount"]) for i in items for t in i["item_tax"]) == p["product_tax"]
        )
        assert o["payment"]["currency"] == "USD" and all(i["currency"] == "USD" for i in items)


async def collect(
    client: ShopClient, params: dict[str, str], body: dict[str, Any]
) -> tuple[list[dict], list[str]]:
    orders: list[dict[str, Any]] = []
    tokens: list[str] = []
    token = ""
    while True:
        data = await client.ok(
            "POST", SEARCH, params={**params, **({"page_token": token} if token else {})}, body=body
        )
        assert data["total_count"] >= len(data["orders"])
        orders.extend(data["orders"])
        token = data["next_page_token"]
        if not token:
            return orders, tokens
        tokens.append(token)


@pytest.mark.parametrize(
    ("field", "direction"),
    [("update_time", "ASC"), ("update_time", "DESC"), ("create_time", "DESC")],
)
async def test_pagination_neither_skips_nor_repeats(
    client: ShopClient, sandbox: Sandbox, field: str, direction: str
) -> None:
    size = 7
    params = {"page_size": str(size), "sort_field": field, "sort_order": direction}
    orders, tokens = await collect(client, params, {})
    ids = [o["id"] for o in orders]
    assert len(ids) == len(set(ids)) == 300
    values = [o[field] for o in orders]
    assert values == sorted(values, reverse=direction == "DESC")
    if field == "update_time":
        # Equal update times straddle page boundaries, so keyset paging is really exercised.
        assert any(values[i - 1] == values[i] for i in range(size, len(values), size))
    # Opaque standard-base64 tokens hold "+", "/" and "=" and survive URL encoding.
    joined = "".join(tokens)
    assert "+" in joined and "/" in joined and "=" in joined


async def test_page_token_is_tied_to_its_query(client: ShopClient) -> None:
    data = await client.ok("POST", SEARCH, params={"page_size": "5"}, body={})
    token = data["next_page_token"]
    for params, body in (
        ({"page_size": "5", "page_token": token}, {"order_status": "COMPLETED"}),
        ({"page_size": "5", "page_token": token, "sort_order": "ASC"}, {}),
        ({"page_size": "5", "page_token": token[:-6] + "AAAA=="}, {}),
        ({"page_size": "5", "page_token": "not base64!"}, {}),
    ):
        payload = (await client.call("POST", SEARCH, params=params, body=body)).json()
        assert payload["code"] == 21001001, payload
    again = await client.ok("POST", SEARCH, params={"page_size": "5", "page_token": token}, body={})
    assert again["orders"][0]["id"] not in {o["id"] for o in data["orders"]}


@pytest.mark.parametrize("size", ["0", "101", "", "ten"])
async def test_page_size_is_required_within_1_to_100(client: ShopClient, size: str) -> None:
    params = {"page_size": size} if size else {}
    payload = (await client.call("POST", SEARCH, params=params, body={})).json()
    assert payload["code"] == 21001001 and "page_size" in payload["message"]


async def test_filters_match_the_ground_truth(client: ShopClient, sandbox: Sandbox) -> None:
    orders = all_orders(sandbox)
    mid = sorted(o["update_time"] for o in orders)[150]
    created = sorted(o["create_time"] for o in orders)[100]
    warehouse = orders[0]["warehouse_id"]
    buyer = orders[5]["user_id"]
    cases: list[tuple[dict[str, Any], Any]] = [
        ({"order_status": "AWAITING_SHIPMENT"}, lambda o: o["status"] == "AWAITING_SHIPMENT"),
        ({"update_time_ge": mid}, lambda o: mid <= o["update_time"] < sandbox.clock.now()),
        ({"update_time_lt": mid}, lambda o: o["update_time"] < mid),
        (
            {"create_time_ge": created, "create_time_lt": mid},
            lambda o: created <= o["create_time"] < mid,
        ),
        ({"shipping_type": "SELLER"}, lambda o: o["shipping_type"] == "SELLER"),
        ({"buyer_user_id": buyer}, lambda o: o["user_id"] == buyer),
        ({"is_buyer_request_cancel": True}, lambda o: o["is_buyer_request_cancel"]),
        ({"warehouse_ids": [warehouse]}, lambda o: o["warehouse_id"] == warehouse),
    ]
    for body, keep in cases:
        found, _ = await collect(client, {"page_size": "100"}, body)
        expected = {o["id"] for o in orders if keep(o)}
        assert expected and {o["id"] for o in found} == expected, body
    bad = (
        await client.call(
            "POST", SEARCH, params={"page_size": "10"}, body={"order_status": "SHIPPED"}
        )
    ).json()
    assert bad["code"] == 21001001


async def test_order_detail_takes_up_to_50_ids(client: ShopClient, sandbox: Sandbox) -> None:
    ids = [o["id"] for o in all_orders(sandbox)]
    data = await client.ok("GET", "/order/202309/orders", params={"ids": ",".join(ids[:50])})
    assert [o["id"] for o in data["orders"]] == ids[:50]
    assert data["orders"][0] == sandbox.state.shops[client.shop_id or ""].orders[ids[0]]
    data = await client.ok(
        "GET", "/order/202507/orders", params={"ids": f"{ids[0]},1234567890123456789"}
    )
    assert [o["id"] for o in data["orders"]] == [ids[0]]
    too_many = (
        await client.call("GET", "/order/202309/orders", params={"ids": ",".join(ids[:51])})
    ).json()
    assert too_many["code"] == 21001001 and "50" in too_many["message"]


async def test_admin_orders_match_the_api(client: ShopClient, http: httpx.AsyncClient) -> None:
    admin = (await http.get("/sandbox/orders")).json()["orders"]
    api, _ = await collect(client, {"page_size": "100"}, {})
    assert sorted(admin, key=lambda o: o["id"]) == sorted(api, key=lambda o: o["id"])


async def test_documented_transitions_only(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sku = in_stock(sandbox, 3)
    order = (
        await http.post("/sandbox/orders", json={"line_items": [{"sku_id": sku.id, "quantity": 3}]})
    ).json()["order"]
    assert (
        order["status"] == "UNPAID"
        and len(order["line_items"]) == 3
        and "recipient_address" not in order
    )
    status_url = f"/sandbox/orders/{order['id']}/status"
    illegal = await http.post(status_url, json={"status": "IN_TRANSIT"})
    assert illegal.status_code == 409 and "UNPAID" in illegal.json()["error"]
    assert (await http.post(status_url, json={"status": "SHIPPED"})).status_code == 400
    times = [order["update_time"]]
    for status in (
        "ON_HOLD",
        "AWAITING_SHIPMENT",
        "PARTIALLY_SHIPPING",
        "AWAITING_COLLECTION",
        "IN_TRANSIT",
        "DELIVERED",
        "COMPLETED",
    ):
        response = await http.post(status_url, json={"status": status})
        assert response.status_code == 200, response.text
        current = response.json()["order"]
        assert current["status"] == status
        times.append(current["update_time"])
    assert times == sorted(times)
    assert current["split_or_combine_tag"] == "SPLIT" and len(current["packages"]) == 2
    assert "recipient_address" in current and current["delivery_time"] >= current["collection_time"]
    final = await http.post(status_url, json={"status": "CANCELLED"})
    assert final.status_code == 409 and "final" in final.json()["error"]


async def test_remorse_window_ends_by_itself_on_the_shop_clock(
    http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sku = in_stock(sandbox, 2).id
    order = (
        await http.post(
            "/sandbox/orders", json={"line_items": [{"sku_id": sku, "quantity": 1}], "paid": True}
        )
    ).json()["order"]
    assert order["status"] == "ON_HOLD"
    await http.post("/sandbox/clock", json={"advance_seconds": 3599})
    by_id = {o["id"]: o for o in (await http.get("/sandbox/orders")).json()["orders"]}
    assert by_id[order["id"]]["status"] == "ON_HOLD"
    await http.post("/sandbox/clock", json={"advance_seconds": 2})
    by_id = {o["id"]: o for o in (await http.get("/sandbox/orders")).json()["orders"]}
    moved = by_id[order["id"]]
    assert (
        moved["status"] == "AWAITING_SHIPMENT" and moved["update_time"] == moved["paid_time"] + 3600
    )
    assert "recipient_address" in moved
    skip = (
        await http.post(
            "/sandbox/orders", json={"line_items": [{"sku_id": sku}], "is_on_hold_order": False}
        )
    ).json()["order"]
    hold = await http.post(f"/sandbox/orders/{skip['id']}/status", json={"status": "ON_HOLD"})
    assert hold.status_code == 409
    paid = await http.post(
        f"/sandbox/orders/{skip['id']}/status", json={"status": "AWAITING_SHIPMENT"}
    )
    assert paid.json()["order"]["status"] == "AWAITING_SHIPMENT"
