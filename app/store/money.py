"""Statements, their lines, TikTok's estimates and per-SKU settlement, saved as decimal text.

Each save is one transaction with the cursor it advances (DESIGN.md 4), and re-saving the same
page changes nothing (rows keyed by TikTok's ids), so an interrupted read simply resumes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from app.store.cursors import fetch_cursor, save_cursor
from app.tiktok.models.amounts import plain
from app.tiktok.models.finance import (
    SettledMoney,
    SkuTransaction,
    Statement,
    StatementTransaction,
    UnsettledTransaction,
)

STATEMENT_TIME = "money.statement_time"


def _lines(money: SettledMoney | UnsettledTransaction) -> str:
    """Every fee and tax line that is not zero, as JSON of decimal text."""
    return json.dumps({k: plain(v) for k, v in money.fee_tax_breakdown.lines().items()})


def fetch_statement_cursor(db: sqlite_utils.Database, shop_id: str) -> int | None:
    """The newest `statement_time` read so far."""
    return fetch_cursor(db, shop_id, STATEMENT_TIME)


def save_statements(
    db: sqlite_utils.Database, shop_id: str, statements: Sequence[Statement], *, now: int
) -> list[str]:
    """A page of statements and the cursor after it; returns the ids new or changed."""
    changed: list[str] = []
    with db.atomic():
        for s in statements:
            revenue = s.revenue_amount if s.revenue_amount is not None else s.net_sales_amount
            row = (
                s.statement_time,
                s.currency,
                s.settlement_amount,
                s.fee_amount,
                s.adjustment_amount,
                revenue or "0",
                s.shipping_cost_amount or "0",
                s.payment_status,
                s.payment_id,
            )
            old = db.execute(
                "SELECT statement_time, currency, settlement_amount, fee_amount,"
                " adjustment_amount, revenue_amount, shipping_cost_amount, payment_status,"
                " payment_id FROM money_statements WHERE id = ?",
                [s.id],
            ).fetchone()
            if old is not None and tuple(old) == row:
                continue
            changed.append(s.id)
            db.execute(
                "INSERT INTO money_statements (id, shop_id, statement_time, currency,"
                " settlement_amount, fee_amount, adjustment_amount, revenue_amount,"
                " shipping_cost_amount, payment_status, payment_id, read_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " statement_time = excluded.statement_time, currency = excluded.currency,"
                " settlement_amount = excluded.settlement_amount,"
                " fee_amount = excluded.fee_amount, adjustment_amount = excluded.adjustment_amount,"
                " revenue_amount = excluded.revenue_amount,"
                " shipping_cost_amount = excluded.shipping_cost_amount,"
                " payment_status = excluded.payment_status, payment_id = excluded.payment_id,"
                " read_at = excluded.read_at",
                [s.id, shop_id, *row, now],
            )
        newest = max((s.statement_time for s in statements), default=None)
        if newest is not None:
            save_cursor(db, shop_id, STATEMENT_TIME, newest, now=now)
    return changed


def fetch_unread_statements(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    """Statements whose lines are not all saved yet (id, statement_time), oldest first."""
    rows = db.execute(
        "SELECT id, statement_time FROM money_statements WHERE lines_read = 0"
        " ORDER BY statement_time, id"
    ).fetchall()
    return [(str(r[0]), int(r[1])) for r in rows]


def _other(t: StatementTransaction) -> str:
    if t.is_reserve:
        return t.reserve_amount
    if t.is_adjustment:
        return t.adjustment_amount
    return "0"


def save_statement_lines(
    db: sqlite_utils.Database,
    statement_id: str,
    statement_time: int,
    currency: str,
    lines: Iterable[StatementTransaction],
    *,
    last_page: bool,
) -> list[str]:
    """One page of a statement's lines; the statement counts as read after its last page.
    Returns the order ids of its ORDER lines."""
    orders: list[str] = []
    rows = []
    for t in lines:
        if t.is_order and t.order_id:
            orders.append(t.order_id)
        rows.append(
            (
                t.id or f"{statement_id}:{t.type}:{t.order_id or t.adjustment_id or t.reserve_id}",
                statement_id,
                t.type,
                t.order_id or t.adjustment_order_id or t.associated_order_id,
                currency,
                t.settlement_amount,
                t.revenue_amount,
                t.fee_tax_amount,
                t.shipping_cost_amount,
                _other(t),
                _lines(t),
                statement_time,
                t.order_create_time,
            )
        )
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO money_transactions (id, statement_id, type, order_id,"
            " currency, settlement_amount, revenue_amount, fee_tax_amount,"
            " shipping_cost_amount, other_amount, fee_lines, statement_time, order_create_time)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        if last_page:
            db.execute("UPDATE money_statements SET lines_read = 1 WHERE id = ?", [statement_id])
    return orders


def save_estimates(
    db: sqlite_utils.Database, estimates: Iterable[UnsettledTransaction], *, now: int
) -> list[str]:
    """TikTok's estimates for unsettled orders (adjustments are not per order); the order ids."""
    rows = [
        (
            e.order_id,
            e.currency,
            e.est_settlement_amount,
            e.est_revenue_amount,
            e.est_fee_tax_amount,
            e.est_shipping_cost_amount,
            _lines(e),
            e.estimated_settlement_time,
            e.order_create_time,
            now,
        )
        for e in estimates
        if e.type == "ORDER" and e.order_id
    ]
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO money_estimates (order_id, currency, settlement_amount,"
            " revenue_amount, fee_tax_amount, shipping_cost_amount, fee_lines, expected_time,"
            " order_create_time, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return [r[0] for r in rows]


def chunked_ids(
    db: sqlite_utils.Database, sql: str, ids: Iterable[str], *, repeat: int = 1
) -> list[str]:
    """`sql` run over `ids` 500 at a time: each `{marks}` in it is the chunk's placeholders
    (given `repeat` times); the first column of every row."""
    wanted = list(dict.fromkeys(ids))
    found: list[str] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found += [str(r[0]) for r in db.execute(sql.format(marks=marks), chunk * repeat)]
    return found


def fetch_orders_needing_sku_detail(
    db: sqlite_utils.Database, order_ids: Iterable[str]
) -> list[str]:
    """Of these settled orders, those with more than one SKU and no per-SKU settlement yet."""
    return chunked_ids(
        db,
        "SELECT order_id FROM line_items WHERE order_id IN ({marks})"
        " AND order_id NOT IN (SELECT order_id FROM money_order_skus)"
        " GROUP BY order_id HAVING COUNT(DISTINCT sku_id) > 1",
        order_ids,
    )


def save_order_skus(
    db: sqlite_utils.Database, order_id: str, currency: str, skus: Sequence[SkuTransaction]
) -> None:
    """An order's settlement split by SKU (Get Transactions by Order)."""
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO money_order_skus (order_id, sku_id, statement_id, quantity,"
            " currency, settlement_amount, revenue_amount, fee_tax_amount, shipping_cost_amount)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    order_id,
                    s.sku_id,
                    s.statement_id,
                    s.quantity,
                    currency,
                    s.settlement_amount,
                    s.revenue_amount,
                    s.fee_tax_amount,
                    s.shipping_cost_amount,
                )
                for s in skus
            ],
        )


