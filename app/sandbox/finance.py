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

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from app.sandbox.fees import ZERO, OrderMoney, order_money, rounded, traits

DAY = 86400
SETTLEMENT_DAYS = 8  # "one to two weeks after delivery" (issue 19); TikTok varies it by region
PAYOUT_DAYS = 2  # a payment is PROCESSING this long before it is PAID
RESERVE_FROM = Decimal("100")  # orders earning this much have part of it held back
RESERVE_RATE = Decimal("0.10")
RESERVE_DAYS = 30
ADJUSTMENT_DELAY = 2 * DAY  # an automatic shipping fee adjustment, after the settlement
SETTLED_STATUSES = frozenset({"DELIVERED", "COMPLETED"})
#: Adjustment types of get-transactions-by-statement (also the admin API's choices).
ADJUSTMENT_TYPES = (
    "CHARGE_BACK",
    "CUSTOMER_SERVICE_COMPENSATION",
    "DEDUCTIONS_INCURRED_BY_SELLER",
    "GMV_PAYMENT_FOR_ADS",
    "PLATFORM_COMMISSION_ADJUSTMENT",
    "PLATFORM_COMMISSION_COMPENSATION",
    "PLATFORM_PENALTY",
    "PROMOTION_ADJUSTMENT",
    "REBATE",
    "PLATFORM_COMPENSATION",
    "PLATFORM_REIMBURSEMENT",
    "COFUNDED_CREATOR_REWARDS",
    "FBT_WAREHOUSE_SERVICE_FEE",
    "LOGISTICS_REIMBURSEMENT",
    "SHIPPING_FEE_ADJUSTMENT",
    "SHIPPING_FEE_COMPENSATION",
    "SHIPPING_FEE_REBATE",
    "SAMPLE_SHIPPING_FEE",
    "SELLER_MISSION_REWARD",
    "OTHER_ADJUSTMENT",
)


def derived_id(*parts: str) -> str:
    """A 19-digit id fixed by what it names, so the book is the same however it is read."""
    digest = hashlib.sha256(":".join(("finance", *parts)).encode()).digest()
    return str(10**18 + int.from_bytes(digest[:8], "big") % (9 * 10**18))


def midnight_after(at: int) -> int:
    """The statement that takes a transaction made at `at`: the next 00:00 UTC."""
    return at // DAY * DAY + DAY


@dataclass
class Transaction:
    """One line of a statement: an order's settlement, an adjustment, or a reserve."""

    id: str
    type: str  # ORDER | RESERVE | one of ADJUSTMENT_TYPES
    sort_time: int  # the order's create_time (the documented sort), else when it was made
    order_id: str = ""
    money: OrderMoney | None = None
    adjustment_id: str = ""
    amount: Decimal = ZERO  # adjustment or reserve amount
    reserve_id: str = ""
    reserve_status: str = ""  # COLLECTED | RELEASED
    release_time: int | None = None

    @property
    def settlement(self) -> Decimal:
        if self.money is not None:
            return self.money.settlement_amount
        return ZERO if self.type == "RESERVE" else self.amount


@dataclass
class Statement:
    id: str
    time: int
    currency: str
    transactions: list[Transaction]
    payment_id: str = ""

    def _sum(self, attr: str) -> Decimal:
        return sum((getattr(t.money, attr) for t in self.transactions if t.money is not None), ZERO)

    @cached_property
    def revenue(self) -> Decimal:
        return self._sum("revenue_amount")

    @cached_property
    def shipping(self) -> Decimal:
        return self._sum("shipping_cost_amount")

    @cached_property
    def fee_tax(self) -> Decimal:
        return self._sum("fee_tax_amount")

    @cached_property
    def adjustment(self) -> Decimal:
        kinds = ("ORDER", "RESERVE")
        return sum((t.amount for t in self.transactions if t.type not in kinds), ZERO)

    @cached_property
    def settlement(self) -> Decimal:
        return sum((t.settlement for t in self.transactions), ZERO)

    @cached_property
    def reserve(self) -> Decimal:
        return sum((t.amount for t in self.transactions if t.type == "RESERVE"), ZERO)

    @cached_property
    def payable(self) -> Decimal:
        return self.settlement + self.reserve


