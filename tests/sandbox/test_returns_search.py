"""Search Returns over the seeded requests: every documented status, type and amount field,
filters and pages exactly as the spec lists them, and a seeded shop otherwise unchanged."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from unittest import mock

from app.sandbox import Sandbox
from app.sandbox import generator as generator_module
from tests.sandbox.conformance import assert_conforms, load_spec
from tests.sandbox.conftest import make_config
from tests.sandbox.returns_support import SEARCH, code, records, search_all
from tests.sandbox.support import ShopClient
from tests.sandbox.test_fulfillment import shop_of

SPEC = "return-and-refund/search-returns.spec.json"
STILL_RUNNING = {
    "RETURN_OR_REFUND_REQUEST_PENDING",
    "REPLACEMENT_REQUEST_PENDING",
    "AWAITING_BUYER_SHIP",
    "BUYER_SHIPPED_ITEM",
    "AWAITING_BUYER_RESPONSE",
    "RETURN_OR_REFUND_REQUEST_SUCCESS",
}


def documented_values(field: str, where: str = "response_param") -> set[str]:
    """The `Available values` the spec lists for a Search Returns field."""
    param = next(p for p in load_spec(SPEC)[where] if p["name"].lstrip("^") == field)
    return set(re.findall(r"`([A-Z_]{3,})`", param["desc"]))


async def test_seeded_requests_cover_every_status_type_and_amount(
    client: ShopClient, sandbox: Sandbox
) -> None:
    shop = shop_of(sandbox)
    now = sandbox.clock.now()
    found: list[dict[str, Any]] = []
    token = ""
    while True:
        params = {"page_size": "10", **({"page_token": token} if token else {})}
        payload = (await client.call("POST", SEARCH, params=params, body={})).json()
        assert_conforms(payload, SPEC)
        found += payload["data"]["return_orders"]
        token = payload["data"]["next_page_token"]
        if not token:
            break
    assert len(found) == payload["data"]["total_count"] == len(shop.returns.requests) >= 15
    assert [r["create_time"] for r in found] == sorted(r["create_time"] for r in found)
    admin = (await client.http.get("/sandbox/returns")).json()["returns"]
    assert {r["return_id"]: r for r in admin} == {r["return_id"]: r for r in found}

    statuses = {r["return_status"] for r in found}
    # Every documented status but REPLACEMENT_REQUEST_COMPLETE (it needs a new order, which
    # the seeded history only has when its source order was delivered first).
    assert documented_values("return_status") - statuses == {"REPLACEMENT_REQUEST_COMPLETE"}
    assert {r["return_type"] for r in found} == {"REFUND", "RETURN_AND_REFUND", "REPLACEMENT"}
    warehouse = next(w for w in shop.warehouses if w.type == "RETURN_WAREHOUSE")
    for entry in found:
        order = shop.orders[entry["order_id"]]
        items = {i["id"]: i for i in order["line_items"]}
        assert entry["return_reason_text"] and entry["role"] == "BUYER"
        if entry["return_status"] in STILL_RUNNING:
            assert order["status"] in {"DELIVERED", "IN_TRANSIT"}
        else:
            assert order["status"] in {"DELIVERED", "COMPLETED"}
        if order["status"] == "IN_TRANSIT":
            assert entry["return_type"] == "REFUND"
        actions = entry.get("seller_next_action_response", [])
        for action in actions:
            assert action["deadline"] > now  # the seeded requests leave time to answer
        if entry["return_status"] in {
            "RETURN_OR_REFUND_REQUEST_PENDING",
            "REPLACEMENT_REQUEST_PENDING",
        }:
            assert len(actions) == 1
        elif entry["return_status"] != "BUYER_SHIPPED_ITEM":  # an arrived parcel waits too
            assert actions == []
        refund = entry["refund_amount"]
        total = sum(
            Decimal(refund[k]) for k in ("refund_subtotal", "refund_shipping_fee", "refund_tax")
        )
        assert Decimal(refund["refund_total"]) == total  # the changelog's formula
        lines = entry["return_line_items"]
        assert lines and all(line["order_line_item_id"] in items for line in lines)
        assert sum(Decimal(line["refund_amount"]["refund_subtotal"]) for line in lines) == (
            Decimal(refund["refund_subtotal"])
        )
        assert sum(
            Decimal(items[line["order_line_item_id"]]["sale_price"]) for line in lines
        ) == Decimal(refund["refund_subtotal"])
        (discount,) = entry["discount_amount"]
        assert discount["currency"] == refund["currency"] == "USD"
        assert Decimal(discount["product_seller_discount"]) == sum(
            Decimal(items[line["order_line_item_id"]]["seller_discount"]) for line in lines
        )
        (label,) = entry["shipping_fee_amount"]
        if entry["return_type"] == "RETURN_AND_REFUND":
            assert entry["shipment_type"] == "PLATFORM" and entry["handover_method"]
            assert (
                entry["return_warehouse_address"]["full_address"]
                == (warehouse.address["full_address"])
            )
            assert Decimal(label["seller_paid_return_shipping_fee"]) > 0
        else:
            assert "shipment_type" not in entry
            assert Decimal(label["seller_paid_return_shipping_fee"]) == 0
    by_status = {r["return_status"]: r for r in found}
    shipped = [r for r in found if r["return_status"] == "BUYER_SHIPPED_ITEM"]
    assert all(r["return_tracking_number"] and r["return_provider_name"] for r in shipped)
    assert any(r.get("seller_next_action_response") for r in shipped)  # one arrived already
    offer = by_status["AWAITING_BUYER_RESPONSE"]
    assert offer["seller_proposed_return_type"] == "PARTIAL_REFUND"
    assert offer["partial_refund"]["currency"] == "USD"
    assert offer["buyer_rejected_partial_refund"] is False
    assert by_status["REJECT_RECEIVE_PACKAGE"]["arbitration_status"] == "CLOSED"
    assert any(
        len(r["return_line_items"]) < len(shop.orders[r["order_id"]]["line_items"]) for r in found
    )  # a return of some of an order's items

    evidence = await records(client, by_status["RETURN_OR_REFUND_REQUEST_PENDING"]["return_id"])
    assert evidence[0]["role"] == "BUYER" and evidence[0]["description"]
    with_photos = [
        (await records(client, r["return_id"]))[0]
        for r in found
        if r["return_status"] == "RETURN_OR_REFUND_REQUEST_PENDING"
    ]
    assert any(rec.get("images") and rec.get("note") for rec in with_photos)
    complete = [r for r in found if r["return_status"] == "RETURN_OR_REFUND_REQUEST_COMPLETE"]
    roles = [[rec["role"] for rec in await records(client, r["return_id"])] for r in complete]
    assert ["BUYER", "SYSTEM", "BUYER", "SYSTEM", "SYSTEM", "SYSTEM"] in roles  # nobody answered


def _shop_snapshot(sandbox: Sandbox) -> str:
    shop = shop_of(sandbox)
    stock = {
        f"{sku.id}:{w}": (s.available, s.committed)
        for p in shop.products.values()
        for sku in p.skus
        for w, s in sku.stock.items()
    }
    return json.dumps(
        [shop.orders, stock, sorted(shop.packages), sorted(shop.cancellations)], sort_keys=True
    )


async def test_seeding_requests_leaves_orders_stock_and_ids_as_they_were() -> None:
    config = make_config(epoch=1_790_000_000)
    with_returns = Sandbox(config)
    with mock.patch.object(generator_module, "seed_returns", return_value=None):
        without = Sandbox(config)
    assert shop_of(with_returns).returns.requests and not shop_of(without).returns.requests
    assert _shop_snapshot(with_returns) == _shop_snapshot(without)
    assert with_returns.state.ids.new() == without.state.ids.new()  # later ids unchanged too
    assert with_returns.state.rng.random() == without.state.rng.random()
    assert len(shop_of(with_returns).orders) == 300


async def test_filters_sort_and_pages_as_documented(client: ShopClient, sandbox: Sandbox) -> None:
    shop = shop_of(sandbox)
    found = await search_all(client)
    first = (await client.ok("POST", SEARCH, body={}))["return_orders"]
    assert len(first) == 10  # the default page size
    pending = next(r for r in found if r["return_status"] == "RETURN_OR_REFUND_REQUEST_PENDING")
    created = sorted(r["create_time"] for r in found)
    user = shop.orders[pending["order_id"]]["user_id"]
    cases: list[tuple[dict[str, Any], Any]] = [
        ({"return_ids": [pending["return_id"]]}, lambda r: r["return_id"] == pending["return_id"]),
        ({"order_ids": [pending["order_id"]]}, lambda r: r["order_id"] == pending["order_id"]),
        ({"buyer_user_ids": [user]}, lambda r: shop.orders[r["order_id"]]["user_id"] == user),
        ({"return_types": ["REFUND"]}, lambda r: r["return_type"] == "REFUND"),
        (
            {"return_status": ["AWAITING_BUYER_SHIP", "BUYER_SHIPPED_ITEM"]},
            lambda r: r["return_status"] in {"AWAITING_BUYER_SHIP", "BUYER_SHIPPED_ITEM"},
        ),
        ({"seller_proposed_return_type": ["PARTIAL_REFUND"]}, lambda r: "partial_refund" in r),
        ({"arbitration_status": ["CLOSED"]}, lambda r: r.get("arbitration_status") == "CLOSED"),
        ({"create_time_ge": created[5]}, lambda r: r["create_time"] >= created[5]),
        ({"create_time_lt": created[5]}, lambda r: r["create_time"] < created[5]),
        ({"update_time_ge": created[8]}, lambda r: r["update_time"] >= created[8]),
        ({"update_time_lt": created[8]}, lambda r: r["update_time"] < created[8]),
        (
            {"locale": "en-US", "return_types": ["REPLACEMENT"]},
            lambda r: r["return_type"] == "REPLACEMENT",
        ),
    ]
    for body, keep in cases:
        expected = [r["return_id"] for r in found if keep(r)]
        assert expected, body
        assert [r["return_id"] for r in await search_all(client, body)] == expected, body
    by_update = await search_all(client, sort_field="update_time", sort_order="DESC")
    assert [r["update_time"] for r in by_update] == sorted(
        (r["update_time"] for r in found), reverse=True
    )
    for params, body in (
        ({"page_size": "9"}, {}),
        ({"page_size": "51"}, {}),
        ({"page_size": "ten"}, {}),
        ({"sort_field": "return_id"}, {}),
        ({"sort_order": "UP"}, {}),
        ({"page_token": "bm90LWEtdG9rZW4="}, {}),
        ({}, {"return_types": ["CANCEL"]}),
        ({}, {"return_status": "RETURN_OR_REFUND_REQUEST_PENDING"}),
        ({}, {"return_status": ["REPLACEMENT_REQUEST_PENDING"]}),  # not a documented filter value
        ({}, {"arbitration_status": ["OPEN"]}),
        ({}, {"create_time_ge": "yesterday"}),
    ):
        payload = (await client.call("POST", SEARCH, params=params, body=body)).json()
        assert code(payload) == 25001001, (params, body)
    page = await client.ok("POST", SEARCH, params={"page_size": "10"}, body={})
    other = await client.call(
        "POST",
        SEARCH,
        params={"page_token": page["next_page_token"]},
        body={"return_types": ["REFUND"]},
    )
    assert code(other.json()) == 25001001  # a token belongs to its own query
