"""Cancellations: search, a buyer's request answered (or not) by the seller, seller cancels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from app.sandbox import Sandbox, running_sandbox_async
from tests.sandbox.conformance import assert_conforms
from tests.sandbox.conftest import APP_KEY, APP_SECRET, PACKAGES_FIRST, make_config
from tests.sandbox.support import Receiver, ShopClient
from tests.sandbox.test_fulfillment import (
    code,
    detail,
    mark,
    new_order,
    package,
    ship,
    shop_of,
)
from tests.sandbox.test_inventory import inventory_of
from tests.sandbox.test_orders import in_stock

SEARCH = "/return_refund/202309/cancellations/search"
CANCEL = "/return_refund/202309/cancellations"
OUT_OF_STOCK = "seller_cancel_reason_out_of_stock"
PACKED = "seller_reject_apply_product_has_been_packed"
DAY = 86400


@pytest.fixture
def sandbox_market() -> dict[str, object]:
    """Ship Package needs the package TikTok opens before shipping: not a US local shop."""
    return PACKAGES_FIRST


async def request(http: httpx.AsyncClient, order_id: str, **body: Any) -> str:
    response = await http.post(f"/sandbox/orders/{order_id}/buyer_cancel_request", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["cancel_id"])


async def answer(
    client: ShopClient, cancel_id: str, action: str, key: str | None = None, **body: Any
) -> dict[str, Any]:
    params = {"idempotency_key": key} if key is not None else None
    path = f"/return_refund/202309/cancellations/{cancel_id}/{action}"
    return (await client.call("POST", path, params=params, body=body)).json()  # type: ignore[no-any-return]


async def record(client: ShopClient, cancel_id: str) -> dict[str, Any]:
    data = await client.ok("POST", SEARCH, body={"cancel_ids": [cancel_id]})
    (found,) = data["cancellations"]
    return found  # type: ignore[no-any-return]


async def seller_cancel(client: ShopClient, **body: Any) -> dict[str, Any]:
    return (await client.call("POST", CANCEL, body=body)).json()  # type: ignore[no-any-return]


async def http_get_cancellations(client: ShopClient) -> dict[str, Any]:
    return (await client.http.get("/sandbox/cancellations")).json()  # type: ignore[no-any-return]


# --- search ---------------------------------------------------------------------------------------


async def test_search_the_seeded_cancellations(client: ShopClient, sandbox: Sandbox) -> None:
    shop = shop_of(sandbox)
    now = sandbox.clock.now()
    found: list[dict[str, Any]] = []
    token = ""
    while True:
        params = {"page_size": "7", **({"page_token": token} if token else {})}
        payload = (await client.call("POST", SEARCH, params=params, body={})).json()
        assert_conforms(payload, "return-and-refund/search-cancellations.spec.json")
        found += payload["data"]["cancellations"]
        token = payload["data"]["next_page_token"]
        if not token:
            break
    assert len(found) == payload["data"]["total_count"] == len(shop.cancellations)
    created = [c["create_time"] for c in found]
    assert created == sorted(created)  # sort_order defaults to ASC
    cancelled = {o["id"] for o in shop.orders.values() if o["status"] == "CANCELLED"}
    assert cancelled <= {c["order_id"] for c in found if c["cancel_status"].endswith("SUCCESS")}
    pending = [c for c in found if c["cancel_status"] == "CANCELLATION_REQUEST_PENDING"]
    assert len(pending) >= 3  # a few buyers wait for an answer, with time left to give it
    for entry in pending:
        (next_action,) = entry["seller_next_action_response"]
        assert next_action["action"] == "SELLER_RESPOND_CANCEL" and next_action["deadline"] > now
        order = shop.orders[entry["order_id"]]
        assert order["is_buyer_request_cancel"] and order["status"] == "AWAITING_SHIPMENT"
        assert entry["cancel_type"] == "BUYER_CANCEL" and entry["role"] == "BUYER"
        assert entry["cancel_reason_text"]
    paid = next(
        c for c in found if c["role"] == "SELLER" and Decimal(c["refund_amount"]["refund_total"])
    )
    order = shop.orders[paid["order_id"]]
    assert paid["refund_amount"]["refund_total"] == order["payment"]["total_amount"]

    admin = {c["cancel_id"]: c for c in (await http_get_cancellations(client))["cancellations"]}
    assert admin == {c["cancel_id"]: c for c in found}
    first = await client.ok("POST", SEARCH, body={})
    assert len(first["cancellations"]) == 10  # the default page size
    cases: list[tuple[dict[str, Any], Any]] = [
        ({"cancel_status": ["CANCELLATION_REQUEST_PENDING"]}, lambda c: c in pending),
        (
            {"cancel_types": ["CANCEL"]},
            lambda c: c["cancel_type"] == "CANCEL",
        ),
        (
            {"order_ids": [pending[0]["order_id"]]},
            lambda c: c["order_id"] == pending[0]["order_id"],
        ),
        (
            {"buyer_user_ids": [shop.orders[pending[0]["order_id"]]["user_id"]]},
            lambda c: (
                shop.orders[c["order_id"]]["user_id"]
                == shop.orders[pending[0]["order_id"]]["user_id"]
            ),
        ),
        ({"create_time_ge": created[5]}, lambda c: c["create_time"] >= created[5]),
        ({"update_time_lt": created[5]}, lambda c: c["update_time"] < created[5]),
    ]
    for body, keep in cases:
        data = await client.ok("POST", SEARCH, params={"page_size": "50"}, body=body)
        expected = [c["cancel_id"] for c in found if keep(c)]
        assert expected and [c["cancel_id"] for c in data["cancellations"]] == expected, body
    newest = await client.ok(
        "POST", SEARCH, params={"page_size": "3", "sort_order": "DESC"}, body={}
    )
    assert [c["cancel_id"] for c in newest["cancellations"]] == [
        c["cancel_id"] for c in found[::-1][:3]
    ]
    for params, body in (
        ({"page_size": "0"}, {}),
        ({"page_size": "51"}, {}),
        ({"page_size": "ten"}, {}),
        ({"sort_field": "id"}, {}),
        ({}, {"cancel_types": ["REFUND"]}),
        ({}, {"cancel_status": "CANCELLATION_REQUEST_PENDING"}),
    ):
        assert code((await client.call("POST", SEARCH, params=params, body=body)).json()) == (
            25001001
        ), (params, body)


# --- a buyer's request --------------------------------------------------------------------------


async def test_approve_cancels_once_for_a_repeated_idempotency_key(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox, (2,))
    sku = sandbox.state.sku_index[order["line_items"][0]["sku_id"]][2]
    held = await inventory_of(http, sku)
    cancel_id = await request(http, order["id"])
    entry = await record(client, cancel_id)
    assert entry["cancel_status"] == "CANCELLATION_REQUEST_PENDING"
    deadline = entry["seller_next_action_response"][0]["deadline"]
    assert deadline == (await detail(client, order["id"]))["cancel_order_sla_time"]

    assert code(await answer(client, cancel_id, "approve", "k" * 256)) == 25001001
    payload = await answer(client, cancel_id, "approve", "key-1")
    assert_conforms(payload, "return-and-refund/approve-cancellation.spec.json")
    assert payload["code"] == 0 and payload["data"] == {}
    cancelled = await detail(client, order["id"])
    assert cancelled["status"] == "CANCELLED" and not cancelled["is_buyer_request_cancel"]
    assert cancelled["cancellation_initiator"] == "BUYER"
    assert cancelled["cancel_reason"] == "Bought by mistake"
    assert await inventory_of(http, sku) == (held[0] + 2, held[1] - 2)  # sellable again
    entry = await record(client, cancel_id)
    assert entry["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"
    assert "seller_next_action_response" not in entry

    pushes = len(sandbox.webhooks.log)
    update_time = cancelled["update_time"]
    await http.post("/sandbox/clock", json={"advance_seconds": 60})
    assert code(await answer(client, cancel_id, "approve", "key-1")) == 0  # the same answer
    assert (await detail(client, order["id"]))["update_time"] == update_time  # nothing redone
    assert await inventory_of(http, sku) == (held[0] + 2, held[1] - 2)
    assert len(sandbox.webhooks.log) == pushes
    assert code(await answer(client, cancel_id, "approve")) == 25011012  # without the key
    assert code(await answer(client, cancel_id, "approve", "key-2")) == 25011012
    assert code(await answer(client, cancel_id, "reject", reject_reason=PACKED)) == 25020010
    other = await new_order(http, sandbox, (1,))
    other_id = await request(http, other["id"])
    assert code(await answer(client, other_id, "approve", "key-1")) == 25001001  # key taken
    assert code(await answer(client, "1234567890123456789", "approve")) == 25020005


async def test_reject_keeps_the_order(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox)
    sla = order["cancel_order_sla_time"]
    bad = await http.post(
        f"/sandbox/orders/{order['id']}/buyer_cancel_request",
        json={"cancel_reason": "seller_cancel_reason_out_of_stock"},  # not a buyer's reason
    )
    assert bad.status_code == 409
    cancel_id = await request(
        http, order["id"], cancel_reason="ecom_order_to_ship_canceled_reason_better_price"
    )
    entry = await record(client, cancel_id)
    assert entry["cancel_reason_text"] == "Better price available"
    assert code(await answer(client, cancel_id, "reject")) == 25001001
    assert code(await answer(client, cancel_id, "reject", reject_reason="so_sorry")) == 25001014
    assert code(await answer(client, cancel_id, "reject", reject_reason=OUT_OF_STOCK)) == 25001057
    images = [{"image_id": "tos-maliva-i-o3syd03w52-us/57a1c8908fe7", "height": 200}]
    payload = await answer(
        client, cancel_id, "reject", reject_reason=PACKED, comment="Packed already", images=images
    )
    assert_conforms(payload, "return-and-refund/reject-cancellation.spec.json")
    assert payload["code"] == 0
    kept = await detail(client, order["id"])
    assert kept["status"] == "AWAITING_SHIPMENT" and not kept["is_buyer_request_cancel"]
    assert kept["cancel_order_sla_time"] == sla  # the request's earlier deadline is lifted
    assert (await record(client, cancel_id))["cancel_status"] == "CANCELLATION_REQUEST_CANCELLED"
    assert code(await answer(client, cancel_id, "approve")) == 25020009
    assert code(await answer(client, cancel_id, "reject", reject_reason=PACKED)) == 25011011
    shipped = await mark(client, order["id"], tracking_number="9400111122223333444455")
    assert code(shipped) == 0  # the order ships as usual
    seller = await seller_cancel(client, order_id=order["id"], cancel_reason=OUT_OF_STOCK)
    seller_id = seller["data"]["cancel_id"]
    assert code(await answer(client, seller_id, "approve")) == 25020004  # not a buyer's request


async def test_the_system_accepts_an_unanswered_request(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox)
    cancel_id = await request(http, order["id"])
    deadline = (await record(client, cancel_id))["seller_next_action_response"][0]["deadline"]
    await http.post("/sandbox/clock", json={"advance_seconds": deadline - sandbox.clock.now() - 5})
    assert (await detail(client, order["id"]))["status"] == "AWAITING_SHIPMENT"
    await http.post("/sandbox/clock", json={"advance_seconds": 10})
    done = await detail(client, order["id"])
    assert done["status"] == "CANCELLED" and done["cancel_time"] == deadline
    assert (await record(client, cancel_id))["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"


# --- the seller cancels ---------------------------------------------------------------------------


async def test_seller_cancels_a_whole_order(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox, (1, 1))
    sku = sandbox.state.sku_index[order["line_items"][1]["sku_id"]][2]
    held = await inventory_of(http, sku)
    payload = await seller_cancel(client, order_id=order["id"], cancel_reason=OUT_OF_STOCK)
    assert_conforms(payload, "return-and-refund/cancel-order.spec.json")
    assert payload["data"]["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"
    cancelled = await detail(client, order["id"])
    assert cancelled["status"] == "CANCELLED" and cancelled["cancellation_initiator"] == "SELLER"
    assert cancelled["cancel_reason"] == "Out of stock"
    assert {i["cancel_user"] for i in cancelled["line_items"]} == {"SELLER"}
    assert await inventory_of(http, sku) == (held[0] + 1, held[1] - 1)
    entry = await record(client, payload["data"]["cancel_id"])
    assert (entry["cancel_type"], entry["role"], entry["cancel_reason"]) == (
        "CANCEL",
        "SELLER",
        OUT_OF_STOCK,
    )
    assert entry["refund_amount"]["refund_total"] == order["payment"]["total_amount"]
    assert len(entry["cancel_line_items"]) == 2
    twice = await seller_cancel(client, order_id=order["id"], cancel_reason=OUT_OF_STOCK)
    assert code(twice) == 25001051


async def test_seller_cancel_refusals(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    shop = shop_of(sandbox)
    sku_id = in_stock(sandbox, 1).id
    placed = await http.post("/sandbox/orders", json={"line_items": [{"sku_id": sku_id}]})
    unpaid = placed.json()["order"]["id"]
    waiting = (await new_order(http, sandbox, (1,)))["id"]
    in_transit = next(o["id"] for o in shop.orders.values() if o["status"] == "IN_TRANSIT")
    unpaid_reason = "seller_cancel_unpaid_reason_out_of_stock"
    cases = [
        # cancel-reasons.json: each status has its own reasons; the wrong one is 25001021.
        (unpaid, OUT_OF_STOCK, 25001021),
        (waiting, unpaid_reason, 25001021),
        (waiting, "ecom_order_to_ship_canceled_reason_better_price", 25001015),  # a buyer's
        (waiting, "nope", 25001014),
        (waiting, None, 25001001),
        ("1234567890123456789", OUT_OF_STOCK, 25020005),
        (in_transit, OUT_OF_STOCK, 25001045),
    ]
    for order_id, reason, expected in cases:
        body = {"order_id": order_id, **({"cancel_reason": reason} if reason else {})}
        assert code(await seller_cancel(client, **body)) == expected, (order_id, reason)
    assert code(await seller_cancel(client, order_id=unpaid, cancel_reason=unpaid_reason)) == 0
    # US sellers may still cancel once shipment is arranged (order overview, transition 12).
    arranged = await new_order(http, sandbox, (1,), shipping_type="TIKTOK")
    await ship(client, arranged["packages"][0]["id"], handover_method="DROP_OFF")
    done = await seller_cancel(client, order_id=arranged["id"], cancel_reason=OUT_OF_STOCK)
    assert code(done) == 0
    assert (await package(client, arranged["packages"][0]["id"]))["package_status"] == "CANCELLED"


async def test_an_out_of_stock_item_is_cancelled_on_its_own(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await new_order(http, sandbox, (2, 1))
    first, second, other = order["line_items"]
    (pending,) = order["packages"]
    sku = sandbox.state.sku_index[other["sku_id"]][2]
    held = await inventory_of(http, sku)
    base = {"order_id": order["id"]}
    wrong = await seller_cancel(
        client,
        **base,
        cancel_reason="seller_cancel_reason_wrong_price",
        order_line_item_ids=[other["id"]],
    )
    assert code(wrong) == 25005010  # only out-of-stock items may go on their own
    too_many = [{"sku_id": other["sku_id"], "quantity": 2}]
    assert code(await seller_cancel(client, **base, cancel_reason=OUT_OF_STOCK, skus=too_many)) == (
        25005011
    )
    unknown = {"cancel_reason": OUT_OF_STOCK, "order_line_item_ids": ["1234567890123456789"]}
    assert code(await seller_cancel(client, **base, **unknown)) == 25001001

    payload = await seller_cancel(
        client,
        **base,
        cancel_reason=OUT_OF_STOCK,
        skus=[{"sku_id": other["sku_id"], "quantity": 1}],
    )
    assert code(payload) == 0
    kept = await detail(client, order["id"])
    assert kept["status"] == "AWAITING_SHIPMENT"
    items = {i["id"]: i for i in kept["line_items"]}
    assert items[other["id"]]["display_status"] == "CANCELLED"
    assert items[other["id"]]["cancel_user"] == "SELLER"
    assert {items[i]["display_status"] for i in (first["id"], second["id"])} == {
        "AWAITING_SHIPMENT"
    }
    assert await inventory_of(http, sku) == (held[0] + 1, held[1] - 1)
    entry = await record(client, payload["data"]["cancel_id"])
    (line,) = entry["cancel_line_items"]
    assert line["order_line_item_id"] == other["id"]
    tax = sum(Decimal(t["tax_amount"]) for t in other["item_tax"])
    assert Decimal(entry["refund_amount"]["refund_total"]) == Decimal(other["sale_price"]) + tax + (
        Decimal(other["retail_delivery_fee"])
    )
    assert entry["refund_amount"]["refund_shipping_fee"] == "0.00"
    again = {"cancel_reason": OUT_OF_STOCK, "order_line_item_ids": [other["id"]]}
    assert code(await seller_cancel(client, **base, **again)) == 25001011
    assert sorted((await package(client, pending["id"]))["order_line_item_ids"]) == sorted(
        [first["id"], second["id"]]
    )
    # What is left ships as one package and the order is fully arranged.
    assert code(await mark(client, order["id"], tracking_number="9400111122223333444455")) == 0
    assert (await detail(client, order["id"]))["status"] == "AWAITING_COLLECTION"


# --- pushes ---------------------------------------------------------------------------------------


async def test_cancellation_pushes_are_shaped_like_the_guide() -> None:
    async with (
        Receiver() as receiver,
        running_sandbox_async(make_config(orders=20)) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = ShopClient(http, APP_KEY, APP_SECRET)
        await client.connect()
        for event_type in ("CANCELLATION_STATUS_CHANGE", "ORDER_STATUS_CHANGE"):
            body = {"address": receiver.url, "event_type": event_type}
            await client.ok("PUT", "/event/202309/webhooks", body=body)
        sandbox = info.sandbox
        rejected, approved, dropped = [await new_order(http, sandbox, (1,)) for _ in range(3)]
        first = await request(http, rejected["id"])
        await answer(client, first, "reject", reject_reason=PACKED)
        second = await request(http, approved["id"])
        await answer(client, second, "approve")
        third = (await seller_cancel(client, order_id=dropped["id"], cancel_reason=OUT_OF_STOCK))[
            "data"
        ]["cancel_id"]
        await receiver.wait_for(len(sandbox.webhooks.log))
        pushes = [p["data"] for p in receiver.payloads() if p["type"] == 11]
        assert all(
            set(p)
            == {"order_id", "cancellations_role", "cancel_status", "cancel_id", "create_time"}
            for p in pushes
        )
        seen = sorted((p["cancel_id"], p["cancellations_role"], p["cancel_status"]) for p in pushes)
        assert seen == sorted(
            [
                (first, "BUYER", "CANCELLATION_REQUEST_PENDING"),
                (first, "BUYER", "CANCELLATION_REQUEST_CANCELLED"),
                (second, "BUYER", "CANCELLATION_REQUEST_PENDING"),
                (second, "BUYER", "CANCELLATION_REQUEST_SUCCESS"),
                (third, "SELLER", "CANCELLATION_REQUEST_SUCCESS"),
            ]
        )
        records = sandbox.state.shops[client.shop_id or ""].cancellations
        for entry in pushes:
            assert entry["create_time"] == records[entry["cancel_id"]].create_time
            assert entry["order_id"] == records[entry["cancel_id"]].order_id
        statuses = {
            (p["data"]["order_id"], p["data"]["order_status"])
            for p in receiver.payloads()
            if p["type"] == 1
        }
        assert (approved["id"], "CANCEL") in statuses and (dropped["id"], "CANCEL") in statuses
        assert (rejected["id"], "CANCEL") not in statuses
