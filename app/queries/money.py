"""Money as the Money tab, the order detail and Health read it (read-only)."""

from __future__ import annotations

import sqlite_utils

from app.money import Money, from_units
from app.store.cursors import fetch_cursor
from app.store.money import SkuCost, fetch_sku_costs
from app.store.profit import ESTIMATED, SETTLED, OrderProfit, fetch_order_profit
from app.store.profit_cache import PACKAGING_CURSOR
from app.store.profit_totals import (
    ProfitSum,
    fetch_money_totals,
    fetch_profit_by_day,
    fetch_profit_by_sku,
)

__all__ = [
    "ESTIMATED",
    "SETTLED",
    "Money",
    "OrderProfit",
    "ProfitSum",
    "SkuCost",
    "StatementRow",
    "fetch_api_usage_by_day",
    "fetch_money_totals",
    "fetch_order_money",
    "fetch_order_profit",
    "fetch_profit_by_day",
    "fetch_profit_by_sku",
    "fetch_sku_costs",
    "fetch_statements",
    "from_units",
]

StatementRow = tuple[str, int, str, Money, Money, Money, str]


def fetch_statements(db: sqlite_utils.Database, limit: int = 400) -> list[StatementRow]:
    """(id, statement_time, payment_status, settlement, fees, adjustments, payment_id), newest
    first."""
    return [
        (
            str(sid),
            int(when),
            str(status),
            Money.of(settle, currency),
            Money.of(fee, currency),
            Money.of(adjust, currency),
            str(payment),
        )
        for sid, when, status, currency, settle, fee, adjust, payment in db.execute(
            "SELECT id, statement_time, payment_status, currency, settlement_amount, fee_amount,"
            " adjustment_amount, payment_id FROM money_statements"
            " ORDER BY statement_time DESC, id LIMIT ?",
            [limit],
        )
    ]


def fetch_api_usage_by_day(db: sqlite_utils.Database, days: int = 14) -> list[tuple[str, int]]:
    """(YYYY-MM-DD, calls) for the last days that made calls, oldest first."""
    rows = db.execute(
        "SELECT day, SUM(calls) FROM api_usage GROUP BY day ORDER BY day DESC LIMIT ?", [days]
    ).fetchall()
    return [(str(d), int(n)) for d, n in reversed(rows)]


def fetch_order_money(db: sqlite_utils.Database, order_id: str) -> OrderProfit | None:
    """One order's money for its detail, with the packaging cost the engine last used."""
    units = fetch_cursor(db, "", PACKAGING_CURSOR) or 0
    return fetch_order_profit(db, order_id, from_units(units, "").text)
