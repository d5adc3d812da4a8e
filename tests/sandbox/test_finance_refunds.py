"""Returns and refunds in the money: an open request holds the settlement, a refund paid comes
off the order's revenue (in its settlement, or as a further line in a later statement)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest

from app.sandbox import Sandbox
from tests.sandbox.money_support import (
    BY_ORDER,
    DAY,
    advance,
    d,
    delivered_order,
    money_sandbox,
    next_statement,
    statement_transactions,
    statements,
    unsettled,
)
from tests.sandbox.support import ShopClient
from tests.sandbox.test_finance import SETTLEMENT_DAYS, assert_order_adds_up


@pytest.fixture
def sandbox() -> Sandbox:
    return money_sandbox()


async def refund_request(http: httpx.AsyncClient, order_id: str) -> str:
    answer = await http.post(
        "/sandbox/returns", json={"order_id": order_id, "return_type": "REFUND"}
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["return"]["return_id"])


async def return_status(http: httpx.AsyncClient, return_id: str) -> str:
    rows = (await http.get("/sandbox/returns")).json()["returns"]
    return str(next(r for r in rows if r["return_id"] == return_id)["return_status"])


async def refunded(http: httpx.AsyncClient, return_id: str) -> None:
    """The platform approves the unanswered request after 2 days; the refund is paid an hour
    later (sandbox returns)."""
    await advance(http, 2 * DAY + 2 * 3600)
    assert await return_status(http, return_id) == "RETURN_OR_REFUND_REQUEST_COMPLETE"


def referral_back(revenue: Decimal) -> Decimal:
    """The 20% refund administration fee on a referral fee (6%) given back."""
    referral = (revenue * Decimal("0.06")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return (referral * Decimal("0.20")).quantize(Decimal("0.01"), ROUND_HALF_UP)


async def test_an_open_request_holds_the_settlement_until_the_refund_is_paid(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    order = await delivered_order(http)
    # The buyer asks for a refund the day before the order would settle.
    await advance(http, (SETTLEMENT_DAYS - 1) * DAY)
    return_id = await refund_request(http, order["id"])
    await advance(http, 2 * DAY - 3600)  # past the settlement time, the request still open
    assert await return_status(http, return_id) == "RETURN_OR_REFUND_REQUEST_PENDING"
    assert not (await client.ok("GET", BY_ORDER.format(order["id"])))["sku_transactions"]
    rows, _ = await unsettled(client)
    held = next(r for r in rows if r.get("order_id") == order["id"])
    assert held["unsettled_reason"] == "waiting for the return or refund request to close"
    await refunded(http, return_id)
    await next_statement(http)
    data = await client.ok("GET", BY_ORDER.format(order["id"]))
    [sku] = data["sku_transactions"]
    assert_order_adds_up(sku)
    revenue = sku["revenue_breakdown"]
    gross = d(revenue["subtotal_before_discount_amount"])
    assert d(revenue["refund_subtotal_before_discount_amount"]) == -gross
    assert (
        d(sku["revenue_amount"]) == 0 == d(sku["fee_tax_breakdown"]["fee"]["referral_fee_amount"])
    )
    fee = sku["fee_tax_breakdown"]["fee"]
    kept = gross + d(revenue["seller_discount_amount"])
    assert d(fee["refund_administration_fee_amount"]) == -referral_back(kept)
    shipping = sku["shipping_cost_breakdown"]
    assert d(shipping["supplementary_component"]["refunded_customer_shipping_fee_amount"]) <= 0
    statement_id = sku["statement_id"]
    _, txns = await statement_transactions(client, statement_id)
    line = next(t for t in txns if t.get("order_id") == order["id"] and t["type"] == "ORDER")
    paid_back = line["supplementary_component"]
    assert d(paid_back["customer_refund_amount"]) > 0
    assert d(paid_back["sales_tax_amount"]) == d(paid_back["sales_tax_payment_amount"]) - d(
        paid_back["sales_tax_refund_amount"]
    )


async def test_a_refund_after_settlement_is_a_further_line_in_a_later_statement(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    order = await delivered_order(http)
    assert (
        await http.post("/sandbox/finance/settle", json={"order_ids": [order["id"]]})
    ).is_success
    [first] = await next_statement(http)
    settled = await client.ok("GET", BY_ORDER.format(order["id"]))
    before = d(settled["settlement_amount"])
    assert before > 0
    return_id = await refund_request(http, order["id"])
    await refunded(http, return_id)
    await next_statement(http)
    data = await client.ok("GET", BY_ORDER.format(order["id"]))
    lines = data["sku_transactions"]
    assert len(lines) == 2 and lines[0]["statement_id"] == first != lines[1]["statement_id"]
    later = lines[1]
    assert d(later["revenue_amount"]) < 0  # the refund takes the revenue back
    assert d(later["fee_tax_amount"]) > 0  # and most of the fees with it
    for line in lines:
        assert_order_adds_up(line)
    # The order's payout: the sum of its ORDER lines across statements.
    assert d(data["settlement_amount"]) == before + d(later["settlement_amount"])
    assert d(data["revenue_amount"]) == 0
    assert d(data["settlement_amount"]) == (
        d(data["revenue_amount"]) + d(data["fee_and_tax_amount"]) + d(data["shipping_cost_amount"])
    )
    row = next(s for s in await statements(client) if s["id"] == later["statement_id"])
    _, txns = await statement_transactions(client, row["id"])
    assert [t["type"] for t in txns if t.get("order_id") == order["id"]] == ["ORDER"]


async def test_settle_now_refuses_an_order_with_an_open_request(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    order = await delivered_order(http)
    await refund_request(http, order["id"])
    answer = await http.post("/sandbox/finance/settle", json={"order_ids": [order["id"]]})
    assert answer.status_code == 409 and "return or refund" in answer.json()["error"]
