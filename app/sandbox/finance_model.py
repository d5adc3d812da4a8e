"""The records of the finance book: statement lines, statements, payments, adjustments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from app.sandbox.fees import ZERO, OrderMoney

DAY = 86400

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
