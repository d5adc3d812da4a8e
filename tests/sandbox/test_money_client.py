"""The real client's finance and analytics readers against the sandbox: typed models, money
as exact decimal text, cursors that resume, and every refusal as a typed error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from app.sandbox import Sandbox
from app.tiktok import errors
from app.tiktok.analytics import AnalyticsApi
from app.tiktok.api import ShopApi
from app.tiktok.auth import AuthClient, TokenManager
from app.tiktok.client import ClientConfig, TikTokClient
from app.tiktok.finance import FinanceApi
from app.tiktok.models.amounts import dec
from app.tiktok.money_errors import InvalidOrderParameters, OrderNotInShop
from tests.sandbox.conftest import APP_KEY, APP_SECRET
from tests.sandbox.money_support import (
    DAY,
    delivered_order,
    money_sandbox,
    shop_without,
)
from tests.sandbox.support import ShopClient


@pytest.fixture
def sandbox() -> Sandbox:
    return money_sandbox()


BASE = "http://sandbox.test"


async def connected_client(sandbox: Sandbox, http: httpx.AsyncClient) -> TikTokClient:
    """A TikTokClient that went through the sandbox's OAuth, on its first shop."""
    code = await ShopClient(http, APP_KEY, APP_SECRET).authorize_code()
    auth = AuthClient(APP_KEY, APP_SECRET, auth_base=BASE, http=http)
    tokens = TokenManager(auth, await auth.get_token(code), save=lambda token: None)
    config = ClientConfig(app_key=APP_KEY, api_base=BASE, qps=2000)
    client = TikTokClient(config, APP_SECRET, tokens, http=http)
    shop = (await ShopApi(client).authorized_shops())[0]
    client.shop_id, client.shop_cipher = shop.id, shop.cipher
    return client


@pytest.fixture
async def money(sandbox: Sandbox, http: httpx.AsyncClient) -> FinanceApi:
    return FinanceApi(await connected_client(sandbox, http))


async def test_statements_resume_from_the_saved_cursor(money: FinanceApi) -> None:
    everything = [s async for p in money.iter_statements() for s in p.statements]
    assert len(everything) > 30
    seen, cursor, pages = [], None, 0
    # Read a few small pages, "crash", then resume after the last saved statement_time.
    async for page in money.iter_statements(page_size=4):
        seen += page.statements
        cursor, pages = page.max_statement_time, pages + 1
        if pages == 3:
            break
    assert cursor is not None
    async for page in money.iter_statements(statement_time_ge=cursor + 1, page_size=4):
        seen += page.statements
    assert [s.id for s in seen] == [s.id for s in everything]
    assert all(isinstance(s.settlement_amount, str) for s in everything)


async def test_statement_totals_are_exact_decimal_sums(money: FinanceApi) -> None:
    page = await money.statements(page_size=5)
    for statement in page.statements:
        pages = [p async for p in money.iter_statement_transactions(statement.id, page_size=3)]
        txns = [t for p in pages for t in p.transactions]
        head = pages[0]
        assert head.total_count == len(txns)
        settlement = sum((dec(t.settlement_amount) for t in txns), Decimal(0))
        assert settlement == dec(head.total_settlement_amount) == dec(statement.settlement_amount)
        assert dec(head.total_settlement_amount) == head.total_settlement_breakdown.total()
        for txn in (t for t in txns if t.is_order):
            assert dec(txn.revenue_amount) == txn.revenue_breakdown.total()
            assert dec(txn.fee_tax_amount) == txn.fee_tax_breakdown.total()
            referral = dec(txn.fee_tax_breakdown.fee.referral_fee_amount)
            assert referral < 0 or dec(txn.revenue_amount) == 0
            assert "supplementary_component" not in txn.shipping_cost_breakdown.amounts()


