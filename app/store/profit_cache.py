"""Each order's profit kept computed, in exact integer units of 1/10,000 of its currency.

Working out 100,000 orders' profit from their statement lines takes seconds; the Money tab
must paint in under one. So the engine (the only writer) stores each order's result when its
money or its costs change, and the tab's per-day and per-SKU figures are SQL SUMs of integers
grouped by currency: exact, and never a float. A multi-SKU order is split by TikTok's own
per-SKU settlement when it was read, else by units; each SKU carries its own units' cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import sqlite_utils

from app.money import to_units
from app.store.cursors import fetch_cursor
from app.store.money import chunked_ids
from app.store.profit import OrderProfit, fetch_order_profit, fetch_order_profits
from app.store.profit_totals import day_of

PACKAGING_CURSOR = "money.packaging_units"
_BULK = 2000
#: Per-order tables first, then the sums made from them.
_COMPUTED = (
    "money_orders",
    "money_order_fees",
    "money_order_lines",
    "money_day_sums",
    "money_day_fees",
    "money_sku_sums",
)
_SHOP = ""  # the cache is per database (one shop), its cursor too


def _shares(
    db: sqlite_utils.Database, row: OrderProfit, units: dict[str, int]
) -> dict[str, Decimal]:
    """Each SKU's share of a multi-SKU order: TikTok's per-SKU revenue when it was read, else
    the SKUs' own sale prices on the order, else their units."""
    items = db.execute(
        "SELECT sku_id, COALESCE(NULLIF(seller_sku, ''), sku_id), sale_price FROM line_items"
        " WHERE order_id = ?",
        [row.order_id],
    ).fetchall()
    code = {sku_id: sku for sku_id, sku, _ in items}
    tiktok: dict[str, Decimal] = {}
    for sku_id, revenue in db.execute(
        "SELECT sku_id, revenue_amount FROM money_order_skus WHERE order_id = ?", [row.order_id]
    ):
        sku = code.get(sku_id, sku_id)
        tiktok[sku] = tiktok.get(sku, Decimal(0)) + Decimal(revenue)
    prices: dict[str, Decimal] = {}
    for _, sku, price in items:
        prices[sku] = prices.get(sku, Decimal(0)) + Decimal(price or "0")
    for found in (tiktok, prices):
        whole = sum(found.values(), Decimal(0))
        if whole and set(found) >= set(units):
            return {sku: found.get(sku, Decimal(0)) / whole for sku in units}
    count = sum(units.values())
    return {sku: Decimal(n) / count for sku, n in units.items()}


def _line_rows(db: sqlite_utils.Database, row: OrderProfit) -> list[tuple[object, ...]]:
    units: dict[str, int] = {}
    for sku in row.skus:
        units[sku] = units.get(sku, 0) + 1
    if not units:
        return []
    shares = _shares(db, row, units) if len(units) > 1 else {next(iter(units)): Decimal(1)}
    goods = {sku: Decimal(0) for sku in units}
    for sku, cost in zip(row.skus, row.unit_costs, strict=True):
        if cost is not None:
            goods[sku] += cost.amount
    packaging = row.cost_of_goods.amount - sum(goods.values(), Decimal(0))
    count = sum(units.values())
    return [
        (
            row.order_id,
            sku,
            row.currency,
            n,
            to_units(row.revenue.amount * shares[sku]),
            to_units(row.platform_fees.amount * shares[sku]),
            to_units(row.payout.amount * shares[sku]),
            to_units(goods[sku] + packaging * n / count),
        )
        for sku, n in units.items()
    ]


def _save(db: sqlite_utils.Database, rows: Sequence[OrderProfit]) -> None:
    ids = [(r.order_id,) for r in rows]
    days = set(
        chunked_ids(
            db,
            "SELECT day FROM money_orders WHERE order_id IN ({marks})",
            [r.order_id for r in rows],
        )
    )
    skus = set(
        chunked_ids(
            db,
            "SELECT seller_sku FROM money_order_lines WHERE order_id IN ({marks})",
            [r.order_id for r in rows],
        )
    )
    for table in _COMPUTED[:3]:
        db.conn.executemany(f"DELETE FROM {table} WHERE order_id = ?", ids)
    db.conn.executemany(
        "INSERT INTO money_orders (order_id, currency, state, create_time, day, revenue,"
        " platform_fees, shipping_cost, payout, cost_of_goods, profit, estimated_payout,"
        " units_without_cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.order_id,
                r.currency,
                r.state,
                r.create_time,
                day_of(r.create_time),
                to_units(r.revenue.amount),
                to_units(r.platform_fees.amount),
                to_units(r.shipping_cost.amount),
                to_units(r.payout.amount),
                to_units(r.cost_of_goods.amount),
                to_units(r.profit.amount),
                None if r.estimate is None else to_units(r.estimate.payout.amount),
                r.units_without_cost,
            )
            for r in rows
        ],
    )
    db.conn.executemany(
        "INSERT INTO money_order_fees (order_id, kind, amount) VALUES (?, ?, ?)",
        [(r.order_id, k, to_units(v.amount)) for r in rows for k, v in r.fee_lines.items()],
    )
    db.conn.executemany(
        "INSERT INTO money_order_lines (order_id, seller_sku, currency, units, revenue,"
        " platform_fees, payout, cost_of_goods) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [line for r in rows for line in _line_rows(db, r)],
    )
    days |= {day_of(r.create_time) for r in rows}
    skus |= {sku for r in rows for sku in r.skus}
    resum(db, days, skus)


