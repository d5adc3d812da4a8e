"""Money read from the sandbox: statements and their lines to the cent, estimates that turn into
settled values, cost changes from their date only, currencies never mixed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.changes import Kind
from app.money import CurrencyMismatch, Money, Totals, total
from app.ops.money import set_cost
from app.store.profit import ESTIMATED, SETTLED, fetch_order_profit, fetch_order_profits
from app.store.profit_totals import fetch_profit_by_day, fetch_profit_by_sku
from app.sync.money_sync import read_money
from tests.money.conftest import LONG_TOKEN, import_all
from tests.sync.conftest import ConnectedShop


async def ledger(shop: ConnectedShop) -> dict:
    answer = await shop.admin.get("/sandbox/finance")
    assert answer.status_code == 200, answer.text
    return answer.json()


async def money_shop(connect_shop, orders: int = 150) -> ConnectedShop:
    shop: ConnectedShop = await connect_shop(orders=orders, access_ttl=LONG_TOKEN)
    await import_all(shop)
    return shop


async def test_settled_payouts_equal_the_statements_to_the_cent(connect_shop) -> None:
    shop = await money_shop(connect_shop)
    session = shop.session()
    try:
        result = await read_money(session)
        assert not result.error
        truth = await ledger(shop)
        assert truth["statements"], "the seeded shop has statements"
        stored = {
            r[0]: (r[1], r[2])
            for r in session.db.execute(
                "SELECT id, settlement_amount, payment_status FROM money_statements"
            )
        }
        assert set(stored) == {s["id"] for s in truth["statements"]}
        rows = fetch_order_profits(session.db)
        by_id = {r.order_id: r for r in rows}
        for statement in truth["statements"]:
            # The statement's lines, as stored, add up to its settlement amount exactly.
            lines = session.db.execute(
                "SELECT settlement_amount FROM money_transactions WHERE statement_id = ?",
                [statement["id"]],
            ).fetchall()
            assert sum((Decimal(r[0]) for r in lines), Decimal(0)) == Decimal(
                stored[statement["id"]][0]
            )
            assert stored[statement["id"]][1] == statement["payment_status"]
        # Each order's payout is the sum of its ORDER lines across every statement.
        expected: dict[str, Decimal] = {}
        for statement in truth["statements"]:
            for t in statement["transactions"]:
                if t["type"] == "ORDER":
                    expected[t["order_id"]] = expected.get(t["order_id"], Decimal(0)) + Decimal(
                        t["settlement_amount"]
                    )
        settled = {r.order_id: r for r in rows if r.state == SETTLED}
        assert set(settled) == set(expected)
        for order_id, payout in expected.items():
            row = by_id[order_id]
            assert row.payout.amount == payout
            assert row.payout == row.revenue - row.platform_fees - row.shipping_cost
        # Orders no statement holds carry TikTok's estimate and never say settled.
        for order_id in truth["unsettled"]:
            if order_id in by_id:
                assert by_id[order_id].state == ESTIMATED
    finally:
        await session.aclose()


async def test_a_second_read_costs_one_call_and_changes_nothing(connect_shop) -> None:
    shop = await money_shop(connect_shop, orders=80)
    session = shop.session()
    try:
        await read_money(session)
        before = session.db.execute("SELECT count(*) FROM money_transactions").fetchone()[0]
        again = await read_money(session, estimates=False)
        assert again.api_calls == 1  # the statements page; every statement's lines are read
        assert not again.changes.statements
        assert session.db.execute("SELECT count(*) FROM money_transactions").fetchone()[0] == before
    finally:
        await session.aclose()


async def test_an_estimate_becomes_the_settled_value_when_the_statement_arrives(
    connect_shop,
) -> None:
    shop = await money_shop(connect_shop, orders=60)
    session = shop.session()
    try:
        await read_money(session)
        rows = {r.order_id: r for r in fetch_order_profits(session.db)}
        truth = await ledger(shop)
        candidates = [o for o in truth["unsettled"] if o in rows and rows[o].state == ESTIMATED]
        order_id = await _settle_one(shop, candidates)
        estimate = rows[order_id]
        made = await shop.admin.post("/sandbox/finance/next_statement")
        assert made.status_code == 200, made.text
        result = await read_money(session)
        assert result.changes.touches([Kind.STATEMENTS])
        row = fetch_order_profit(session.db, order_id)
        assert row is not None and row.state == SETTLED
        truth = await ledger(shop)
        lines = [
            t
            for s in truth["statements"]
            for t in s["transactions"]
            if t["type"] == "ORDER" and t["order_id"] == order_id
        ]
        assert lines, "the new statement holds the order"
        assert row.payout.amount == sum(
            (Decimal(t["settlement_amount"]) for t in lines), Decimal(0)
        )
        assert row.estimate is not None and row.estimate.payout == estimate.payout
        assert row.settlement_change == row.payout - estimate.payout
    finally:
        await session.aclose()


async def _settle_one(shop: ConnectedShop, candidates: list[str]) -> str:
    """The first estimated order the sandbox lets settle in the next statement (delivered,
    with no open return)."""
    for order_id in candidates:
        await _deliver(shop, order_id)
        answer = await shop.admin.post("/sandbox/finance/settle", json={"order_ids": [order_id]})
        if answer.status_code == 200:
            return order_id
    raise AssertionError("no estimated order could settle")


async def _deliver(shop: ConnectedShop, order_id: str) -> None:
    """Take an order on to DELIVERED through the documented transitions."""
    order = (await shop.truth())[order_id]
    path = ["AWAITING_SHIPMENT", "AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"]
    if order["status"] not in path:
        return
    for status in path[path.index(order["status"]) + 1 :]:
        await shop.move(order_id, status)
    await shop.later(2)


async def test_a_cost_change_applies_from_its_date_only(connect_shop) -> None:
    shop = await money_shop(connect_shop, orders=120)
    session = shop.session()
    try:
        await read_money(session)
        rows = [r for r in fetch_order_profits(session.db) if len(set(r.skus)) == 1]
        sku = max({r.skus[0] for r in rows}, key=lambda s: sum(r.skus[0] == s for r in rows))
        mine = sorted((r for r in rows if r.skus[0] == sku), key=lambda r: r.create_time)
        assert len(mine) >= 2
        cut = mine[len(mine) // 2].create_time
        from datetime import UTC, datetime

        cut_day = datetime.fromtimestamp(cut, UTC).strftime("%Y-%m-%d")
        day_start = int(datetime.fromisoformat(cut_day).replace(tzinfo=UTC).timestamp())
        set_cost(session.db, seller_sku=sku, amount="1.25", from_day="2020-01-01", now=0)
        set_cost(session.db, seller_sku=sku, amount="3.10", from_day=cut_day, now=0)
        after = {r.order_id: r for r in fetch_order_profits(session.db)}
        for r in mine:
            units = len(r.skus)
            unit = Decimal("3.10") if r.create_time >= day_start else Decimal("1.25")
            got = after[r.order_id]
            assert got.cost_of_goods.amount == unit * units, (r.order_id, r.create_time)
            assert got.profit == got.payout - got.cost_of_goods
    finally:
        await session.aclose()


def test_currencies_never_mix_in_a_sum() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money.of("1.00", "USD") + Money.of("1.00", "GBP")
    totals = Totals()
    for text, currency in (("1.10", "USD"), ("2.20", "GBP"), ("0.90", "USD")):
        totals.add(Money.of(text, currency))
    assert [m.text + " " + m.currency for m in totals] == ["2.20 GBP", "2.00 USD"]


async def test_day_and_sku_sums_equal_the_orders_and_follow_cost_changes(connect_shop) -> None:
    shop = await money_shop(connect_shop, orders=120)
    session = shop.session()
    try:
        await read_money(session)
        rows = fetch_order_profits(session.db)
        days = fetch_profit_by_day(session.db)
        assert sum(d.orders for d in days) == len(rows)
        for currency in {r.currency for r in rows}:
            mine = [r for r in rows if r.currency == currency]
            want = total((r.payout for r in mine), currency)
            assert total((d.payout for d in days if d.currency == currency), currency) == want
            skus = [s for s in fetch_profit_by_sku(session.db) if s.currency == currency]
            assert total((s.revenue for s in skus), currency).amount == pytest.approx(
                total((r.revenue for r in mine), currency).amount, abs=Decimal("0.01") * len(mine)
            )
        sku = next(s.key for s in fetch_profit_by_sku(session.db) if s.units)
        set_cost(session.db, seller_sku=sku, amount="2", from_day="2000-01-01", now=0)
        costed = next(s for s in fetch_profit_by_sku(session.db) if s.key == sku)
        assert costed.cost_of_goods.amount == 2 * costed.units
        assert costed.profit == costed.payout - costed.cost_of_goods
    finally:
        await session.aclose()


async def test_tiktoks_per_sku_split_is_used_when_read(connect_shop) -> None:
    shop = await money_shop(connect_shop, orders=150)
    session = shop.session()
    try:
        result = await read_money(session, sku_detail=True)
        assert result.sku_details > 0
        db = session.db
        order_id = db.execute("SELECT order_id FROM money_order_skus LIMIT 1").fetchone()[0]
        want: dict[str, Decimal] = {}
        for sku_id, revenue in db.execute(
            "SELECT sku_id, revenue_amount FROM money_order_skus WHERE order_id = ?", [order_id]
        ):
            seller = db.execute(
                "SELECT COALESCE(NULLIF(seller_sku, ''), sku_id) FROM line_items"
                " WHERE order_id = ? AND sku_id = ?",
                [order_id, sku_id],
            ).fetchone()[0]
            want[seller] = want.get(seller, Decimal(0)) + Decimal(revenue)
        got = {
            sku: Decimal(units) / 10000
            for sku, units in db.execute(
                "SELECT seller_sku, revenue FROM money_order_lines WHERE order_id = ?", [order_id]
            )
        }
        assert got == want
    finally:
        await session.aclose()
