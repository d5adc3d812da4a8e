"""Return models read TikTok's own samples; every documented error code has a typed error;
transient refusals are retried, and an answer's unknown outcome is checked first."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
import respx

from app.tiktok.errors import INTERNAL_CODES, RetriesExhausted
from app.tiktok.models.returns import Return, ReturnRecord, ReturnStatusChange
from app.tiktok.return_errors import RETURN_REFUSALS, ReturnRefused, ReturnStateChanged
from app.tiktok.returns import ReturnsApi
from tests.spec_files import spec
from tests.unit.tiktok_fakes import API, FakeTime, envelope, make_client

ENDPOINTS = (
    "search-returns",
    "approve-return",
    "reject-return",
    "get-return-records",
    "get-reject-reasons",
    "get-aftersale-eligibility",
    "calculate-refund",
)
SEARCH = f"{API}/return_refund/202309/returns/search"


@pytest.fixture
async def api():
    async with httpx.AsyncClient() as http:
        yield ReturnsApi(make_client(http, FakeTime()))


def test_the_search_returns_sample_parses() -> None:
    sample = json.loads(spec("return-and-refund", "search-returns")["response_body"])
    (raw,) = sample["data"]["return_orders"]
    found = Return.from_api(raw)
    assert found.is_combined_return is True  # the sample sends "true " (with a space)
    assert found.refund_amount is not None and found.refund_amount.refund_total == Decimal("1.23")
    assert found.discount_amount[0].product_seller_discount == Decimal("0.1")
    assert found.shipping_fee_amount[0].buyer_paid_return_shipping_fee == Decimal("0.1")
    assert found.partial_refund is not None and found.partial_refund.amount == Decimal("10")
    assert found.deadline == 1690554680 and found.awaiting_seller
    assert found.return_line_items[0].refund_amount.refund_tax == Decimal("0.03")  # type: ignore[union-attr]
    assert found.raw is raw


def test_the_changelog_shape_of_the_amount_details_parses_too() -> None:
    # guides/changelog/return-amount-detail-information-available-in-search-return-api.md
    found = Return.from_api(
        {
            "return_id": 4035318504086604100,
            "discount_amount": {"currency": "USD", "product_platform_discount": "12"},
            "return_shipping_fee_amount": {
                "currency": "USD",
                "seller_paid_return_shipping_fee_amount": "12",
            },
            "return_status": "RETURN_OR_REFUND_REQUEST_COMPLETE",
        }
    )
    assert found.return_id == "4035318504086604100"  # ids stay text
    assert found.discount_amount[0].product_platform_discount == Decimal("12")
    assert found.shipping_fee_amount[0].seller_paid_return_shipping_fee == Decimal("12")
    assert found.is_final and not found.awaiting_seller and found.deadline is None


def test_records_and_the_type_12_push_parse() -> None:
    sample = json.loads(spec("return-and-refund", "get-return-records")["response_body"])
    (record,) = [ReturnRecord.from_api(r) for r in sample["data"]["records"]]
    assert record.by == "BUYER" and record.videos[0].duration_millis == 3000
    push = ReturnStatusChange.from_api(
        {
            "order_id": 576486316948490001,
            "return_role": "BUYER",
            "return_type": "REFUND",
            "return_status": "RETURN_OR_REFUND_REQUEST_PENDING",
            "return_id": "576486316948490001",
            "create_time": 1627587600,
            "update_time": 1644412885,
        }
    )
    assert push.order_id == "576486316948490001" and push.update_time == 1644412885


def test_every_documented_error_code_has_a_typed_error_or_is_retried() -> None:
    for name in ENDPOINTS:
        for error in spec("return-and-refund", name).get("error_code_list") or []:
            code = int(error["code"])
            assert code in RETURN_REFUSALS or code in INTERNAL_CODES, (name, code)
    for cls, words in RETURN_REFUSALS.values():
        assert issubclass(cls, ReturnRefused) and words


@respx.mock
async def test_a_locked_request_is_read_again(api) -> None:
    route = respx.post(SEARCH).mock(
        side_effect=[
            httpx.Response(200, json=envelope(code=25001028, message="reverse lock failed")),
            httpx.Response(200, json=envelope({"return_orders": [], "total_count": 0})),
        ]
    )
    page = await api.search_returns()
    assert route.call_count == 2 and page.returns == []


@respx.mock
async def test_an_answer_that_failed_inside_tiktok_is_checked_before_a_retry(api) -> None:
    approve = respx.post(f"{API}/return_refund/202309/returns/77/approve").respond(
        json=envelope(code=25001058, message="reverse downstream data load error")
    )
    respx.post(SEARCH).respond(
        json=envelope(
            {
                "return_orders": [
                    {"return_id": "77", "return_status": "RETURN_OR_REFUND_REQUEST_SUCCESS"}
                ],
                "total_count": 1,
            }
        )
    )
    await api.approve_return("77", "APPROVE_REFUND", "key-77")
    assert approve.call_count == 1  # it had landed: not sent again
    assert approve.calls.last.request.url.params["idempotency_key"] == "key-77"
    assert json.loads(approve.calls.last.request.content) == {"decision": "APPROVE_REFUND"}


@respx.mock
async def test_a_refusal_is_not_retried_and_keeps_its_code(api) -> None:
    route = respx.post(f"{API}/return_refund/202309/returns/78/reject").respond(
        json=envelope(code=25020010, message="Aftersales has been approved and cannot be rejected.")
    )
    with pytest.raises(ReturnStateChanged) as refused:
        await api.reject_return("78", "REJECT_REFUND", "reverse_reject_request_reason_4", "k")
    assert route.call_count == 1 and refused.value.code == 25020010
    assert "already approved" in str(refused.value)
    assert not isinstance(refused.value, RetriesExhausted)
