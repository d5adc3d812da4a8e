"""Fulfilment calls: what goes on the wire, refusals in plain words, writes never doubled."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from app.tiktok.fulfillment import FulfillmentApi, FulfillmentRefused
from tests.unit.tiktok_fakes import API, FakeTime, envelope, make_client


@pytest.fixture
async def api():
    async with httpx.AsyncClient() as http:
        yield FulfillmentApi(make_client(http, FakeTime()))


@respx.mock
async def test_mark_shipped_sends_tracking_provider_and_line_items(api) -> None:
    route = respx.post(f"{API}/fulfillment/202309/orders/576/packages").respond(
        json=envelope({"order_id": "576", "order_line_item_ids": ["1"], "package_id": "9"})
    )
    shipped = await api.mark_shipped("576", "JX12345", "7117858858072016686", line_item_ids=["1"])
    assert shipped.package_id == "9"
    assert json.loads(route.calls.last.request.content) == {
        "tracking_number": "JX12345",
        "shipping_provider_id": "7117858858072016686",
        "order_line_item_ids": ["1"],
    }


@respx.mock
@pytest.mark.parametrize(
    ("code", "words"),
    [
        (21008099, "already shipped"),
        (21011041, "cancelled meanwhile"),
        (21011007, "after-sale request pending"),
        (21011022, "invalid tracking number"),
        (21011025, "already used"),
    ],
)
async def test_documented_refusals_come_back_in_plain_words(api, code, words) -> None:
    respx.post(f"{API}/fulfillment/202309/orders/576/packages").respond(
        json=envelope(code=code, message="raw message")
    )
    with pytest.raises(FulfillmentRefused) as info:
        await api.mark_shipped("576", "JX12345", "1")
    assert words in str(info.value) and str(code) in str(info.value)


@respx.mock
async def test_a_ship_whose_answer_was_lost_is_checked_not_repeated(api) -> None:
    route = respx.post(f"{API}/fulfillment/202309/packages/9/ship").mock(
        side_effect=httpx.ReadTimeout("lost")
    )
    checked = []

    async def shipped_already() -> bool:
        checked.append(True)
        return True

    await api.ship_package("9", verify_done=shipped_already)
    assert route.call_count == 1 and checked == [True]


@respx.mock
async def test_approve_and_reject_carry_an_idempotency_key(api) -> None:
    approve = respx.post(f"{API}/return_refund/202309/cancellations/44/approve").respond(
        json=envelope()
    )
    reject = respx.post(f"{API}/return_refund/202309/cancellations/45/reject").respond(
        json=envelope()
    )
    await api.approve_cancellation("44", "key-1")
    await api.reject_cancellation("45", "seller_reject_apply_product_has_been_packed", "key-2")
    assert approve.calls.last.request.url.params["idempotency_key"] == "key-1"
    assert json.loads(reject.calls.last.request.content) == {
        "reject_reason": "seller_reject_apply_product_has_been_packed"
    }


@respx.mock
async def test_cancellation_search_pages_and_deadlines(api) -> None:
    pages = {
        None: {
            "cancellations": [
                {
                    "cancel_id": 1,
                    "order_id": "5",
                    "cancel_status": "CANCELLATION_REQUEST_PENDING",
                    "seller_next_action_response": [
                        {"action": "SELLER_RESPOND_CANCEL", "deadline": 1800}
                    ],
                }
            ],
            "next_page_token": "t+/=",
            "total_count": 2,
        },
        "t+/=": {
            "cancellations": [{"cancel_id": "2", "cancel_status": "CANCELLATION_REQUEST_SUCCESS"}],
            "next_page_token": "",
            "total_count": 2,
        },
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=envelope(pages[request.url.params.get("page_token")]))

    respx.post(f"{API}/return_refund/202309/cancellations/search").mock(side_effect=answer)
    found = [c async for c in api.iter_cancellations()]
    assert [c.cancel_id for c in found] == ["1", "2"]
    assert found[0].awaiting_seller and found[0].deadline == 1800
    assert not found[1].awaiting_seller
