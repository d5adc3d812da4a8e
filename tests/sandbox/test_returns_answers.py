"""Approve Return and Reject Return: each decision, its idempotency key, and every documented
refusal for a wrong state, a wrong reason or a wrong decision."""

from __future__ import annotations

from decimal import Decimal

import httpx

from app.sandbox import Sandbox
from tests.sandbox.conformance import assert_conforms
from tests.sandbox.returns_support import (
    DAY,
    answer,
    code,
    delivered_order,
    lever,
    one,
    open_return,
    reasons,
    records,
    return_pushes,
    subscribe_returns,
)
from tests.sandbox.support import ShopClient
from tests.sandbox.test_fulfillment import shop_of

APPROVE_SPEC = "return-and-refund/approve-return.spec.json"
REJECT_SPEC = "return-and-refund/reject-return.spec.json"
CORRECT_ITEM = "reverse_reject_refund_request_correct_item"


async def test_approving_a_refund_acts_once_per_idempotency_key(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    await subscribe_returns(client)
    order = await delivered_order(http, sandbox)
    refund = await open_return(http, order["id"])
    rid = refund["return_id"]
    assert refund["return_status"] == "RETURN_OR_REFUND_REQUEST_PENDING"
    (action,) = refund["seller_next_action_response"]
    assert action == {
        "action": "SELLER_RESPOND_REFUND",
        "deadline": refund["create_time"] + 2 * DAY,
    }

    assert code(await answer(client, rid, "approve", "k" * 256, decision="APPROVE_REFUND")) == (
        25001001
    )
    payload = await answer(client, rid, "approve", "key-1", decision="APPROVE_REFUND")
    assert_conforms(payload, APPROVE_SPEC)
    assert payload["code"] == 0 and payload["data"] == {}
    approved = await one(client, rid)
    assert approved["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert "seller_next_action_response" not in approved
    history = await records(client, rid)
    assert [(r["role"], r["description"]) for r in history][-1] == (
        "SELLER",
        "Seller approved the refund request",
    )
    pushes = len(return_pushes(sandbox, rid))

    again = await answer(client, rid, "approve", "key-1", decision="APPROVE_REFUND")
    assert code(again) == 0  # the same request: answered again, nothing done twice
    assert (await one(client, rid))["update_time"] == approved["update_time"]
    assert len(await records(client, rid)) == len(history)
    assert len(return_pushes(sandbox, rid)) == pushes
    assert code(await answer(client, rid, "approve", decision="APPROVE_REFUND")) == 25011012
    assert code(await answer(client, rid, "approve", "key-2", decision="APPROVE_REFUND")) == (
        25011012
    )
    reject = await answer(
        client, rid, "reject", decision="REJECT_REFUND", reject_reason=CORRECT_ITEM
    )
    assert code(reject) == 25020010
    other = await open_return(http, (await delivered_order(http, sandbox))["id"])
    taken = await answer(client, other["return_id"], "approve", "key-1", decision="APPROVE_REFUND")
    assert code(taken) == 25001001  # that key already answered another request
    unknown = await answer(client, "1234567890123456789", "approve", decision="APPROVE_REFUND")
    assert code(unknown) == 25020005


async def test_a_return_travels_back_and_its_parcel_is_received(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    await subscribe_returns(client)
    order = await delivered_order(http, sandbox)
    ret = await open_return(
        http, order["id"], return_type="RETURN_AND_REFUND", images=2, note="Cracked screen"
    )
    rid = ret["return_id"]
    assert ret["seller_next_action_response"][0]["action"] == "SELLER_RESPOND_RETURN"
    first = (await records(client, rid))[0]
    assert first["note"] == "Cracked screen" and len(first["images"]) == 2
    for decision, expected in (
        ("APPROVE_REFUND", 25020004),
        ("APPROVE_REPLACEMENT", 25020004),
        ("APPROVE_RECEIVED_PACKAGE", 25011013),
    ):
        assert code(await answer(client, rid, "approve", decision=decision)) == expected, decision
    assert code(await answer(client, rid, "approve", decision="ELSE")) == 25001001
    assert code(await answer(client, rid, "approve")) == 25001001  # decision is required
    receive = await answer(
        client, rid, "reject", decision="REJECT_RECEIVED_PACKAGE", reject_reason=CORRECT_ITEM
    )
    assert code(receive) == 25020012
    assert code(await answer(client, rid, "approve", "r1", decision="APPROVE_RETURN")) == 0
    waiting = await one(client, rid)
    assert waiting["return_status"] == "AWAITING_BUYER_SHIP"
    assert "seller_next_action_response" not in waiting
    assert await reasons(client, rid) == {}  # nothing to reject now
    late = await answer(client, rid, "reject", decision="REJECT_RETURN", reject_reason=CORRECT_ITEM)
    assert code(late) == 25020010
    assert (await lever(http, rid, "deliver")).status_code == 409  # nothing on its way yet

    shipped = (
        await lever(http, rid, "ship", tracking_number="9202000000000000000001", provider="UPS")
    ).json()["return"]
    assert shipped["return_status"] == "BUYER_SHIPPED_ITEM"
    assert (shipped["return_tracking_number"], shipped["return_provider_name"]) == (
        "9202000000000000000001",
        "UPS",
    )
    early = await answer(
        client, rid, "reject", decision="REJECT_RECEIVED_PACKAGE", reject_reason=CORRECT_ITEM
    )
    assert code(early) == 25011035  # the parcel has not arrived
    pushes = len(return_pushes(sandbox, rid))
    arrived = (await lever(http, rid, "deliver")).json()["return"]
    now = sandbox.clock.now()
    assert arrived["return_status"] == "BUYER_SHIPPED_ITEM"
    assert arrived["seller_next_action_response"] == [
        {"action": "SELLER_RESPOND_RECEIVE_PACKAGE", "deadline": now + 2 * DAY}
    ]
    assert len(return_pushes(sandbox, rid)) == pushes  # same status: no push
    offered = await reasons(client, rid)
    assert "seller_reject_apply_package_has_not_exceeded_estimated_delivery_time" in offered
    after = await answer(
        client, rid, "reject", decision="REJECT_RETURN", reject_reason=CORRECT_ITEM
    )
    assert code(after) == 25020011
    payload = await answer(client, rid, "approve", "r2", decision="APPROVE_RECEIVED_PACKAGE")
    assert code(payload) == 0
    assert (await one(client, rid))["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    statuses = [p["data"]["return_status"] for p in return_pushes(sandbox, rid)]
    assert statuses == [
        "RETURN_OR_REFUND_REQUEST_PENDING",
        "AWAITING_BUYER_SHIP",
        "BUYER_SHIPPED_ITEM",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
    ]


async def test_rejections_take_only_the_markets_reasons(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await delivered_order(http, sandbox)
    rid = (await open_return(http, order["id"], return_type="RETURN_AND_REFUND"))["return_id"]

    def reject(reason: str | None, decision: str = "REJECT_RETURN", **body: object) -> object:
        extra = {"reject_reason": reason} if reason is not None else {}
        return answer(client, rid, "reject", decision=decision, **extra, **body)

    for reason, expected in (
        (None, 25001001),
        ("so_sorry", 25001014),
        ("reverse_reject_request_reason_1", 25001020),  # withdrawn in the US
        ("reverse_reject_request_reason_3", 25001020),
        ("seller_reject_apply_you_have_reached_an_agreement_with_the_buyer", 25001020),
        ("order_manage_list_action_respond_popup_reject_reason_delivered", 25001057),  # cancel
        ("ecom_order_delivered_refund_reason_damaged", 25001057),  # the buyer's reason
        ("seller_reject_apply_package_has_not_exceeded_estimated_delivery_time", 25001016),
        ("reverse_reject_request_reason_1_uk", 25001014),  # another market's name
    ):
        assert code(await reject(reason)) == expected, reason  # type: ignore[arg-type]
    assert code(await reject(CORRECT_ITEM, "REJECT_REFUND")) == 25020004
    assert code(await reject(CORRECT_ITEM, "REJECT_RECEIVED_PACKAGE")) == 25020012
    assert code(await reject(CORRECT_ITEM, images="photo")) == 25001001
    assert code(await reject(CORRECT_ITEM, images=[{"image_id": "x", "width": "wide"}])) == (
        25001001
    )
    images = [{"image_id": "tos-maliva-i-o3syd03w52-us/57a1c8908fe7", "width": 300, "height": 300}]
    payload = await reject(CORRECT_ITEM, comment="Sent as ordered", images=images)
    assert_conforms(payload, REJECT_SPEC)  # type: ignore[arg-type]
    assert code(payload) == 0  # type: ignore[arg-type]
    assert (await one(client, rid))["return_status"] == "REFUND_OR_RETURN_REQUEST_REJECT"
    last = (await records(client, rid))[-1]
    assert (last["role"], last["reason_text"], last["note"]) == (
        "SELLER",
        "Item is correct",
        "Sent as ordered",
    )
    assert last["images"][0]["width"] == 300
    assert code(await answer(client, rid, "approve", decision="APPROVE_RETURN")) == 25011012
    assert code(await reject(CORRECT_ITEM)) == 25001003

    assert (await lever(http, rid, "arbitration", status="SUPPORT_BUYER")).status_code == 409
    assert (await lever(http, rid, "arbitration", status="IN_PROGRESS")).status_code == 200
    assert code(await answer(client, rid, "approve", decision="APPROVE_RETURN")) == 25011010
    assert code(await reject(CORRECT_ITEM)) == 25011010
    assert (await one(client, rid))["arbitration_status"] == "IN_PROGRESS"
    decided = (await lever(http, rid, "arbitration", status="SUPPORT_BUYER")).json()["return"]
    assert decided["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert (await records(client, rid))[-1]["role"] == "OPERATOR"


async def test_a_partial_refund_offer_waits_for_the_buyer(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await delivered_order(http, sandbox)
    ret = await open_return(http, order["id"], return_type="RETURN_AND_REFUND")
    rid, total = ret["return_id"], Decimal(ret["refund_amount"]["refund_total"])

    def offer(amount: str | None, currency: str = "USD", **body: object) -> object:
        partial = {"partial_refund": {"currency": currency, "amount": amount}} if amount else {}
        return answer(client, rid, "approve", decision="OFFER_PARTIAL_REFUND", **partial, **body)

    assert code(await offer(None)) == 11050001  # the amount is missing
    assert code(await offer(str(total))) == 11050001  # not partial
    assert code(await offer("0")) == 11050001
    assert code(await offer("1.005")) == 11050001
    assert code(await offer("1.00", "GBP")) == 11050001
    malformed = await answer(
        client, rid, "approve", decision="OFFER_PARTIAL_REFUND", partial_refund="1.00"
    )
    assert code(malformed) == 25001001
    keep = await answer(client, rid, "approve", decision="APPROVE_REFUND", buyer_keep_item=True)
    assert code(keep) == 11050001  # buyer_keep_item goes with APPROVE_RETURN
    assert code(await offer("2.50")) == 0
    waiting = await one(client, rid)
    assert waiting["return_status"] == "AWAITING_BUYER_RESPONSE"
    assert waiting["partial_refund"] == {"currency": "USD", "amount": "2.50"}
    assert waiting["seller_proposed_return_type"] == "PARTIAL_REFUND"
    assert code(await answer(client, rid, "approve", decision="APPROVE_RETURN")) == 25007007
    reject = await answer(
        client, rid, "reject", decision="REJECT_RETURN", reject_reason=CORRECT_ITEM
    )
    assert code(reject) == 25007007

    declined = (await lever(http, rid, "partial_refund", accept=False)).json()["return"]
    assert declined["return_status"] == "RETURN_OR_REFUND_REQUEST_PENDING"
    assert declined["buyer_rejected_partial_refund"] is True
    assert declined["seller_next_action_response"][0]["deadline"] == sandbox.clock.now() + 2 * DAY
    assert code(await offer("3.00")) == 0
    accepted = (await lever(http, rid, "partial_refund", accept=True)).json()["return"]
    assert accepted["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert accepted["refund_amount"]["refund_total"] == "3.00"
    assert accepted["can_buyer_keep_item"] is True
    assert (await lever(http, rid, "partial_refund", accept=True)).status_code == 409

    other = await open_return(
        http, (await delivered_order(http, sandbox))["id"], return_type="RETURN_AND_REFUND"
    )
    oid = other["return_id"]
    assert code(await answer(client, oid, "approve", decision="APPROVE_RETURN")) == 0
    too_late = await answer(
        client,
        oid,
        "approve",
        decision="OFFER_PARTIAL_REFUND",
        partial_refund={"currency": "USD", "amount": "1.00"},
    )
    assert code(too_late) == 25011032


async def test_a_returnless_refund_and_a_withdrawn_request(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await delivered_order(http, sandbox, units=2)
    first, second = order["line_items"]
    kept = await open_return(
        http, order["id"], return_type="RETURN_AND_REFUND", line_item_ids=[first["id"]]
    )
    assert [i["order_line_item_id"] for i in kept["return_line_items"]] == [first["id"]]
    assert kept["refund_amount"]["refund_shipping_fee"] == "0.00"  # not the whole order
    ok = await answer(
        client, kept["return_id"], "approve", decision="APPROVE_RETURN", buyer_keep_item=True
    )
    assert code(ok) == 0
    done = await one(client, kept["return_id"])
    assert done["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert done["can_buyer_keep_item"] is True
    busy = await http.post(
        "/sandbox/returns", json={"order_id": order["id"], "line_item_ids": [first["id"]]}
    )
    assert busy.status_code == 409  # that item is already refunded

    withdrawn = await open_return(http, order["id"], line_item_ids=[second["id"]])
    wid = withdrawn["return_id"]
    cancelled = (await lever(http, wid, "cancel")).json()["return"]
    assert cancelled["return_status"] == "RETURN_OR_REFUND_REQUEST_CANCEL"
    assert (await records(client, wid))[-1]["role"] == "BUYER"
    assert code(await answer(client, wid, "approve", decision="APPROVE_REFUND")) == 25020009
    reject = await answer(
        client, wid, "reject", decision="REJECT_REFUND", reject_reason=CORRECT_ITEM
    )
    assert code(reject) == 25001003
    assert (await lever(http, wid, "cancel")).status_code == 409


async def test_a_replacement_makes_a_new_order_or_a_refund(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    shop = shop_of(sandbox)
    order = await delivered_order(http, sandbox)
    rid = (await open_return(http, order["id"], return_type="REPLACEMENT"))["return_id"]
    pending = await one(client, rid)
    assert pending["return_status"] == "REPLACEMENT_REQUEST_PENDING"
    assert pending["seller_next_action_response"][0]["action"] == "SELLER_RESPOND_REPLACEMENT"
    assert code(await answer(client, rid, "approve", decision="APPROVE_REFUND")) == 25020004
    before = len(shop.orders)
    assert code(await answer(client, rid, "approve", decision="APPROVE_REPLACEMENT")) == 0
    done = await one(client, rid)
    assert done["return_status"] == "REPLACEMENT_REQUEST_COMPLETE"
    assert len(shop.orders) == before + 1
    new_id = (await records(client, rid))[-1]["note"].split()[-1]
    new = shop.orders[new_id]
    assert new["is_replacement_order"] and new["replaced_order_id"] == order["id"]
    assert new["status"] == "AWAITING_SHIPMENT"
    assert [i["sku_id"] for i in new["line_items"]] == [i["sku_id"] for i in order["line_items"]]

    sold_out = await delivered_order(http, sandbox)
    for stock in sandbox.state.sku_index[sold_out["line_items"][0]["sku_id"]][2].stock.values():
        stock.available = 0
    oid = (await open_return(http, sold_out["id"], return_type="REPLACEMENT"))["return_id"]
    before = len(shop.orders)
    assert code(await answer(client, oid, "approve", decision="APPROVE_REPLACEMENT")) == 0
    assert (await one(client, oid))["return_status"] == "REPLACEMENT_REQUEST_REFUND_SUCCESS"
    assert len(shop.orders) == before  # no stock for it: refunded instead

    for decision, status in (
        ("ISSUE_REPLACEMENT_REFUND", "REPLACEMENT_REQUEST_REFUND_SUCCESS"),
        ("REJECT_REPLACEMENT", "REPLACEMENT_REQUEST_REJECT"),
    ):
        third = await delivered_order(http, sandbox)
        tid = (await open_return(http, third["id"], return_type="REPLACEMENT"))["return_id"]
        action = "reject" if decision.startswith("REJECT") else "approve"
        extra = {"reject_reason": CORRECT_ITEM} if action == "reject" else {}
        assert code(await answer(client, tid, action, decision=decision, **extra)) == 0
        assert (await one(client, tid))["return_status"] == status
    last = await delivered_order(http, sandbox)
    lid = (await open_return(http, last["id"], return_type="REPLACEMENT"))["return_id"]
    assert (await lever(http, lid, "cancel")).json()["return"]["return_status"] == (
        "REPLACEMENT_REQUEST_CANCEL"
    )


async def test_tiktok_receives_the_parcels_of_fbt_orders(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await delivered_order(http, sandbox, fulfillment_type="FULFILLMENT_BY_TIKTOK")
    rid = (await open_return(http, order["id"], return_type="RETURN_AND_REFUND"))["return_id"]
    assert code(await answer(client, rid, "approve", decision="APPROVE_RETURN")) == 0
    await lever(http, rid, "ship")
    receive = await answer(client, rid, "approve", decision="APPROVE_RECEIVED_PACKAGE")
    assert code(receive) == 25011026
    done = (await lever(http, rid, "deliver")).json()["return"]
    assert done["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert (await records(client, rid))[-1]["role"] == "SYSTEM"


async def test_admin_requests_follow_the_order_status(
    http: httpx.AsyncClient, sandbox: Sandbox, client: ShopClient
) -> None:
    from tests.sandbox.test_fulfillment import new_order

    unshipped = await new_order(http, sandbox, (1,))
    for body, status in (
        ({"order_id": unshipped["id"]}, 409),  # not shipped yet: a cancellation instead
        ({"order_id": "1"}, 404),
        ({"order_id": unshipped["id"], "return_type": "EXCHANGE"}, 400),
    ):
        response = await http.post("/sandbox/returns", json=body)
        assert response.status_code == status, (body, response.text)
    await http.post(
        f"/sandbox/orders/{unshipped['id']}/status", json={"status": "AWAITING_COLLECTION"}
    )
    await http.post(f"/sandbox/orders/{unshipped['id']}/status", json={"status": "IN_TRANSIT"})
    refused = await http.post(
        "/sandbox/returns", json={"order_id": unshipped["id"], "return_type": "RETURN_AND_REFUND"}
    )
    assert refused.status_code == 409  # nothing to send back before it arrives
    bad_reason = await http.post(
        "/sandbox/returns",
        json={
            "order_id": unshipped["id"],
            "return_reason": "ecom_order_delivered_refund_reason_damaged",
        },
    )
    assert bad_reason.status_code == 400  # a delivered order's reason
    refund = await open_return(http, unshipped["id"])
    assert refund["return_reason"] == "ecom_order_shipped_refund_reason_not_arrive_on_time"
    assert (await lever(http, refund["return_id"], "ship")).status_code == 409
    assert (await lever(http, "1", "ship")).status_code == 404
    assert (await lever(http, refund["return_id"], "arbitration", status="OPEN")).status_code == 400