@dataclass
class Payment:
    id: str
    create_time: int
    currency: str
    statements: list[Statement]
    paid_time: int
    failed_at: int | None = None

    @cached_property
    def settlement(self) -> Decimal:
        return sum((s.settlement for s in self.statements), ZERO)

    @cached_property
    def reserve(self) -> Decimal:
        return sum((s.reserve for s in self.statements), ZERO)

    @cached_property
    def amount(self) -> Decimal:
        return self.settlement + self.reserve

    def status(self, now: int) -> str:
        if self.failed_at is not None:
            return "FAILED"
        return "PAID" if now >= self.paid_time else "PROCESSING"


@dataclass
class Adjustment:
    """An adjustment waiting for its statement (listed as unsettled until then)."""

    id: str
    type: str
    amount: Decimal
    order_id: str
    create_time: int
    sort_time: int


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
    #: order id -> (update_time, weighed) it was estimated at, and the estimate
    estimates: dict[str, tuple[tuple[int, bool], OrderMoney]] = field(default_factory=dict)
    #: views derived from the book (sorted unsettled orders...), each with the state it is of
    cache: dict[str, Any] = field(default_factory=dict)

    def settle_at(self, order: dict[str, Any]) -> int | None:
        """When the order counts as settled: delivery + the settlement period (or forced)."""
        if order["id"] in self.forced:
            return self.forced[order["id"]]
        if order["status"] not in SETTLED_STATUSES:
            return None
        delivered = order.get("delivery_time") or order["update_time"]
        return int(delivered) + SETTLEMENT_DAYS * DAY

    def estimate(self, order: dict[str, Any]) -> OrderMoney:
        """TikTok's estimate of the order's settlement, remade only when the order changed."""
        key = (int(order["update_time"]), "collection_time" in order)
        cached = self.estimates.get(order["id"])
        if cached is not None and cached[0] == key:
            return cached[1]
        money = order_money(order, measured=key[1])
        self.estimates[order["id"]] = (key, money)
        return money

    def unsettled_orders(self, orders: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Paid orders with money coming that no statement holds yet."""
        return [
            o
            for o in orders
            if "paid_time" in o and o["status"] != "CANCELLED" and o["id"] not in self.settled
        ]

    def catch_up(self, orders: Iterable[dict[str, Any]], now: int) -> list[Statement]:
        """Close every midnight the clock has passed; returns the statements made."""
        end = now // DAY * DAY
        orders = list(orders)
        if self.last is None:
            first = min((o["create_time"] for o in orders), default=now)
            self.last = first // DAY * DAY
        if end <= self.last:
            return []
        due: dict[int, list[dict[str, Any]]] = {}
        for order in orders:
            at = None if order["id"] in self.settled else self.settle_at(order)
            if at is None:
                continue
            boundary = max(midnight_after(at), self.last + DAY)
            if boundary <= end:
                due.setdefault(boundary, []).append(order)
        made = []
        for boundary in range(self.last + DAY, end + DAY, DAY):
            todays = sorted(due.get(boundary, []), key=lambda o: (o["create_time"], o["id"]))
            statement = self._close(boundary, todays)
            if statement is not None:
                made.append(statement)
        self.last = end
        return made

    def _close(self, boundary: int, orders: list[dict[str, Any]]) -> Statement | None:
        """The statement for the day that ends at `boundary`, if anything happened."""
        txns: list[Transaction] = []
        for order in orders:
            txns.extend(self._order_transactions(order, boundary))
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

    def _order_transactions(self, order: dict[str, Any], boundary: int) -> list[Transaction]:
        money = order_money(order, measured=True)
        cur, oid = money.currency, order["id"]
        self.forced.pop(oid, None)
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
            made.extend(book.catch_up(shop.orders.values(), now))
        return made
