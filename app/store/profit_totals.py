"""Per-day and per-SKU sums of the computed order profits (app/store/profit_cache.py): SQL
SUMs of exact integer units, one row per (day or SKU, currency), never mixed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import sqlite_utils

from app.money import Money, from_units


def day_of(when: int) -> str:
    """The UTC date of a time, as YYYY-MM-DD."""
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class ProfitSum:
    """Sums for one day or one SKU, in one currency."""

    key: str
    currency: str
    orders: int
    settled: int
    units: int
    revenue: Money
    platform_fees: Money
    shipping_cost: Money
    payout: Money
    cost_of_goods: Money
    fees_by_kind: dict[str, Money] = field(default_factory=dict)

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


_money = from_units


def fetch_profit_by_day(
    db: sqlite_utils.Database, *, since_day: str = "", until_day: str = "9999"
) -> list[ProfitSum]:
    """One row per UTC day the orders were placed and currency, oldest first."""
    fees: dict[tuple[str, str], dict[str, Money]] = {}
    for day, currency, kind, amount in db.execute(
        "SELECT day, currency, kind, amount FROM money_day_fees WHERE day >= ? AND day <= ?",
        [since_day, until_day],
    ):
        fees.setdefault((day, currency), {})[kind] = _money(amount, currency)
    return [
        _order_sums(row, fees.get((row[0], row[1]), {}))
        for row in db.execute(
            "SELECT day, currency, orders, settled, revenue, platform_fees, shipping_cost,"
            " payout, cost_of_goods FROM money_day_sums WHERE day >= ? AND day <= ?"
            " ORDER BY day, currency",
            [since_day, until_day],
        )
    ]


def _order_sums(row: Sequence[Any], fees: dict[str, Money]) -> ProfitSum:
    key, currency, orders, settled, revenue, platform, shipping, payout, cost = row
    return ProfitSum(
        key,
        currency,
        orders,
        settled,
        0,
        _money(revenue, currency),
        _money(platform, currency),
        _money(shipping, currency),
        _money(payout, currency),
        _money(cost, currency),
        fees,
    )


def fetch_profit_by_sku(db: sqlite_utils.Database) -> list[ProfitSum]:
    """One row per seller SKU and currency (a multi-SKU order split over its SKUs)."""
    return [
        ProfitSum(
            sku,
            currency,
            orders,
            settled,
            units,
            _money(revenue, currency),
            _money(platform, currency),
            Money.zero(currency),
            _money(payout, currency),
            _money(cost, currency),
        )
        for sku, currency, orders, settled, units, revenue, platform, payout, cost in db.execute(
            "SELECT seller_sku, currency, orders, settled, units, revenue, platform_fees, payout,"
            " cost_of_goods FROM money_sku_sums ORDER BY seller_sku, currency"
        )
    ]


def fetch_money_totals(db: sqlite_utils.Database) -> list[ProfitSum]:
    """Everything, one row per currency (the tab's headline)."""
    return [
        _order_sums(row, {})
        for row in db.execute(
            "SELECT currency, currency, SUM(orders), SUM(settled), SUM(revenue),"
            " SUM(platform_fees), SUM(shipping_cost), SUM(payout), SUM(cost_of_goods)"
            " FROM money_day_sums GROUP BY currency ORDER BY currency"
        )
    ]
