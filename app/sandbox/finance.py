"""The shop's money after the sale: daily statements, their transactions, payments, withdrawals.

finance-api-overview.json: one statement a day, generated at 00:00 UTC for the day before;
it is issued when it closes and starts a payment, and statements too small to pay are paid
together with a later one. get-statements spec: an order is settled a number of days after
delivery (the sandbox: `SETTLEMENT_DAYS`). get-transactions-by-statement spec: a statement
holds ORDER transactions, adjustments and, for US and UK local sellers, RESERVE transactions
(withheld, then released); payable = settlement + reserve.

The book is built by `catch_up`, which the world's ticker calls: statements appear as the
shop clock passes midnight, and never change afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.sandbox import refunds
from app.sandbox.fees import ZERO, OrderMoney, change, order_money, rounded, traits
from app.sandbox.finance_model import (
    DAY,
    Adjustment,
    Payment,
    Statement,
    Transaction,
    derived_id,
    midnight_after,
)
from app.sandbox.refunds import OrderReturns
from app.sandbox.returns_model import ReturnRequest

Returns = Mapping[str, OrderReturns]
SETTLEMENT_DAYS = 8  # "one to two weeks after delivery" (issue 19); TikTok varies it by region
PAYOUT_DAYS = 2  # a payment is PROCESSING this long before it is PAID
RESERVE_FROM = Decimal("100")  # orders earning this much have part of it held back
RESERVE_RATE = Decimal("0.10")
RESERVE_DAYS = 30
ADJUSTMENT_DELAY = 2 * DAY  # an automatic shipping fee adjustment, after the settlement
SETTLED_STATUSES = frozenset({"DELIVERED", "COMPLETED"})


@dataclass
class ShopBook:
    """One shop's statements and everything waiting to be in one."""

    shop_id: str
    currency: str
    statements: list[Statement] = field(default_factory=list)
    by_id: dict[str, Statement] = field(default_factory=dict)
    #: order id -> its transactions, in statement order
    settled: dict[str, list[tuple[Statement, Transaction]]] = field(default_factory=dict)
    forced: dict[str, int] = field(default_factory=dict)  # order id -> settle at (admin)
    pending: list[Adjustment] = field(default_factory=list)
    releases: list[Transaction] = field(default_factory=list)  # reserves to release
    payments: list[Payment] = field(default_factory=list)
    payment_by_id: dict[str, Payment] = field(default_factory=dict)
    waiting: list[Statement] = field(default_factory=list)  # not yet worth a payment
    last: int | None = None  # the latest midnight already closed
    #: order id -> what it was estimated from (update time, weighed, refunds), and the estimate
    estimates: dict[str, tuple[Any, OrderMoney]] = field(default_factory=dict)
    #: order id -> its settlement so far (all its ORDER lines), and the refunds in it
    settled_money: dict[str, tuple[OrderMoney, tuple[str, ...]]] = field(default_factory=dict)
    #: views derived from the book (sorted unsettled orders...), each with the state it is of
    cache: dict[str, Any] = field(default_factory=dict)

    def settle_at(self, order: dict[str, Any], returns: OrderReturns = refunds.NONE) -> int | None:
        """When the order counts as settled: delivery + the settlement period (or forced), and
        never while a return or refund request is open."""
        if returns.open:
            return None
        if order["id"] in self.forced:
            return self.forced[order["id"]]
        if order["status"] not in SETTLED_STATUSES:
            return None
        delivered = order.get("delivery_time") or order["update_time"]
        return int(delivered) + SETTLEMENT_DAYS * DAY

    def estimate(self, order: dict[str, Any], returns: OrderReturns = refunds.NONE) -> OrderMoney:
        """TikTok's estimate of the order's settlement, remade only when the order changed."""
        key = (int(order["update_time"]), "collection_time" in order, returns.signature)
        cached = self.estimates.get(order["id"])
        if cached is not None and cached[0] == key:
            return cached[1]
        money = order_money(order, measured=key[1], refunds=returns.refunds)
        self.estimates[order["id"]] = (key, money)
        return money

    def unsettled_orders(self, orders: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Paid orders with money coming that no statement holds yet."""
        return [
            o
            for o in orders
            if "paid_time" in o and o["status"] != "CANCELLED" and o["id"] not in self.settled
        ]

    def catch_up(
        self,
        orders: Iterable[dict[str, Any]],
        now: int,
        requests: Mapping[str, list[ReturnRequest]] | None = None,
    ) -> list[Statement]:
        """Close every midnight the clock has passed; returns the statements made.

        Orders with return requests are looked at midnight by midnight, as the requests stood
        then: an open one holds the settlement, a refund paid afterwards adds a line.
        """
        end = now // DAY * DAY
        orders = list(orders)
        requests = requests or {}
        if self.last is None:
            first = min((o["create_time"] for o in orders), default=now)
            self.last = first // DAY * DAY
        if end <= self.last:
            return []
        due: dict[int, list[dict[str, Any]]] = {}
        watched = []
        for order in orders:
            if order["id"] in requests:
                watched.append(order)
                continue
            at = self._due(order, refunds.NONE)
            if at is not None and max(midnight_after(at), self.last + DAY) <= end:
                due.setdefault(max(midnight_after(at), self.last + DAY), []).append(order)
        made = []
        for boundary in range(self.last + DAY, end + DAY, DAY):
            states = {o["id"]: refunds.as_of(requests[o["id"]], boundary) for o in watched}
            todays = due.get(boundary, []) + [
                o
                for o in watched
                if (at := self._due(o, states[o["id"]])) is not None
                and midnight_after(at) <= boundary
            ]
            todays.sort(key=lambda o: (o["create_time"], o["id"]))
            statement = self._close(boundary, todays, states)
            if statement is not None:
                made.append(statement)
        self.last = end
        return made

    def _due(self, order: dict[str, Any], returns: OrderReturns) -> int | None:
        """When the order next needs a statement line: its settlement, or a refund paid since."""
        if order["id"] not in self.settled_money:
            return self.settle_at(order, returns)
        if returns.open or returns.signature == self.settled_money[order["id"]][1]:
            return None
        return returns.paid_at

    def _close(
        self, boundary: int, orders: list[dict[str, Any]], returns: Returns
    ) -> Statement | None:
        """The statement for the day that ends at `boundary`, if anything happened."""
        txns: list[Transaction] = []
        for order in orders:
            txns.extend(
                self._order_transactions(order, boundary, returns.get(order["id"], refunds.NONE))
            )
        for adjustment in [a for a in self.pending if a.create_time < boundary]:
            self.pending.remove(adjustment)
            txns.append(
                Transaction(
                    id=derived_id("txn", adjustment.id),
                    type=adjustment.type,
                    sort_time=adjustment.sort_time,
                    order_id=adjustment.order_id,
                    adjustment_id=adjustment.id,
                    amount=adjustment.amount,
                )
            )
        for release in [r for r in self.releases if (r.release_time or 0) <= boundary]:
            self.releases.remove(release)
            txns.append(release)
        if not txns:
            return None
        txns.sort(key=lambda t: (t.sort_time, int(t.id)))
        statement = Statement(
            derived_id("statement", self.shop_id, str(boundary)), boundary, self.currency, txns
        )
        self.statements.append(statement)
        self.by_id[statement.id] = statement
        for txn in txns:
            if txn.type == "ORDER":
                self.settled.setdefault(txn.order_id, []).append((statement, txn))
                self.estimates.pop(txn.order_id, None)
        self._pay(statement)
        return statement

    def _refund_line(
        self, order: dict[str, Any], boundary: int, returns: OrderReturns
    ) -> list[Transaction]:
        """A refund paid after the settlement: what it takes off, as a further ORDER line."""
        oid = order["id"]
        before, _ = self.settled_money[oid]
        now = order_money(order, measured=True, refunds=returns.refunds)
        self.settled_money[oid] = (now, returns.signature)
        delta = change(now, before)
        if delta is None:
            return []
        txn_id = derived_id("txn", oid, str(boundary))
        return [Transaction(txn_id, "ORDER", order["create_time"], oid, delta)]

    def _order_transactions(
        self, order: dict[str, Any], boundary: int, returns: OrderReturns
    ) -> list[Transaction]:
        if order["id"] in self.settled_money:
            return self._refund_line(order, boundary, returns)
        money = order_money(order, measured=True, refunds=returns.refunds)
        cur, oid = money.currency, order["id"]
        self.forced.pop(oid, None)
        self.settled_money[oid] = (money, returns.signature)
        txns = [Transaction(derived_id("txn", oid), "ORDER", order["create_time"], oid, money)]
        settlement = money.settlement_amount
        if money.revenue_amount >= RESERVE_FROM and settlement > 0:
            held = rounded(settlement * RESERVE_RATE, cur)
            reserve_id = derived_id("reserve", oid)
            release = boundary + RESERVE_DAYS * DAY
            txns.append(
                Transaction(
                    derived_id("txn", reserve_id, "collect"),
                    "RESERVE",
                    order["create_time"],
                    oid,
                    amount=-held,
                    reserve_id=reserve_id,
                    reserve_status="COLLECTED",
                    release_time=release,
                )
            )
            self.releases.append(
                Transaction(
                    derived_id("txn", reserve_id, "release"),
                    "RESERVE",
                    order["create_time"],
                    oid,
                    amount=held,
                    reserve_id=reserve_id,
                    reserve_status="RELEASED",
                    release_time=release,
                )
            )
        if traits(oid).adjusted:
            extra = Decimal("0.50") + Decimal(int(oid) % 4) / 4
            self.add_adjustment(
                "SHIPPING_FEE_ADJUSTMENT",
                -extra,
                oid,
                boundary + ADJUSTMENT_DELAY,
                order["create_time"],
            )
        return txns

    def add_adjustment(
        self, kind: str, value: Decimal, order_id: str, at: int, sort_time: int | None = None
    ) -> Adjustment:
        """An adjustment made at `at`; it goes into the statement of that day."""
        number = len(self.pending) + sum(len(s.transactions) for s in self.statements)
        adjustment = Adjustment(
            id=derived_id("adjustment", self.shop_id, order_id, str(at), str(number)),
            type=kind,
            amount=rounded(value, self.currency),
            order_id=order_id,
            create_time=at,
            sort_time=sort_time if sort_time is not None else at,
        )
        self.pending.append(adjustment)
        return adjustment

    def _pay(self, statement: Statement) -> None:
        """Start a payment once the waiting statements add up to something payable."""
        self.waiting.append(statement)
        if sum((s.payable for s in self.waiting), ZERO) <= 0:
            return
        payment = Payment(
            id=derived_id("payment", statement.id),
            create_time=statement.time,
            currency=self.currency,
            statements=list(self.waiting),
            paid_time=statement.time + PAYOUT_DAYS * DAY,
        )
        for paid in self.waiting:
            paid.payment_id = payment.id
        self.waiting.clear()
        self.payments.append(payment)
        self.payment_by_id[payment.id] = payment

    def payment_status(self, statement: Statement, now: int) -> str:
        payment = self.payment_by_id.get(statement.payment_id)
        return payment.status(now) if payment is not None else "PROCESSING"


class Finance:
    """Every shop's book, caught up with the shop clock by the world's ticker."""

    def __init__(self) -> None:
        self.books: dict[str, ShopBook] = {}

    def book(self, shop_id: str, currency: str) -> ShopBook:
        if shop_id not in self.books:
            self.books[shop_id] = ShopBook(shop_id, currency)
        return self.books[shop_id]

    def catch_up(self, shops: Iterable[Any], now: int) -> list[Statement]:
        made: list[Statement] = []
        for shop in shops:
            book = self.book(shop.id, shop.currency)
            if book.last is not None and now // DAY * DAY <= book.last:
                continue
            made.extend(book.catch_up(shop.orders.values(), now, refunds.requests_by_order(shop)))
        return made
