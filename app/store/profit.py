"""Profit per order, from what TikTok settled (or estimates) and what the creator entered.

payout = revenue - platform_fees - shipping_cost exactly (TikTok's signs turned into costs),
profit = payout - cost_of_goods. An order is `settled` once a statement holds it, whatever the
statement's payment status; before that it carries TikTok's own estimate, never one of ours.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import sqlite_utils

from app.money import Money
from app.store.db import rows_in

SETTLED = "settled"
ESTIMATED = "estimated"


@dataclass(frozen=True)
class Settlement:
    """An order's money as TikTok reports it (summed over statements, or one estimate)."""

    currency: str
    revenue: Money
    fee_tax: Money  # TikTok's sign: negative
    shipping: Money  # TikTok's sign: negative when the seller pays
    payout: Money
    lines: Mapping[str, Money]


@dataclass(frozen=True)
class OrderProfit:
    """One row of `export profit` and of the Money tab's order detail."""

    order_id: str
    currency: str
    state: str
    create_time: int
    revenue: Money
    platform_fees: Money
    shipping_cost: Money
    payout: Money
    cost_of_goods: Money
    fee_lines: Mapping[str, Money]
    #: TikTok's last estimate for a settled order, when one was read (to show the difference).
    estimate: Settlement | None = None
    units_without_cost: int = 0
    skus: tuple[str, ...] = ()
    #: Each unit's cost, aligned with `skus` (None: none entered in the order's currency).
    unit_costs: tuple[Money | None, ...] = ()

    @property
    def profit(self) -> Money:
        return self.payout - self.cost_of_goods

    @property
    def settlement_change(self) -> Money | None:
        """Settled payout minus what TikTok estimated before."""
        if self.estimate is None or self.state != SETTLED:
            return None
        return self.payout - self.estimate.payout


def _settlement(currency: str, rows: Iterable[tuple[str, str, str, str, str]]) -> Settlement:
    revenue = fee = ship = payout = Money.zero(currency)
    lines: dict[str, Money] = defaultdict(lambda: Money.zero(currency))
    for settle, rev, fee_tax, shipping, fee_lines in rows:
        payout += Money.of(settle, currency)
        revenue += Money.of(rev, currency)
        fee += Money.of(fee_tax, currency)
        ship += Money.of(shipping, currency)
        for name, value in json.loads(fee_lines).items():
            lines[name] = lines[name] + Money.of(value, currency)
    return Settlement(currency, revenue, fee, ship, payout, dict(lines))


def fetch_settlements(db: sqlite_utils.Database) -> dict[str, Settlement]:
    """Each settled order's ORDER lines summed across statements."""
    grouped: dict[tuple[str, str], list[tuple[str, str, str, str, str]]] = defaultdict(list)
    for order_id, currency, *amounts in db.execute(
        "SELECT order_id, currency, settlement_amount, revenue_amount, fee_tax_amount,"
        " shipping_cost_amount, fee_lines FROM money_transactions"
        " WHERE type = 'ORDER' AND order_id != ''"
    ):
        grouped[(order_id, currency)].append(tuple(amounts))
    found: dict[str, Settlement] = {}
    for (order_id, currency), rows in grouped.items():
        if order_id in found:  # an order is settled in one currency; two is a broken book
            raise ValueError(f"order {order_id} settled in two currencies")
        found[order_id] = _settlement(currency, rows)
    return found


def fetch_estimates(db: sqlite_utils.Database) -> dict[str, Settlement]:
    """TikTok's last estimate per order."""
    return {
        order_id: _settlement(currency, [tuple(amounts)])
        for order_id, currency, *amounts in db.execute(
            "SELECT order_id, currency, settlement_amount, revenue_amount, fee_tax_amount,"
            " shipping_cost_amount, fee_lines FROM money_estimates"
        )
    }


@dataclass
class CostBook:
    """Cost per unit of each SKU by the date it applies from; packaging per order."""

    by_sku: dict[str, tuple[list[int], list[Money]]] = field(default_factory=dict)
    packaging: Decimal = Decimal(0)

    def unit_cost(self, seller_sku: str, when: int) -> Money | None:
        """The cost that applied at `when` (the latest one from on or before it)."""
        found = self.by_sku.get(seller_sku)
        if found is None:
            return None
        times, costs = found
        at = bisect.bisect_right(times, when) - 1
        return costs[at] if at >= 0 else None


def fetch_cost_book(db: sqlite_utils.Database, packaging: str = "0") -> CostBook:
    book = CostBook(packaging=Decimal(packaging or "0"))
    for sku, from_time, amount, currency in db.execute(
        "SELECT seller_sku, from_time, amount, currency FROM sku_costs"
        " ORDER BY seller_sku, from_time"
    ):
        times, costs = book.by_sku.setdefault(sku, ([], []))
        times.append(int(from_time))
        costs.append(Money.of(amount, currency))
    return book