@dataclass(frozen=True)
class SkuCost:
    """What one unit of a SKU cost the creator, from a date on."""

    seller_sku: str
    from_time: int
    amount: str
    currency: str


def save_sku_costs(db: sqlite_utils.Database, costs: Sequence[SkuCost], *, now: int) -> None:
    """All of them or none (a CSV import is one transaction)."""
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO sku_costs (seller_sku, from_time, amount, currency, saved_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(c.seller_sku, c.from_time, c.amount, c.currency, now) for c in costs],
        )


def record_api_usage(db: sqlite_utils.Database, day: str, counts: dict[str, int]) -> None:
    """Add a batch of calls to the day's per-API counters (Health's usage per day)."""
    if not counts:
        return
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO api_usage (day, api, calls) VALUES (?, ?, ?)"
            " ON CONFLICT (day, api) DO UPDATE SET calls = calls + excluded.calls",
            [(day, api, n) for api, n in counts.items()],
        )


def fetch_sku_currencies(db: sqlite_utils.Database) -> dict[str, str]:
    """Each known seller SKU's currency (catalogue first, else its order lines)."""
    found: dict[str, str] = {}
    for sku, currency in db.execute(
        "SELECT seller_sku, currency FROM line_items WHERE seller_sku != '' AND currency != ''"
        " GROUP BY seller_sku"
    ):
        found[sku] = currency
    for sku, currency in db.execute(
        "SELECT seller_sku, currency FROM skus WHERE seller_sku != '' AND currency != ''"
    ):
        found[sku] = currency
    return found


def fetch_sku_costs(db: sqlite_utils.Database) -> list[SkuCost]:
    """Every cost entered, by SKU then date."""
    return [
        SkuCost(str(r[0]), int(r[1]), str(r[2]), str(r[3]))
        for r in db.execute(
            "SELECT seller_sku, from_time, amount, currency FROM sku_costs"
            " ORDER BY seller_sku, from_time"
        )
    ]
