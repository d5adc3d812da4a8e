"""Statements, their transactions and the money in them add up, day after day, to the cent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest

from app.sandbox import Sandbox, create_app
from app.sandbox import errors as e
from app.sandbox.fees import traits
from tests.sandbox.conftest import APP_KEY, APP_SECRET, make_config
from tests.sandbox.money_support import (
    BY_ORDER,
    BY_STATEMENT,
    DAY,
    STATEMENTS,
    advance,
    connected,
    contributing,
    d,
    delivered_order,
    money_sandbox,
    next_statement,
    paid_order,
    shop_without,
    statement_transactions,
    statements,
    total,
    unsettled,
)
from tests.sandbox.support import ShopClient


@pytest.fixture
def sandbox() -> Sandbox:
    return money_sandbox()


SETTLEMENT_DAYS = 8


def assert_order_adds_up(txn: dict) -> None:
    """revenue + fees and taxes + shipping = settlement, each the sum of its breakdown."""
    assert d(txn["revenue_amount"]) == contributing(txn["revenue_breakdown"])
    assert d(txn["shipping_cost_amount"]) == contributing(txn["shipping_cost_breakdown"])
    fees = txn["fee_tax_breakdown"]
    assert d(txn["fee_tax_amount"]) == total(fees["fee"].values()) + total(fees["tax"].values())
    assert d(txn["settlement_amount"]) == (
        d(txn["revenue_amount"]) + d(txn["fee_tax_amount"]) + d(txn["shipping_cost_amount"])
    )


async def test_history_has_a_statement_per_day_at_midnight_utc(client: ShopClient) -> None:
    rows = await statements(client)
    assert len(rows) > 30  # 60 days of seeded history, settled 8 days after delivery
    times = [s["statement_time"] for s in rows]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(t % DAY == 0 for t in times)
    assert all(s["currency"] == "USD" for s in rows)
    # US local sellers see net sales and shipping, not revenue_amount (get-statements spec).
    assert all("net_sales_amount" in s and "revenue_amount" not in s for s in rows)


async def test_every_statement_equals_the_sum_of_its_transactions(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    orders = {o["id"]: o for o in (await http.get("/sandbox/orders")).json()["orders"]}
    kinds: set[str] = set()
    for row in await statements(client):
        header, txns = await statement_transactions(client, row["id"])
        kinds |= {t["type"] for t in txns}
        assert header["total_count"] == len(txns)
        breakdown = header["total_settlement_breakdown"]
        order_txns = [t for t in txns if t["type"] == "ORDER"]
        reserves = [t for t in txns if t["type"] == "RESERVE"]
        adjustments = [t for t in txns if t["type"] not in {"ORDER", "RESERVE"}]
        assert d(breakdown["total_revenue_amount"]) == total(
            t["revenue_amount"] for t in order_txns
        )
        assert d(breakdown["total_fee_tax_amount"]) == total(
            t["fee_tax_amount"] for t in order_txns
        )
        assert d(breakdown["total_shipping_cost_amount"]) == total(
            t["shipping_cost_amount"] for t in order_txns
        )
        assert d(breakdown["total_adjustment_amount"]) == total(
            t["adjustment_amount"] for t in adjustments
        )
        settlement = d(header["total_settlement_amount"])
        assert settlement == total(t.get("settlement_amount", "0") for t in txns)
        assert settlement == contributing(breakdown)
        assert d(header["total_reserve_amount"]) == total(t["reserve_amount"] for t in reserves)
        assert d(header["payable_amount"]) == settlement + d(header["total_reserve_amount"])
        # The list's figures are the statement's own.
        assert d(row["settlement_amount"]) == settlement
        assert d(row["net_sales_amount"]) == d(breakdown["total_revenue_amount"])
        assert d(row["fee_amount"]) == d(breakdown["total_fee_tax_amount"])
        assert d(row["shipping_cost_amount"]) == d(breakdown["total_shipping_cost_amount"])
        assert d(row["adjustment_amount"]) == d(breakdown["total_adjustment_amount"])
        for txn in order_txns:
            assert_order_adds_up(txn)
            order = orders[txn["order_id"]]
            settled_at = order["delivery_time"] + SETTLEMENT_DAYS * DAY
            assert header["create_time"] - DAY <= settled_at < header["create_time"]
    assert {"ORDER", "RESERVE", "SHIPPING_FEE_ADJUSTMENT"} <= kinds


async def test_revenue_is_what_the_buyer_paid_for_the_items_after_seller_discounts(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    orders = {o["id"]: o for o in (await http.get("/sandbox/orders")).json()["orders"]}
    checked = 0
    for row in (await statements(client))[:15]:
        _, txns = await statement_transactions(client, row["id"])
        for txn in (t for t in txns if t["type"] == "ORDER"):
            order = orders[txn["order_id"]]
            live = [i for i in order["line_items"] if i["display_status"] != "CANCELLED"]
            paid = total(i["original_price"] for i in live) - total(
                i["seller_discount"] for i in live
            )
            assert d(txn["revenue_amount"]) == paid
            fees = txn["fee_tax_breakdown"]["fee"]
            assert d(fees["referral_fee_amount"]) < 0 or paid == 0
            supplementary = txn["supplementary_component"]
            assert d(supplementary["customer_payment_amount"]) == d(
                order["payment"]["total_amount"]
            )
            checked += 1
    assert checked > 10


async def test_transactions_by_order_match_the_statement_sku_by_sku(client: ShopClient) -> None:
    row = (await statements(client))[3]
    _, txns = await statement_transactions(client, row["id"])
    for txn in (t for t in txns if t["type"] == "ORDER"):
        data = await client.ok("GET", BY_ORDER.format(txn["order_id"]))
        skus = data["sku_transactions"]
        assert data["total_count"] == len(skus) >= 1
        assert {s["statement_id"] for s in skus} == {row["id"]}
        for name, root in (
            ("revenue_amount", "revenue_amount"),
            ("fee_tax_amount", "fee_and_tax_amount"),
            ("shipping_cost_amount", "shipping_cost_amount"),
            ("settlement_amount", "settlement_amount"),
        ):
            assert d(data[root]) == total(s[name] for s in skus) == d(txn[name])
        assert d(data["settlement_amount"]) == (
            d(data["revenue_amount"])
            + d(data["fee_and_tax_amount"])
            + d(data["shipping_cost_amount"])
        )
        for sku in skus:
            assert_order_adds_up(sku)
            assert int(sku["quantity"]) >= 1


async def test_pages_of_a_statement_neither_skip_nor_repeat(client: ShopClient) -> None:
    rows = await statements(client)
    busiest = max(rows, key=lambda s: d(s["net_sales_amount"]))
    _, whole = await statement_transactions(client, busiest["id"])
    assert len(whole) >= 3
    _, paged = await statement_transactions(client, busiest["id"], page_size=2)
    assert [t["id"] for t in paged] == [t["id"] for t in whole]
    keys = [(t.get("order_create_time", 0), t["id"]) for t in whole if t["type"] == "ORDER"]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    _, backwards = await statement_transactions(client, busiest["id"], page_size=2, order="DESC")
    assert [t["id"] for t in backwards] == [t["id"] for t in whole][::-1]


async def test_statement_filters_and_order(client: ShopClient) -> None:
    rows = await statements(client)
    middle = rows[len(rows) // 2]["statement_time"]
    # get-statements spec: ge inclusive, lt exclusive; "any time on Oct 5 (excluding 00:00)"
    # as ge still finds the statement made at 00:00 on Oct 6.
    later = await statements(client, statement_time_ge=str(middle - DAY + 1))
    assert later[0]["statement_time"] == middle
    earlier = await statements(client, statement_time_lt=str(middle))
    assert earlier[-1]["statement_time"] < middle
    assert len(earlier) + len(later) == len(rows)
    newest = await client.ok(
        "GET", STATEMENTS, params={"sort_field": "statement_time", "sort_order": "DESC"}
    )
    assert len(newest["statements"]) == 20  # the documented default page size
    assert newest["statements"][0]["id"] == rows[-1]["id"]
    processing = await statements(client, payment_status="PROCESSING")
    paid = await statements(client, payment_status="PAID")
    assert processing and paid and len(processing) + len(paid) == len(rows)
    assert all(s["payment_status"] == "PROCESSING" for s in processing)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (STATEMENTS, {}),  # sort_field is required
        (STATEMENTS, {"sort_field": "create_time"}),
        (STATEMENTS, {"sort_field": "statement_time", "page_size": "101"}),
        (STATEMENTS, {"sort_field": "statement_time", "page_size": "0"}),
        (STATEMENTS, {"sort_field": "statement_time", "payment_status": "DONE"}),
        (STATEMENTS, {"sort_field": "statement_time", "page_token": "not-a-token"}),
        (STATEMENTS, {"sort_field": "statement_time", "statement_time_ge": "yesterday"}),
        ("/finance/202507/orders/unsettled", {}),
        ("/finance/202309/payments", {"sort_field": "statement_time"}),
        ("/finance/202309/withdrawals", {}),  # types is required
        ("/finance/202309/withdrawals", {"types": "WITHDRAW,REFUND"}),
    ],
)
async def test_bad_parameters_are_refused(client: ShopClient, path: str, params: dict) -> None:
    payload = (await client.call("GET", path, params=params)).json()
    assert payload["code"] == 36009004 and payload["message"].startswith("param "), payload


async def test_a_page_token_belongs_to_its_own_query(client: ShopClient) -> None:
    first = await client.ok(
        "GET", STATEMENTS, params={"sort_field": "statement_time", "page_size": "2"}
    )
    token = first["next_page_token"]
    payload = (
        await client.call(
            "GET",
            STATEMENTS,
            params={
                "sort_field": "statement_time",
                "page_size": "2",
                "sort_order": "DESC",
                "page_token": token,
            },
        )
    ).json()
    assert payload["code"] == 36009004


async def test_the_202309_transaction_endpoints_are_blocked(client: ShopClient) -> None:
    row = (await statements(client))[0]
    _, txns = await statement_transactions(client, row["id"])
    order_id = next(t["order_id"] for t in txns if t["type"] == "ORDER")
    for path in (
        f"/finance/202309/statements/{row['id']}/statement_transactions",
        f"/finance/202309/orders/{order_id}/statement_transactions",
    ):
        response = await client.call("GET", path, params={"sort_field": "order_create_time"})
        payload = response.json()
        assert (payload["code"], payload["message"]) == e.INVALID_VERSION
        assert response.status_code == 404 and payload["data"] is None


async def test_unknown_statement_or_order_answers_empty(client: ShopClient) -> None:
    data = await client.ok(
        "GET",
        BY_STATEMENT.format("1234567890123456789"),
        params={"sort_field": "order_create_time"},
    )
    assert data["transactions"] == [] and data["total_count"] == 0
    data = await client.ok("GET", BY_ORDER.format("1234567890123456789"))
    assert data["sku_transactions"] == [] and data["total_count"] == 0


async def test_a_delivered_order_settles_after_the_settlement_period(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    order = await delivered_order(http)
    rows, _ = await unsettled(client)
    estimate = next(r for r in rows if r.get("order_id") == order["id"])
    settle_at = order["delivery_time"] + SETTLEMENT_DAYS * DAY
    assert estimate["estimated_settlement"] == str(settle_at)
    assert estimate["order_delivery_time"] == order["delivery_time"]
    boundary = (settle_at // DAY + 1) * DAY  # the statement of the day it settles
    now = (await http.get("/sandbox/clock")).json()["now"]
    await advance(http, boundary - 30 - now)
    assert not (await client.ok("GET", BY_ORDER.format(order["id"])))["sku_transactions"]
    assert order["id"] in {r.get("order_id") for r in (await unsettled(client))[0]}
    await advance(http, 60)
    settled = await client.ok("GET", BY_ORDER.format(order["id"]))
    assert settled["sku_transactions"]
    statement_id = settled["sku_transactions"][0]["statement_id"]
    row = next(s for s in await statements(client) if s["id"] == statement_id)
    assert row["statement_time"] == boundary
    # Collected before the estimate was made: the estimate was the settlement, to the cent.
    assert d(settled["settlement_amount"]) == d(estimate["est_settlement_amount"])
    assert d(settled["revenue_amount"]) == d(estimate["est_revenue_amount"])
    rows, _ = await unsettled(client)
    assert order["id"] not in {r.get("order_id") for r in rows}


async def test_settle_now_and_the_next_statement(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    order = await delivered_order(http)
    answer = await http.post("/sandbox/finance/settle", json={"order_ids": [order["id"]]})
    assert answer.status_code == 200, answer.text
    made = await next_statement(http)
    assert len(made) == 1
    header, txns = await statement_transactions(client, made[0])
    assert order["id"] in {t.get("order_id") for t in txns if t["type"] == "ORDER"}
    assert header["create_time"] % DAY == 0
    again = await http.post("/sandbox/finance/settle", json={"order_ids": [order["id"]]})
    assert again.status_code == 409
    sku_id = order["line_items"][0]["sku_id"]
    body = {"line_items": [{"sku_id": sku_id, "quantity": 1}]}
    fresh = (await http.post("/sandbox/orders", json=body)).json()["order"]
    refused = await http.post("/sandbox/finance/settle", json={"order_ids": [fresh["id"]]})
    assert refused.status_code == 409 and "UNPAID" in refused.json()["error"]


async def test_an_estimate_before_collection_can_differ_from_the_settlement(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    """The carrier weighs the parcel: some orders cost more than the standard label, which an
    estimate made before collection cannot know (sandbox fee schedule: 0.75 more)."""
    seen = {True: 0, False: 0}
    while not (seen[True] and seen[False]):
        assert sum(seen.values()) < 40
        order = await paid_order(http)
        await advance(http, 2)
        rows, _ = await unsettled(client)
        before = next(r for r in rows if r.get("order_id") == order["id"])
        assert before["estimated_settlement"] == f"{SETTLEMENT_DAYS} days after delivery"
        assert before["unsettled_reason"] == "waiting for delivery"
        for status in ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"):
            await http.post(f"/sandbox/orders/{order['id']}/status", json={"status": status})
        await http.post("/sandbox/finance/settle", json={"order_ids": [order["id"]]})
        await next_statement(http)
        settled = await client.ok("GET", BY_ORDER.format(order["id"]))
        gap = d(settled["settlement_amount"]) - d(before["est_settlement_amount"])
        reweighed = traits(order["id"]).reweighed
        assert gap == (Decimal("-0.75") if reweighed else Decimal(0))
        seen[reweighed] += 1


async def test_adjustments_wait_unsettled_then_join_the_next_statement(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    order = (await http.get("/sandbox/orders")).json()["orders"][0]
    answer = await http.post(
        "/sandbox/finance/adjustments",
        json={"type": "LOGISTICS_REIMBURSEMENT", "amount": "12.40", "order_id": order["id"]},
    )
    assert answer.status_code == 200, answer.text
    adjustment_id = answer.json()["adjustment_id"]
    await advance(http, 2)
    rows, first = await unsettled(client)
    pending = next(r for r in rows if r.get("adjustment_id") == adjustment_id)
    assert pending["type"] == "LOGISTICS_REIMBURSEMENT"
    assert pending["est_adjustment_amount"] == "12.40" == pending["est_settlement_amount"]
    assert pending["adjustment_order_id"] == order["id"]
    assert d(first["sum_est_adjustment_amount"]) >= Decimal("12.40")
    made = await next_statement(http)
    header, txns = await statement_transactions(client, made[0])
    line = next(t for t in txns if t.get("adjustment_id") == adjustment_id)
    assert line["adjustment_amount"] == line["settlement_amount"] == "12.40"
    assert d(header["total_settlement_breakdown"]["total_adjustment_amount"]) >= Decimal("12.40")
    bad = await http.post("/sandbox/finance/adjustments", json={"type": "GIFT", "amount": "1"})
    assert bad.status_code == 400


async def test_reserves_are_held_then_released_thirty_days_later(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    held = None
    for row in await statements(client):
        header, txns = await statement_transactions(client, row["id"])
        for txn in txns:
            if txn["type"] == "RESERVE" and txn["reserve_status"] == "COLLECTED":
                held = (header, txn, txns)
                break
        if held:
            break
    assert held is not None
    header, reserve, txns = held
    order_txn = next(t for t in txns if t.get("order_id") == reserve["associated_order_id"])
    held_back = (d(order_txn["settlement_amount"]) / 10).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert d(reserve["reserve_amount"]) == -held_back
    release_at = int(reserve["estimated_release_time"])
    assert release_at == header["create_time"] + 30 * DAY
    while (await http.get("/sandbox/clock")).json()["now"] < release_at:
        await next_statement(http)
    released = []
    for row in await statements(client, statement_time_ge=str(release_at)):
        _, txns = await statement_transactions(client, row["id"])
        released += [t for t in txns if t.get("reserve_id") == reserve["reserve_id"]]
    assert len(released) == 1
    assert released[0]["reserve_status"] == "RELEASED"
    assert released[0]["estimated_release_time"] == ""
    assert d(released[0]["reserve_amount"]) == -d(reserve["reserve_amount"])


async def test_payments_follow_their_statements(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    rows = await statements(client)
    payments = {
        p["id"]: p
        for p in (
            await client.ok(
                "GET",
                "/finance/202309/payments",
                params={"sort_field": "create_time", "page_size": "100"},
            )
        )["payments"]
    }
    by_payment: dict[str, list[dict]] = {}
    for row in rows:
        by_payment.setdefault(row["payment_id"], []).append(row)
    for payment_id, paid in by_payment.items():
        payment = payments[payment_id]
        payable = Decimal(0)
        for row in paid:
            header, _ = await statement_transactions(client, row["id"], page_size=1)
            payable += d(header["payable_amount"])
        assert d(payment["amount"]["value"]) == payable
        assert (
            d(payment["settlement_amount"]["value"]) + d(payment["reserve_amount"]["value"])
            == payable
        )
        assert payment["status"] == paid[-1]["payment_status"]
        assert (payment["status"] == "PAID") == ("paid_time" in payment)
        assert payment["bank_account"].startswith("*") and payment["bank_account"][-4:].isdigit()
    processing = next(p for p in payments.values() if p["status"] == "PROCESSING")
    failed = await http.post(f"/sandbox/finance/payments/{processing['id']}/fail")
    assert failed.status_code == 200 and failed.json()["status"] == "FAILED"
    row = next(s for s in await statements(client) if s["payment_id"] == processing["id"])
    assert row["payment_status"] == "FAILED"
    await advance(http, 2)
    paid_one = next(p for p in payments.values() if p["status"] == "PAID")
    assert (await http.post(f"/sandbox/finance/payments/{paid_one['id']}/fail")).status_code == 409
    query = {"types": "WITHDRAW,REVERSE", "page_size": "100"}
    withdrawals = (await client.ok("GET", "/finance/202309/withdrawals", params=query))[
        "withdrawals"
    ]
    assert {w["type"] for w in withdrawals} == {"WITHDRAW", "REVERSE"}
    reversed_ = [w for w in withdrawals if w["type"] == "REVERSE"]
    assert len(reversed_) == 1 and reversed_[0]["amount"] == processing["amount"]["value"]
    attempt = [w for w in withdrawals if w["create_time"] == processing["create_time"]]
    assert [(w["type"], w["status"]) for w in attempt] == [("WITHDRAW", "FAILED")]


async def test_a_payment_is_paid_two_days_after_its_statement(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    newest = (await statements(client))[-1]
    assert newest["payment_status"] == "PROCESSING"
    await advance(http, 2 * DAY)
    again = next(s for s in await statements(client) if s["id"] == newest["id"])
    assert again["payment_status"] == "PAID"
    settle = await client.ok(
        "GET", "/finance/202309/withdrawals", params={"types": "SETTLE", "page_size": "100"}
    )
    assert settle["total_count"] == len(
        (
            await client.ok(
                "GET",
                "/finance/202309/payments",
                params={"sort_field": "create_time", "page_size": "100"},
            )
        )["payments"]
    )


async def test_unsettled_sums_cover_every_page(client: ShopClient, http: httpx.AsyncClient) -> None:
    rows, first = await unsettled(client, page_size="7")
    assert first["total_count"] == len(rows) > 20
    assert d(first["sum_est_settlement_amount"]) == total(r["est_settlement_amount"] for r in rows)
    assert d(first["sum_est_revenue_amount"]) == total(
        r["est_revenue_amount"] for r in rows if r["type"] == "ORDER"
    )
    assert d(first["sum_est_fee_amount"]) == total(
        r["est_fee_tax_amount"] for r in rows if r["type"] == "ORDER"
    )
    orders = {o["id"]: o for o in (await http.get("/sandbox/orders")).json()["orders"]}
    for row in rows:
        assert row["status"] == "UNSETTLED"
        if row["type"] != "ORDER":
            continue
        order = orders[row["order_id"]]
        assert order["status"] not in {"UNPAID", "CANCELLED"}
        assert d(row["est_settlement_amount"]) == (
            d(row["est_revenue_amount"])
            + d(row["est_fee_tax_amount"])
            + d(row["est_shipping_cost_amount"])
        )
        fees = row["fee_tax_breakdown"]
        assert d(row["est_fee_tax_amount"]) == total(fees["fee"].values()) + total(
            fees["tax"].values()
        )
        assert d(row["est_shipping_cost_amount"]) == contributing(row["shipping_cost_breakdown"])
    times = [r["order_create_time"] for r in rows]
    assert times == sorted(times)
    newest = times[-1]
    recent, _ = await unsettled(client, search_time_ge=str(newest))
    assert {r["order_create_time"] for r in recent} == {newest}


async def test_the_same_seed_and_epoch_make_the_same_book() -> None:
    async def book() -> list[list[str]]:
        world = Sandbox(make_config(epoch=1_790_000_000))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(world)), base_url="http://t"
        ) as h:
            client = ShopClient(h, APP_KEY, APP_SECRET)
            await client.connect()
            rows = await statements(client)
        key = ("id", "statement_time", "settlement_amount", "net_sales_amount", "fee_amount")
        return [[str(r[k]) for k in key] for r in rows]

    first = await book()
    assert first and first == await book()


async def test_a_statement_never_changes_once_made(
    client: ShopClient, http: httpx.AsyncClient
) -> None:
    row = (await statements(client))[-1]
    header, txns = await statement_transactions(client, row["id"])
    for _ in range(3):
        await next_statement(http)
    later_header, later_txns = await statement_transactions(client, row["id"])
    assert later_txns == txns
    assert {k: v for k, v in later_header.items() if k != "next_page_token"} == {
        k: v for k, v in header.items() if k != "next_page_token"
    }


async def test_finance_needs_its_scope() -> None:
    async with shop_without("seller.finance.info") as (world, http):
        client = await connected(http)
        for path, params in (
            (STATEMENTS, {"sort_field": "statement_time"}),
            ("/finance/202507/orders/unsettled", {"sort_field": "order_create_time"}),
            ("/finance/202309/payments", {"sort_field": "create_time"}),
            ("/finance/202309/withdrawals", {"types": "SETTLE"}),
            (BY_ORDER.format("1"), {}),
        ):
            payload = (await client.call("GET", path, params=params)).json()
            assert (payload["code"], payload["message"]) == e.MISSING_SCOPE, path
        order_id = next(iter(world.state.shops[client.shop_id or ""].orders))
        detail = await client.call("GET", f"/order/202407/orders/{order_id}/price_detail")
        assert detail.json()["code"] == 0  # price detail is an order API (seller.order.info)
