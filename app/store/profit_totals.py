"""Per-day and per-SKU sums of order profits: one row per (day or SKU, currency), never mixed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

import sqlite_utils

from app.money import Money
from app.store.profit import SETTLED, OrderProfit


@dataclass
class ProfitSum:
    """Sums for one day or one SKU, in one currency."""

    key: str
    currency: str
    orders: int = 0
    settled: int = 0
    units: int = 0
    revenue: Money = field(init=False)
    platform_fees: Money = field(init=False)
    shipping_cost: Money = field(init=False)
    payout: Money = field(init=False)
    cost_of_goods: Money = field(init=False)
    fees_by_kind: dict[str, Money] = field(default_factory=dict)

    def __post_init__(self) -> None:
        zero = Money.zero(self.currency)
        self.revenue = self.platform_fees = self.shipping_cost = zero
        self.payout = self.cost_of_goods = zero

    @property
    def profit(self) -> Money:
        return self.payout - self.cost_of_goods

    @property
    def margin(self) -> Decimal | None:
        """Profit as a fraction of revenue (None without revenue)."""
        if not self.revenue.amount:
            return None
        return (self.profit.amount / self.revenue.amount).quantize(
            Decimal("0.0001"), ROUND_HALF_EVEN
        )

    def add(self, row: OrderProfit, share: Decimal = Decimal(1), units: int = 0) -> None:
        def part(m: Money) -> Money:
            return m if share == 1 else Money(m.amount * share, m.currency)

        self.orders += 1
        self.settled += row.state == SETTLED
        self.units += units
        self.revenue += part(row.revenue)
        self.platform_fees += part(row.platform_fees)
        self.shipping_cost += part(row.shipping_cost)
        self.payout += part(row.payout)
        for name, value in row.fee_lines.items():
            found = self.fees_by_kind.get(name)
            self.fees_by_kind[name] = part(value) if found is None else found + part(value)


def day_of(when: int) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")


def by_day(rows: Iterable[OrderProfit]) -> list[ProfitSum]:
    """One row per UTC day the orders were placed and currency, oldest first."""
    sums: dict[tuple[str, str], ProfitSum] = {}
    for row in rows:
        key = (day_of(row.create_time), row.currency)
        found = sums.get(key)
        if found is None:
            found = sums[key] = ProfitSum(*key)
        found.add(row, units=len(row.skus))
        found.cost_of_goods += row.cost_of_goods
    return [sums[k] for k in sorted(sums)]


def _sku_shares(
    db: sqlite_utils.Database,
) -> dict[str, dict[str, Decimal]]:
    """For orders TikTok settled per SKU: each SKU's share of the order's revenue."""
    parts: dict[str, dict[str, Decimal]] = {}
    for order_id, seller_sku, revenue in db.execute(
        "SELECT m.order_id, COALESCE(NULLIF(l.seller_sku, ''), m.sku_id), m.revenue_amount"
        " FROM money_order_skus m LEFT JOIN (SELECT DISTINCT order_id, sku_id, seller_sku"
        " FROM line_items) l ON l.order_id = m.order_id AND l.sku_id = m.sku_id"
    ):
        order = parts.setdefault(order_id, {})
        order[seller_sku] = order.get(seller_sku, Decimal(0)) + Decimal(revenue)
    return parts


def by_sku(db: sqlite_utils.Database, rows: Iterable[OrderProfit]) -> list[ProfitSum]:
    """One row per seller SKU and currency. A multi-SKU order is split by TikTok's per-SKU
    settlement when read, else by units; each SKU's cost is its own units' cost."""
    detail = _sku_shares(db)
    sums: dict[tuple[str, str], ProfitSum] = {}
    for row in rows:
        units: dict[str, int] = {}
        for sku in row.skus:
            units[sku] = units.get(sku, 0) + 1
        if not units:
            continue
        shares = _shares(units, detail.get(row.order_id))
        per_unit_cost = _unit_costs(row, units)
        for sku, count in units.items():
            key = (sku, row.currency)
            found = sums.get(key)
            if found is None:
                found = sums[key] = ProfitSum(*key)
            found.add(row, shares[sku], units=count)
            found.cost_of_goods += per_unit_cost[sku]
    return sorted(sums.values(), key=lambda s: (s.key, s.currency))


def _shares(units: dict[str, int], revenue: dict[str, Decimal] | None) -> dict[str, Decimal]:
    whole = sum(revenue.values(), Decimal(0)) if revenue else Decimal(0)
    if revenue and whole and set(revenue) >= set(units):
        return {sku: revenue.get(sku, Decimal(0)) / whole for sku in units}
    count = sum(units.values())
    return {sku: Decimal(n) / count for sku, n in units.items()}


def _unit_costs(row: OrderProfit, units: dict[str, int]) -> dict[str, Money]:
    """Each SKU's own units' cost, plus its share (by units) of the order's packaging."""
    found = {sku: Money.zero(row.currency) for sku in units}
    for sku, cost in zip(row.skus, row.unit_costs, strict=True):
        if cost is not None:
            found[sku] += cost
    goods = sum((m.amount for m in found.values()), Decimal(0))
    packaging = row.cost_of_goods.amount - goods
    count = sum(units.values())
    if packaging:
        for sku, n in units.items():
            found[sku] += Money(packaging * n / count, row.currency)
    return found
