"""What the sandbox clock does to requests: the platform's automatic approvals at the deadline,
the buyer shipping back, a parcel never sent, the refund paid; and a push for every change."""

from __future__ import annotations

import json

import httpx

from app.sandbox import Sandbox, running_sandbox_async
from tests.sandbox.conftest import APP_KEY, APP_SECRET, make_config
from tests.sandbox.returns_support import (
    DAY,
    HOUR,
    advance,
    answer,
    code,
    delivered_order,
    one,
    open_return,
    records,
    return_pushes,
    subscribe_returns,
)
from tests.sandbox.support import Receiver, ShopClient
from tests.spec_files import API_DOCS

CORRECT_ITEM = "reverse_reject_refund_request_correct_item"


async def test_unanswered_requests_are_approved_by_the_platform_at_the_deadline(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    refund = await open_return(http, (await delivered_order(http, sandbox))["id"])
    ret = await open_return(
        http, (await delivered_order(http, sandbox))["id"], return_type="RETURN_AND_REFUND"
    )
    deadline = refund["seller_next_action_response"][0]["deadline"]
    await advance(http, deadline - sandbox.clock.now() - 5)
    assert (await one(client, refund["return_id"]))["return_status"] == (
        "RETURN_OR_REFUND_REQUEST_PENDING"
    )
    await advance(http, 10)
    approved = await one(client, refund["return_id"])
    assert approved["return_status"] == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert approved["update_time"] == deadline  # decided at the deadline, not when looked at
    last = (await records(client, refund["return_id"]))[-1]
    assert last["role"] == "SYSTEM" and "automatically" in last["description"]
    assert last["create_time"] == deadline
    assert (await one(client, ret["return_id"]))["return_status"] == "AWAITING_BUYER_SHIP"
    # Too late for the seller: the answers now meet the deadline-passed refusals.
    late = await answer(client, refund["return_id"], "approve", decision="APPROVE_REFUND")
    assert code(late) == 25011012
    refused = await answer(
        client, refund["return_id"], "reject", decision="REJECT_REFUND", reject_reason=CORRECT_ITEM
    )
    assert code(refused) == 25020010
    await advance(http, HOUR)
    paid = await one(client, refund["return_id"])
    assert paid["return_status"] == "RETURN_OR_REFUND_REQUEST_COMPLETE"
    assert (await records(client, refund["return_id"]))[-1]["note"] == (
        f"{paid['refund_amount']['refund_total']} USD"
    )


async def test_the_buyer_ships_back_and_the_platform_refunds_an_unchecked_parcel(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    await subscribe_returns(client)
    ret = await open_return(
        http, (await delivered_order(http, sandbox))["id"], return_type="RETURN_AND_REFUND"
    )
    rid = ret["return_id"]
    assert code(await answer(client, rid, "approve", decision="APPROVE_RETURN")) == 0
    approved = await one(client, rid)  # the second the sandbox approved it (the clock runs on)
    assert approved["return_status"] == "AWAITING_BUYER_SHIP"
    approved_at = approved["update_time"]
    await advance(http, DAY)
    shipped = await one(client, rid)
    assert shipped["return_status"] == "BUYER_SHIPPED_ITEM"
    assert shipped["update_time"] == approved_at + DAY and shipped["return_tracking_number"]
    assert "seller_next_action_response" not in shipped
    await advance(http, 3 * DAY)
    arrived = await one(client, rid)
    (action,) = arrived["seller_next_action_response"]
    assert action == {
        "action": "SELLER_RESPOND_RECEIVE_PACKAGE",
        "deadline": approved_at + 4 * DAY + 2 * DAY,
    }
    await advance(http, 2 * DAY + HOUR)
    done = await one(client, rid)
    assert done["return_status"] == "RETURN_OR_REFUND_REQUEST_COMPLETE"
    roles = [(r["role"], r["description"]) for r in await records(client, rid)]
    assert roles[-2:] == [
        (
            "SYSTEM",
            "The platform confirmed the returned package and approved the refund "
            "automatically: the seller did not respond by the deadline",
        ),
        ("SYSTEM", "Refund completed: the buyer has been refunded"),
    ]
    assert [p["data"]["return_status"] for p in return_pushes(sandbox, rid)] == [
        "RETURN_OR_REFUND_REQUEST_PENDING",
        "AWAITING_BUYER_SHIP",
        "BUYER_SHIPPED_ITEM",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "RETURN_OR_REFUND_REQUEST_COMPLETE",
    ]


async def test_a_parcel_never_shipped_back_closes_the_request(
    client: ShopClient, http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    order = await delivered_order(http, sandbox)
    ret = await open_return(http, order["id"], return_type="RETURN_AND_REFUND", buyer_ships=False)
    rid = ret["return_id"]
    assert code(await answer(client, rid, "approve", decision="APPROVE_RETURN")) == 0
    await advance(http, 7 * DAY - 10)
    assert (await one(client, rid))["return_status"] == "AWAITING_BUYER_SHIP"
    await advance(http, 20)  # the access token has expired meanwhile: ask the admin API
    (closed,) = [
        r for r in (await http.get("/sandbox/returns")).json()["returns"] if r["return_id"] == rid
    ]
    assert closed["return_status"] == "RETURN_OR_REFUND_REQUEST_CANCEL"
    last = (await http.get(f"/sandbox/returns/{rid}/records")).json()["records"][-1]
    assert last["role"] == "SYSTEM" and "did not ship" in last["description"]
    again = await http.post("/sandbox/returns", json={"order_id": order["id"]})
    assert again.status_code == 200  # a closed request frees the items


async def test_a_status_change_reaches_a_real_receiver_shaped_like_the_guide() -> None:
    guide = (API_DOCS / "guides/webhooks/return-and-refund/12-return-status-change.md").read_text()
    documented = {
        line.split("|")[1].strip().strip("*")
        for line in guide.split("# 2.")[1].split("## Event example")[0].splitlines()
        if line.startswith("| ") and not line.startswith("| **") and "---" not in line
    }
    async with (
        Receiver() as receiver,
        running_sandbox_async(make_config(orders=30)) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = ShopClient(http, APP_KEY, APP_SECRET)
        await client.connect()
        await subscribe_returns(client, receiver.url)
        order = await delivered_order(http, info.sandbox)
        ret = await open_return(http, order["id"])
        await answer(client, ret["return_id"], "approve", decision="APPROVE_REFUND")
        await receiver.wait_for(2)
        pushes = [json.loads(body) for _, body, _ in receiver.received]
        assert {p["type"] for p in pushes} == {12}
        assert {p["shop_id"] for p in pushes} == {client.shop_id}
        for push in pushes:
            assert set(push["data"]) == documented
            assert push["data"]["return_id"] == ret["return_id"]
            assert push["data"]["return_role"] == "BUYER"
            assert push["data"]["return_type"] == "REFUND"
            assert push["data"]["create_time"] == ret["create_time"]
        assert sorted(p["data"]["return_status"] for p in pushes) == [
            "RETURN_OR_REFUND_REQUEST_PENDING",
            "RETURN_OR_REFUND_REQUEST_SUCCESS",
        ]
