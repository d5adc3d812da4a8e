"""Money: the creator's cost per SKU (typed or from a CSV file) and the profit export."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sqlite_utils

from app.changes import ANY, Changes
from app.csv_safe import csv_file
from app.ops.files import check_out_file
from app.ops.problems import Problem, ProblemsError, UsageError
from app.ops.results import Done
from app.store.money import SkuCost, fetch_sku_currencies, save_sku_costs
from app.store.profit import OrderProfit, fetch_order_profits
from app.store.profit_cache import orders_with_skus, refresh_profits

#: DESIGN.md section 5's columns first, then each fee kind's total and the detail.
PROFIT_COLUMNS = (
    "order_id",
    "currency",
    "state",
    "revenue",
    "platform_fees",
    "shipping_cost",
    "payout",
    "cost_of_goods",
    "profit",
    "create_time",
    "units_without_cost",
    "estimated_payout",
    "settlement_change",
)
COST_COLUMNS = ("seller_sku", "amount", "from")
MAX_COST = Decimal("1000000")


def parse_amount(text: str) -> str:
    """A cost as plain decimal text: not negative, not a float's exponent, at most 4 decimals."""
    cleaned = text.strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount (write it like 4.50)") from None
    if not value.is_finite() or "e" in cleaned.lower():
        raise ValueError(f"{text!r} is not an amount (write it like 4.50)")
    if value < 0:
        raise ValueError("a cost cannot be negative")
    if value >= MAX_COST:
        raise ValueError(f"{text!r} is more than a unit can cost")
    if -value.as_tuple().exponent > 4:  # type: ignore[operator]
        raise ValueError(f"{text!r} has more than 4 decimals")
    return format(value, "f")


def parse_day(text: str) -> int:
    """YYYY-MM-DD as the UTC second that day starts."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date (write it as YYYY-MM-DD)") from None
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _cost(db: sqlite_utils.Database, sku: str, amount: str, day: str) -> SkuCost:
    currencies = fetch_sku_currencies(db)
    if sku not in currencies:
        raise ValueError(f"unknown seller SKU {sku!r} (import orders or sync the catalogue first)")
    return SkuCost(sku, parse_day(day), parse_amount(amount), currencies[sku])


def set_cost(
    db: sqlite_utils.Database,
    *,
    seller_sku: str,
    amount: str,
    from_day: str,
    now: int,
    packaging: str = "0",
) -> Done:
    """One SKU's unit cost from a date on (orders placed before it keep the earlier cost)."""
    try:
        cost = _cost(db, seller_sku.strip(), amount, from_day)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return _saved(db, [cost], now=now, packaging=packaging)


def _saved(
    db: sqlite_utils.Database, costs: Sequence[SkuCost], *, now: int, packaging: str
) -> Done:
    """Save costs, then recompute the profit of every order holding those SKUs."""
    save_sku_costs(db, costs, now=now)
    refresh_profits(db, orders_with_skus(db, [c.seller_sku for c in costs]), packaging=packaging)
    return Done(Changes.of(statements=[ANY]), value=len(costs))


def plan_cost_file(db: sqlite_utils.Database, path: Path) -> list[SkuCost]:
    """Every line of a costs file checked; ProblemsError names each bad line, nothing saved."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = [h.strip().lower() for h in reader.fieldnames or []]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{path}: cannot read it as a UTF-8 CSV file ({exc})") from None
    missing = [c for c in COST_COLUMNS if c not in header]
    if not rows or missing:
        need = ", ".join(COST_COLUMNS)
        raise UsageError(f"{path}: needs a header line with {need} and at least one row")
    costs: list[SkuCost] = []
    problems: list[Problem] = []
    for line, row in enumerate(rows, start=2):
        cells = {k.strip().lower(): (v or "") for k, v in row.items() if k is not None}
        try:
            costs.append(_cost(db, cells["seller_sku"].strip(), cells["amount"], cells["from"]))
        except ValueError as exc:
            problems.append(Problem("bad_cost", str(exc), field="file", line=line))
    if problems:
        raise ProblemsError(problems)
    return costs


def apply_cost_file(
    db: sqlite_utils.Database, *, costs: Sequence[SkuCost], now: int, packaging: str = "0"
) -> Done:
    """A checked file of costs, saved in one transaction."""
    return _saved(db, costs, now=now, packaging=packaging)


def profit_cells(row: OrderProfit) -> list[str]:
    """One export row (DESIGN.md section 5): plain decimal text in the order's currency."""
    change = row.settlement_change
    return [
        row.order_id,
        row.currency,
        row.state,
        row.revenue.text,
        row.platform_fees.text,
        row.shipping_cost.text,
        row.payout.text,
        row.cost_of_goods.text,
        row.profit.text,
        datetime.fromtimestamp(row.create_time, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if row.create_time
        else "",
        str(row.units_without_cost),
        row.estimate.payout.text if row.estimate is not None else "",
        change.text if change is not None else "",
    ]


def write_profit_csv(db: sqlite_utils.Database, out: Path, *, packaging: str = "0") -> int:
    """Every order TikTok has money data for, one row each; the number of rows."""
    check_out_file(out)
    rows = fetch_order_profits(db, packaging)
    kinds = sorted({name for row in rows for name in row.fee_lines})
    with csv_file(out) as writer:
        writer.writerow([*PROFIT_COLUMNS, *(f"fee_{k}" for k in kinds)])
        for row in rows:
            fees = [row.fee_lines[k].text if k in row.fee_lines else "0" for k in kinds]
            writer.writerow([*profit_cells(row), *fees])
    return len(rows)
