"""Money from TikTok stays exact decimal text, and every documented finance error is typed."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import httpx
import pytest
import respx

from app.tiktok import errors
from app.tiktok.analytics import AnalyticsApi
from app.tiktok.finance import FinanceApi
from app.tiktok.models.finance import OrderTransactions, Statement, StatementTransaction
from app.tiktok.models.insights import SkuPerformancePage
from app.tiktok.money_errors import AnalyticsRangeInvalid, AnswerUnreadable, MerchantNotFound
from tests.spec_files import spec
from tests.unit.tiktok_fakes import API, FakeTime, envelope, make_client


@pytest.fixture
async def http():
    async with httpx.AsyncClient() as client:
        yield client


@pytest.mark.parametrize(
    ("wire", "text"),
    [
        ("5.00", "5.00"),
        ("-0.00", "0.00"),
        ("-0", "0"),
        ("-12.30", "-12.30"),  # already plain: kept as sent, trailing zero and all
        ("012.5", "12.5"),
        ("+1.5", "1.5"),
        (".5", "0.5"),
        ("0 ", "0"),  # TikTok's own sample has "sales_tax_refund_amount": "0 "
        ("", "0"),  # deprecated fields "return an empty string"
        ("1E+2", "100"),
        ("0.00000001", "0.00000001"),  # not "1E-8"
        (12, "12"),
        (0.1, "0.1"),  # a float never leaks its binary expansion
    ],
)
def test_amounts_are_plain_decimal_text(wire: object, text: str) -> None:
    statement = Statement.from_api({"id": "1", "settlement_amount": wire})
    assert statement.settlement_amount == text
    assert Decimal(statement.settlement_amount) == Decimal(text)


def test_an_amount_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="not a decimal amount"):
        Statement.from_api({"id": "1", "settlement_amount": "12,50"})


def test_the_documented_samples_parse_and_keep_every_field() -> None:
    by_order = json.loads(spec("finance", "get-transactions-by-order")["response_body"])["data"]
    parsed = OrderTransactions.from_api(by_order)
    sku = parsed.sku_transactions[0]
    assert sku.quantity == 1 and sku.statement_id == "7238804564097517339"
    assert sku.fee_tax_breakdown.fee.referral_fee_amount == "-2"
    # Undeclared fees and taxes are kept, validated as amounts.
    assert sku.fee_tax_breakdown.lines()["voucher_xtra_service_fee_amount"] == Decimal("100")
    assert sku.fee_tax_breakdown.tax.amounts()["anti_dumping_duty_amount"] == Decimal("20")
    supplementary = sku.shipping_cost_breakdown.supplementary_component.amounts()
    assert supplementary["customer_shipping_fee_offset_amount"] == Decimal("-6.99")
    by_statement = json.loads(spec("finance", "get-transactions-by-statement")["response_body"])
    txn = StatementTransaction.from_api(by_statement["data"]["transactions"][0])
    assert txn.estimated_release_time == 1685548800  # a string on the wire
    assert txn.supplementary_component.amounts()["sales_tax_refund_amount"] == 0
    skus = json.loads(spec("analytics", "get-shop-sku-performance-list")["response_body"])
    page = SkuPerformancePage.from_api(skus["data"])
    assert page.skus[0].id == "18354627263453"  # a JSON number on the wire, text here
    assert page.latest_available_date == date(2024, 4, 7)


@respx.mock
async def test_what_the_finance_calls_send(http) -> None:
    api = FinanceApi(make_client(http, FakeTime()))
    statements = respx.get(f"{API}/finance/202309/statements").respond(
        json=envelope({"statements": [], "next_page_token": ""})
    )
    withdrawals = respx.get(f"{API}/finance/202309/withdrawals").respond(
        json=envelope({"withdrawals": [], "total_count": 0})
    )
    await api.statements(statement_time_ge=1700000000, payment_status="PAID")
    await api.withdrawals(types=["WITHDRAW", "SETTLE"])
    sent = statements.calls.last.request.url.params
    assert sent["sort_field"] == "statement_time" and sent["sort_order"] == "ASC"
    assert sent["statement_time_ge"] == "1700000000" and sent["payment_status"] == "PAID"
    assert sent["page_size"] == "100" and "statement_time_lt" not in sent
    assert withdrawals.calls.last.request.url.params["types"] == "WITHDRAW,SETTLE"
    with pytest.raises(ValueError, match="types"):
        await api.withdrawals(types=["REFUND"])


@respx.mock
@pytest.mark.parametrize(
    ("code", "message", "kind"),
    [
        (22005007, "given merchant does not exist", MerchantNotFound),
        (36009014, "The version name is invalid, please check and retry.", errors.VersionRetired),
        (36009004, "param query.page_token is invalid", errors.InvalidRequest),
        (105005, "Access denied.", errors.ScopeMissing),
    ],
)
async def test_documented_finance_errors_are_typed(http, code, message, kind) -> None:
    lost: list[str] = []
    api = FinanceApi(make_client(http, FakeTime(), lost=lost))
    respx.get(f"{API}/finance/202309/withdrawals").respond(
        json=envelope(code=code, message=message)
    )
    with pytest.raises(kind):
        await api.withdrawals()
    assert lost == []  # none of these is a lost authorization


@respx.mock
async def test_analytics_range_and_unreadable_answers(http) -> None:
    api = AnalyticsApi(make_client(http, FakeTime()))
    route = respx.get(f"{API}/analytics/202406/shop_skus/performance")
    route.respond(
        json=envelope(
            code=28001022,
            message="invalid request params; detail: start time or end time is invalid.",
        )
    )
    with pytest.raises(AnalyticsRangeInvalid):
        await api.sku_performance(date(2026, 4, 1), date(2026, 4, 8))
    route.respond(json=envelope({"skus": [{"id": 1, "gmv": {"amount": "ten"}}]}))
    with pytest.raises(AnswerUnreadable, match=r"skus\.0\.gmv\.amount"):
        await api.sku_performance(date(2026, 4, 1), date(2026, 4, 8))
    with pytest.raises(ValueError, match="start date"):
        await api.shop_performance(date(2026, 4, 8), date(2026, 4, 1))
