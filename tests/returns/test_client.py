"""The returns client against the sandbox: the queue, answers that land once even when the
answer is lost, refusals as typed errors in plain words, and every read as a model."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from app.tiktok.return_errors import (
    ReturnDecisionInvalid,
    ReturnNotFound,
    ReturnReasonRejected,
    ReturnStateChanged,
)
from app.tiktok.return_reasons import decisions_for, offerable, status_words
from app.tiktok.returns import ReturnQuery
from tests.returns.conftest import ReturnsShop

DAY = 86400
CORRECT_ITEM = "reverse_reject_refund_request_correct_item"


async def test_the_queue_is_the_sandboxs_requests_waiting_for_the_seller(
    returns_shop: ReturnsShop,
) -> None:
    found = [r async for r in returns_shop.api.iter_returns(ReturnQuery(page_size=10))]
    truth = await returns_shop.truth()
    assert {r.return_id for r in found} == set(truth)
    waiting = {r.return_id for r in found if r.awaiting_seller}
    assert waiting == {i for i, r in truth.items() if r.get("seller_next_action_response")}
    assert len(waiting) >= 6
    for request in found:
        raw = truth[request.return_id]
        assert request.refund_amount is not None
        assert request.refund_amount.refund_total == Decimal(raw["refund_amount"]["refund_total"])
        assert request.discount_amount and request.shipping_fee_amount
        if request.awaiting_seller:
            assert request.deadline == raw["seller_next_action_response"][0]["deadline"]
            assert request.next_action is not None
            assert decisions_for(request.next_action.action) is not None
        assert status_words(request.return_status) != request.return_status
    updates = [r.update_time for r in found]
    assert updates == sorted(updates)  # sorted by update_time for a sync cursor
    pending = await returns_shop.api.iter_returns(
        ReturnQuery(return_status=("RETURN_OR_REFUND_REQUEST_PENDING",))
    ).__anext__()
    assert pending.return_status == "RETURN_OR_REFUND_REQUEST_PENDING"
    assert await returns_shop.api.get_return("1234567890123456789") is None
    with pytest.raises(ValueError, match=r"10\.\.50"):
        await returns_shop.api.search_returns(ReturnQuery(page_size=5))


async def test_an_approval_whose_answer_was_lost_is_checked_not_sent_again(
    returns_shop: ReturnsShop,
) -> None:
    request = await returns_shop.open()
    rid = request["return_id"]
    returns_shop.losing.lose_after.append(f"/returns/{rid}/approve")
    await returns_shop.api.approve_return(rid, "APPROVE_REFUND", str(uuid.uuid4()))
    assert await returns_shop.calls(f"/returns/{rid}/approve") == 1
    now = await returns_shop.api.get_return(rid)
    assert now is not None and now.return_status == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    history = await returns_shop.api.return_records(rid)
    assert [r.by for r in history].count("SELLER") == 1
    assert await returns_shop.api.decision_landed(rid, "APPROVE_REFUND")
    assert not await returns_shop.api.decision_landed(rid, "REJECT_REFUND")


async def test_a_failed_answer_that_did_not_land_is_resent_with_the_same_key(
    returns_shop: ReturnsShop,
) -> None:
    request = await returns_shop.open(return_type="RETURN_AND_REFUND")
    rid = request["return_id"]
    returns_shop.failing.fail_once.append(f"/returns/{rid}/reject")
    key = str(uuid.uuid4())
    await returns_shop.api.reject_return(
        rid, "REJECT_RETURN", CORRECT_ITEM, key, comment="Sent as ordered"
    )
    sent = [r for r in returns_shop.failing.seen if r.url.path.endswith(f"{rid}/reject")]
    assert [r.url.params["idempotency_key"] for r in sent] == [key, key]
    assert await returns_shop.calls(f"/returns/{rid}/reject") == 1  # the 503 never arrived
    records = await returns_shop.api.return_records(rid)
    assert records[-1].by == "SELLER" and records[-1].note == "Sent as ordered"
    assert records[-1].reason_text == "Item is correct"


async def test_refusals_are_typed_and_in_plain_words(returns_shop: ReturnsShop) -> None:
    api = returns_shop.api
    refund = await returns_shop.open()
    rid = refund["return_id"]
    with pytest.raises(ReturnDecisionInvalid) as wrong:
        await api.approve_return(rid, "APPROVE_RETURN", "k-1")
    assert "does not fit the request's type" in str(wrong.value) and "25020004" in str(wrong.value)
    ret = await returns_shop.open(return_type="RETURN_AND_REFUND")
    with pytest.raises(ReturnReasonRejected) as withdrawn:
        await api.reject_return(
            ret["return_id"], "REJECT_RETURN", "reverse_reject_request_reason_1", "k-2"
        )
    assert "no longer offered" in str(withdrawn.value)
    with pytest.raises(ReturnNotFound):
        await api.return_records("1234567890123456789")
    with pytest.raises(ReturnNotFound):
        await api.aftersale_eligibility("1")

    await returns_shop.shop.later(2 * DAY + 5)  # the platform approves at the deadline
    with pytest.raises(ReturnStateChanged) as late:
        await api.approve_return(rid, "APPROVE_REFUND", "k-3")
    assert "approved automatically at its deadline" in late.value.reason
    with pytest.raises(ReturnStateChanged) as approved:
        await api.reject_return(rid, "REJECT_REFUND", CORRECT_ITEM, "k-4")
    assert approved.value.code == 25020010
    history = await api.return_records(rid)
    assert history[-1].by == "SYSTEM"  # who decided
    with pytest.raises(ValueError, match="idempotency key"):
        await api.approve_return(rid, "APPROVE_REFUND", "")


async def test_reads_come_back_as_models(returns_shop: ReturnsShop) -> None:
    api = returns_shop.api
    ret = await returns_shop.open(return_type="RETURN_AND_REFUND", images=2, note="Broken")
    rid = ret["return_id"]
    first = (await api.return_records(rid))[0]
    assert first.by == "BUYER" and first.note == "Broken" and len(first.images) == 2
    reasons = await api.reject_reasons(rid)
    assert reasons and all(r.name and r.text for r in reasons)
    assert offerable("US", reasons, "RETURN_AND_REFUND") == reasons  # already filtered
    order_id = ret["order_id"]
    eligibility = await api.aftersale_eligibility(order_id, "BUYER")
    rows = {
        (row.request_type, row.eligible) for sku in eligibility for row in sku.line_item_eligibility
    }
    assert ("RETURN_AND_REFUND", False) in rows and ("CANCEL", False) in rows
    with pytest.raises(ReturnDecisionInvalid):  # its item is in the request already
        await api.calculate_refund(order_id, "REFUND", "ecom_order_delivered_refund_reason_damaged")
    other = await returns_shop.delivered()
    amount = await api.calculate_refund(
        other, "REFUND", "ecom_order_delivered_refund_reason_missing_product_seller"
    )
    assert amount.currency == "USD" and amount.refund_total and amount.refund_total > 0
    assert amount.refund_total == sum(
        (amount.refund_subtotal, amount.refund_shipping_fee, amount.refund_tax), Decimal(0)
    )

    await api.approve_return(rid, "OFFER_PARTIAL_REFUND", "k-5", partial_refund=("USD", "1.50"))
    offered = await api.get_return(rid)
    assert offered is not None and offered.partial_refund is not None
    assert offered.partial_refund.amount == Decimal("1.50")
    assert offered.seller_proposed_return_type == "PARTIAL_REFUND"
    assert not offered.awaiting_seller
    assert await api.decision_landed(rid, "OFFER_PARTIAL_REFUND")