async def test_an_order_reads_unsettled_then_settled(
    money: FinanceApi, http: httpx.AsyncClient
) -> None:
    order = await delivered_order(http)
    before = await money.order_transactions(order["id"])
    assert not before.settled and before.total_count == 0
    estimates = [t async for p in money.iter_unsettled(page_size=10) for t in p.transactions]
    estimate = next(t for t in estimates if t.order_id == order["id"])
    assert estimate.estimated_settlement_time == order["delivery_time"] + 8 * DAY
    assert (
        await http.post("/sandbox/finance/settle", json={"order_ids": [order["id"]]})
    ).status_code == 200
    await http.post("/sandbox/finance/next_statement")
    after = await money.order_transactions(order["id"])
    assert after.settled and len(after.statement_ids) == 1
    assert dec(after.settlement_amount) == (
        dec(after.revenue_amount) + dec(after.fee_and_tax_amount) + dec(after.shipping_cost_amount)
    )
    assert sum((dec(s.settlement_amount) for s in after.sku_transactions), Decimal(0)) == dec(
        after.settlement_amount
    )
    assert after.raw["order_id"] == order["id"]


async def test_payments_withdrawals_and_price_detail(
    money: FinanceApi, http: httpx.AsyncClient
) -> None:
    payments = [p async for page in money.iter_payments() for p in page.payments]
    assert payments and all(p.amount.currency == "USD" for p in payments)
    assert all(
        p.amount.decimal == p.settlement_amount.decimal + p.reserve_amount.decimal for p in payments
    )
    settles = [
        w async for page in money.iter_withdrawals(types=["SETTLE"]) for w in page.withdrawals
    ]
    assert len(settles) == len(payments) and {w.type for w in settles} == {"SETTLE"}
    order = (await http.get("/sandbox/orders")).json()["orders"][5]
    price = await money.price_detail(order["id"])
    pay = order["payment"]
    assert dec(price.payment) == dec(pay["total_amount"]) - dec(pay["retail_delivery_fee"])
    assert [li.id for li in price.line_items] == [i["id"] for i in order["line_items"]]


async def test_refusals_are_typed(money: FinanceApi, sandbox: Sandbox) -> None:
    with pytest.raises(OrderNotInShop):
        await money.price_detail("1234567890123456789")
    with pytest.raises(InvalidOrderParameters):
        await money.price_detail("abc")
    with pytest.raises(errors.InvalidRequest) as bad_token:
        await money.statements(page_token="bm90IGEgdG9rZW4=")
    assert "page_token" in str(bad_token.value)
    assert money.client.tokens.lost_reason is None  # a bad page token is not a bad access token
    with pytest.raises(errors.VersionRetired):
        await money.client.call("GET", "/finance/202309/orders/1/statement_transactions", query={})
    with pytest.raises(ValueError, match="page_size"):
        await money.statements(page_size=500)


async def test_a_missing_finance_scope_says_which_permission() -> None:
    async with shop_without("seller.finance.info") as (world, h):
        api = FinanceApi(await connected_client(world, h))
        with pytest.raises(errors.ScopeMissing) as info:
            await api.statements()
    assert "Finance Information" in str(info.value) and "seller.finance.info" in str(info.value)


async def test_analytics_by_day(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    api = AnalyticsApi(await connected_client(sandbox, http))
    today = datetime.fromtimestamp(sandbox.clock.now(), UTC).date()
    start = today - timedelta(days=10)
    performance = await api.shop_performance(start, today + timedelta(days=1), with_comparison=True)
    assert performance.latest_available_date is not None
    assert performance.intervals[-1].start_date == performance.latest_available_date
    assert performance.intervals[0].start_date == start and performance.comparison_intervals
    gmv = sum((dec(i.gmv.amount) for i in performance.intervals), Decimal(0))
    skus = [
        s async for p in api.iter_sku_performance(start, today + timedelta(days=1)) for s in p.skus
    ]
    assert sum((dec(s.gmv.amount) for s in skus), Decimal(0)) == gmv
    assert all(isinstance(s.id, str) and s.id.isdigit() for s in skus)
    products = await api.product_performance(start, today, sort_field="click_through_rate")
    rates = [dec(p.click_through_rate) for p in products.products]
    assert rates == sorted(rates, reverse=True)