def _order_heads(
    db: sqlite_utils.Database, order_ids: Iterable[str]
) -> dict[str, tuple[int, list[str]]]:
    """create_time and the seller SKU of each unit, for the stored orders asked about (those
    with money data: a few thousand, not every one of 100,000 orders held at once)."""
    wanted = sorted(set(order_ids))
    heads: dict[str, tuple[int, list[str]]] = {}
    for order_id, create_time in rows_in(
        db, "SELECT id, create_time FROM orders WHERE id IN ({marks})", wanted
    ):
        heads[order_id] = (int(create_time), [])
    for order_id, seller_sku, sku_id in rows_in(
        db,
        "SELECT order_id, seller_sku, sku_id FROM line_items WHERE order_id IN ({marks})"
        " ORDER BY order_id, id",
        wanted,
    ):
        head = heads.get(order_id)
        if head is not None:
            head[1].append(seller_sku or sku_id)
    return heads


_MONEY_TIMES = (
    "SELECT order_id, MAX(order_create_time) FROM (SELECT order_id, order_create_time"
    " FROM money_transactions WHERE type = 'ORDER' UNION ALL SELECT order_id,"
    " order_create_time FROM money_estimates) WHERE order_create_time IS NOT NULL {where}"
    " GROUP BY order_id"
)


def _money_times(db: sqlite_utils.Database, order_id: str | None = None) -> dict[str, int]:
    """When TikTok says each order was placed (for orders not stored here yet)."""
    where, args = ("AND order_id = ?", [order_id]) if order_id else ("", [])
    return {str(r[0]): int(r[1]) for r in db.execute(_MONEY_TIMES.format(where=where), args)}


def _cost(
    skus: list[str], when: int, currency: str, costs: CostBook
) -> tuple[Money, list[Money | None]]:
    """Cost of goods of one order in its currency (packaging included), and each unit's."""
    total, units = Money.zero(currency), []
    for sku in skus:
        unit = costs.unit_cost(sku, when)
        if unit is not None and unit.currency != currency:
            unit = None  # a cost entered in another currency is never converted
        units.append(unit)
        if unit is not None:
            total += unit
    if costs.packaging and skus:
        total += Money(costs.packaging, currency)
    return total, units


def order_profit(
    order_id: str,
    money: Settlement,
    state: str,
    head: tuple[int, list[str]],
    costs: CostBook,
    estimate: Settlement | None = None,
) -> OrderProfit:
    """One order's row from its settlement (or estimate) and its units."""
    when, skus = head
    cost, units = _cost(skus, when, money.currency, costs)
    return OrderProfit(
        order_id=order_id,
        currency=money.currency,
        state=state,
        create_time=when,
        revenue=money.revenue,
        platform_fees=-money.fee_tax,
        shipping_cost=-money.shipping,
        payout=money.payout,
        cost_of_goods=cost,
        fee_lines={k: -v for k, v in money.lines.items()},
        estimate=estimate,
        units_without_cost=sum(u is None for u in units),
        skus=tuple(skus),
        unit_costs=tuple(units),
    )


def fetch_order_profits(db: sqlite_utils.Database, packaging: str = "0") -> list[OrderProfit]:
    """Every order TikTok has money data for, newest first; settled ones as settled."""
    settled = fetch_settlements(db)
    estimates = fetch_estimates(db)
    costs = fetch_cost_book(db, packaging)
    heads = _order_heads(db, [*settled, *estimates])
    times = _money_times(db)
    rows: list[OrderProfit] = []
    for order_id, money in settled.items():
        head = heads.get(order_id) or (times.get(order_id, 0), [])
        rows.append(order_profit(order_id, money, SETTLED, head, costs, estimates.get(order_id)))
    for order_id, money in estimates.items():
        if order_id not in settled:
            head = heads.get(order_id) or (times.get(order_id, 0), [])
            rows.append(order_profit(order_id, money, ESTIMATED, head, costs))
    rows.sort(key=lambda r: (-r.create_time, r.order_id))
    return rows


def fetch_order_profit(
    db: sqlite_utils.Database, order_id: str, packaging: str = "0"
) -> OrderProfit | None:
    """One order's row (the order detail), or None when TikTok has no money data for it."""

    def one(table: str, where: str) -> Settlement | None:
        rows = db.execute(
            f"SELECT currency, settlement_amount, revenue_amount, fee_tax_amount,"
            f" shipping_cost_amount, fee_lines FROM {table} WHERE order_id = ? {where}",
            [order_id],
        ).fetchall()
        return _settlement(rows[0][0], [tuple(r[1:]) for r in rows]) if rows else None

    settled = one("money_transactions", "AND type = 'ORDER'")
    estimate = one("money_estimates", "")
    money = settled or estimate
    if money is None:
        return None
    head_row = db.execute("SELECT create_time FROM orders WHERE id = ?", [order_id]).fetchone()
    skus = [
        r[0] or r[1]
        for r in db.execute(
            "SELECT seller_sku, sku_id FROM line_items WHERE order_id = ? ORDER BY id", [order_id]
        )
    ]
    when = int(head_row[0]) if head_row else _money_times(db, order_id).get(order_id, 0)
    head = (when, skus)
    costs = fetch_cost_book(db, packaging)
    if settled is not None:
        return order_profit(order_id, settled, SETTLED, head, costs, estimate)
    return order_profit(order_id, money, ESTIMATED, head, costs)