_DAY_SUMS = (
    "INSERT INTO money_day_sums SELECT day, currency, COUNT(*), SUM(state = 'settled'),"
    " SUM(revenue), SUM(platform_fees), SUM(shipping_cost), SUM(payout), SUM(cost_of_goods)"
    " FROM money_orders WHERE day IN ({marks}) GROUP BY day, currency"
)
_DAY_FEES = (
    "INSERT INTO money_day_fees SELECT o.day, o.currency, f.kind, SUM(f.amount)"
    " FROM money_orders o JOIN money_order_fees f ON f.order_id = o.order_id"
    " WHERE o.day IN ({marks}) GROUP BY o.day, o.currency, f.kind"
)
_SKU_SUMS = (
    "INSERT INTO money_sku_sums SELECT l.seller_sku, l.currency, COUNT(*),"
    " SUM(o.state = 'settled'), SUM(l.units), SUM(l.revenue), SUM(l.platform_fees),"
    " SUM(l.payout), SUM(l.cost_of_goods) FROM money_order_lines l"
    " JOIN money_orders o ON o.order_id = l.order_id WHERE l.seller_sku IN ({marks})"
    " GROUP BY l.seller_sku, l.currency"
)


def resum(db: sqlite_utils.Database, days: set[str], skus: set[str]) -> None:
    """The stored day and SKU sums of these days and SKUs, again from their orders."""
    for values, table, column, inserts in (
        (sorted(days), "money_day_sums", "day", (_DAY_SUMS, _DAY_FEES)),
        (sorted(skus), "money_sku_sums", "seller_sku", (_SKU_SUMS,)),
    ):
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            marks = ",".join("?" * len(chunk))
            db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
            if table == "money_day_sums":
                db.execute(f"DELETE FROM money_day_fees WHERE day IN ({marks})", chunk)
            for sql in inserts:
                db.execute(sql.format(marks=marks), chunk)


def refresh_profits(
    db: sqlite_utils.Database, order_ids: Iterable[str] | None = None, *, packaging: str = "0"
) -> int:
    """Recompute the given orders (None: every order, as after a packaging change)."""
    wanted = None if order_ids is None else list(dict.fromkeys(order_ids))
    if wanted is None or len(wanted) > _BULK:
        rows = fetch_order_profits(db, packaging)
        if wanted is not None:
            keep = set(wanted)
            rows = [r for r in rows if r.order_id in keep]
    else:
        found = (fetch_order_profit(db, order_id, packaging) for order_id in wanted)
        rows = [r for r in found if r is not None]
    with db.atomic():
        if wanted is None:
            for table in _COMPUTED:
                db.execute(f"DELETE FROM {table}")
        _save(db, rows)
        save_cursor_exact(db, to_units(Decimal(packaging or "0")))
    return len(rows)


def save_cursor_exact(db: sqlite_utils.Database, value: int) -> None:
    """The packaging cost the cache was computed with (it may go down as well as up)."""
    db.execute(
        "INSERT INTO sync_cursors (shop_id, name, value, updated_at) VALUES (?, ?, ?, 0)"
        " ON CONFLICT (shop_id, name) DO UPDATE SET value = excluded.value",
        [_SHOP, PACKAGING_CURSOR, value],
    )


def packaging_changed(db: sqlite_utils.Database, packaging: str) -> bool:
    """Whether the cache was computed with another packaging cost than `packaging`."""
    stored = fetch_cursor(db, _SHOP, PACKAGING_CURSOR)
    return stored != to_units(Decimal(packaging or "0"))


def orders_with_skus(db: sqlite_utils.Database, skus: Iterable[str]) -> list[str]:
    """Orders holding any of these seller SKUs (their cost changed)."""
    wanted = list(dict.fromkeys(skus))
    marks = ",".join("?" * len(wanted))
    if not wanted:
        return []
    return [
        str(r[0])
        for r in db.execute(
            f"SELECT DISTINCT order_id FROM line_items WHERE seller_sku IN ({marks})", wanted
        )
    ]


def orders_with_money(db: sqlite_utils.Database, order_ids: Iterable[str]) -> list[str]:
    """Of these orders, those TikTok has settled or estimated."""
    return chunked_ids(
        db,
        "SELECT order_id FROM money_transactions WHERE order_id IN ({marks})"
        " UNION SELECT order_id FROM money_estimates WHERE order_id IN ({marks})",
        order_ids,
        repeat=2,
    )
