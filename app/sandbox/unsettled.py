"""Unsettled orders sorted once per change of the world, with running sums, so every page of
Get Unsettled Transactions costs a bisect, not a pass over every order."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from app.sandbox import refunds
from app.sandbox.fees import ZERO, OrderMoney
from app.sandbox.finance import Returns, ShopBook
from app.sandbox.finance_model import derived_id

if TYPE_CHECKING:
    from app.sandbox.state import World

Key = tuple[int, int]  # (order create_time, transaction id): the documented sort


@dataclass
class UnsettledView:
    keys: list[Key]
    rows: list[tuple[Key, dict[str, Any], OrderMoney]]
    revenue: list[Decimal]  # running sums: revenue[i] is the sum of the first i rows
    fee_tax: list[Decimal]
    settlement: list[Decimal]

    def span(self, ge: int, lt: int) -> tuple[int, int]:
        """Rows whose create_time is in [ge, lt)."""
        return bisect.bisect_left(self.keys, (ge, -1)), bisect.bisect_left(self.keys, (lt, -1))

    def sums(self, start: int, end: int) -> tuple[Decimal, Decimal, Decimal]:
        return (
            self.revenue[end] - self.revenue[start],
            self.fee_tax[end] - self.fee_tax[start],
            self.settlement[end] - self.settlement[start],
        )


def _running(values: Iterable[Decimal]) -> list[Decimal]:
    return [ZERO, *accumulate(values)]


def unsettled_view(
    book: ShopBook, orders: Iterable[dict[str, Any]], version: int, returns: Returns
) -> UnsettledView:
    """The book's unsettled orders, remade when an order, a refund or the statements changed."""
    key = (version, len(book.statements), sorted((k, v.signature) for k, v in returns.items()))
    cached = book.cache.get("unsettled")
    if cached is not None and cached[0] == key:
        view: UnsettledView = cached[1]
        return view
    rows = sorted(
        (
            (
                (o["create_time"], int(derived_id("txn", o["id"]))),
                o,
                book.estimate(o, returns.get(o["id"], refunds.NONE)),
            )
            for o in book.unsettled_orders(orders)
        ),
        key=lambda r: r[0],
    )
    view = UnsettledView(
        keys=[r[0] for r in rows],
        rows=rows,
        revenue=_running(r[2].revenue_amount for r in rows),
        fee_tax=_running(r[2].fee_tax_amount for r in rows),
        settlement=_running(r[2].settlement_amount for r in rows),
    )
    book.cache["unsettled"] = (key, view)
    return view


def prepare(world: World, now: int) -> None:
    """Close the history's statements and estimate what is left, before the first call."""
    world.finance.catch_up(world.shops.values(), now)
    for shop in world.shops.values():
        book = world.finance.book(shop.id, shop.currency)
        unsettled_view(book, shop.orders.values(), world.version, refunds.by_order(shop, now + 1))
