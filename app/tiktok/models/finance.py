"""Statements, their transactions, unsettled estimates, payments and withdrawals (FACTS.md 9.8).

Signs are TikTok's: what the seller receives is positive, what TikTok keeps is negative, and
an amount equals the sum of its breakdown (get-transactions-by-order spec). So an order's
settlement = revenue_amount + fee_and_tax_amount + shipping_cost_amount.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from app.tiktok.models.amounts import Amount, Amounts, dec
from app.tiktok.models.base import Id, RawModel, TikTokModel, Timestamp


class RevenueBreakdown(Amounts):
    subtotal_before_discount_amount: Amount = "0"
    seller_discount_amount: Amount = "0"
    refund_subtotal_before_discount_amount: Amount = "0"
    seller_discount_refund_amount: Amount = "0"


class ShippingBreakdown(Amounts):
    """Contributes to shipping_cost_amount; `supplementary_component` is for reference only."""

    actual_shipping_fee_amount: Amount = "0"
    shipping_fee_discount_amount: Amount = "0"
    customer_paid_shipping_fee_amount: Amount = "0"
    return_shipping_fee_amount: Amount = "0"
    supplementary_component: Amounts = Field(default_factory=Amounts)


class FeeBreakdown(Amounts):
    """TikTok's fees and commissions; the rest of the documented fees are extras."""

    platform_commission_amount: Amount = "0"
    referral_fee_amount: Amount = "0"
    transaction_fee_amount: Amount = "0"
    affiliate_commission_amount: Amount = "0"
    live_specials_fee_amount: Amount = "0"
    sfp_service_fee_amount: Amount = "0"


class FeeTaxBreakdown(TikTokModel):
    fee: FeeBreakdown = Field(default_factory=FeeBreakdown)
    tax: Amounts = Field(default_factory=Amounts)

    def total(self) -> Decimal:
        return self.fee.total() + self.tax.total()

    def lines(self) -> dict[str, Decimal]:
        """Every fee and tax that is not zero, by TikTok's field name."""
        return {**self.fee.lines(), **self.tax.lines()}


class SettledMoney(TikTokModel):
    """Revenue, shipping and fees with their breakdowns, as both settled APIs show them."""

    settlement_amount: Amount = "0"
    revenue_amount: Amount = "0"
    revenue_breakdown: RevenueBreakdown = Field(default_factory=RevenueBreakdown)
    shipping_cost_amount: Amount = "0"
    shipping_cost_breakdown: ShippingBreakdown = Field(default_factory=ShippingBreakdown)
    fee_tax_amount: Amount = "0"
    fee_tax_breakdown: FeeTaxBreakdown = Field(default_factory=FeeTaxBreakdown)


class SkuTransaction(SettledMoney):
    """One SKU's settlement inside one statement (Get Transactions by Order)."""

    sku_id: Id = ""
    sku_name: str = ""
    statement_id: Id = ""
    product_name: str = ""
    quantity: int = 0


class OrderTransactions(RawModel):
    """An order's settlement across every statement that holds it; empty until it settles."""

    order_id: Id = ""
    order_create_time: Timestamp = None
    currency: str = ""
    revenue_amount: Amount = "0"
    fee_and_tax_amount: Amount = "0"
    shipping_cost_amount: Amount = "0"
    settlement_amount: Amount = "0"
    sku_transactions: list[SkuTransaction] = Field(default_factory=list)
    total_count: int = 0

    @property
    def settled(self) -> bool:
        """True once some statement settled the order."""
        return bool(self.sku_transactions)

    @property
    def statement_ids(self) -> list[str]:
        return list(dict.fromkeys(s.statement_id for s in self.sku_transactions))


class Statement(RawModel):
    """One day's statement (Get Statements); US and UK show net sales, others revenue."""

    id: Id
    statement_time: int = 0
    currency: str = ""
    settlement_amount: Amount = "0"
    fee_amount: Amount = "0"
    adjustment_amount: Amount = "0"
    revenue_amount: Amount | None = None
    net_sales_amount: Amount | None = None
    shipping_cost_amount: Amount | None = None
    payment_status: str = ""  # PAID | FAILED | PROCESSING
    payment_id: Id = ""


class TotalSettlementBreakdown(Amounts):
    total_revenue_amount: Amount = "0"
    total_shipping_cost_amount: Amount = "0"
    total_fee_tax_amount: Amount = "0"
    total_adjustment_amount: Amount = "0"


class StatementTransaction(SettledMoney):
    """One line of a statement: an ORDER, an adjustment (its type names it) or a RESERVE."""

    id: Id = ""
    type: str = ""
    order_id: Id = ""
    order_create_time: Timestamp = None
    adjustment_id: Id = ""
    adjustment_order_id: Id = ""
    adjustment_amount: Amount = "0"
    supplementary_component: Amounts = Field(default_factory=Amounts)
    reserve_id: Id = ""
    reserve_amount: Amount = "0"
    associated_order_id: Id = ""
    reserve_status: str = ""
    estimated_release_time: Timestamp = None

    @property
    def is_order(self) -> bool:
        return self.type == "ORDER"

    @property
    def is_reserve(self) -> bool:
        return self.type == "RESERVE"

    @property
    def is_adjustment(self) -> bool:
        return bool(self.type) and not self.is_order and not self.is_reserve


class StatementTransactions(RawModel):
    """A statement with one page of its transactions (Get Transactions by Statement)."""

    id: Id = ""
    create_time: Timestamp = None
    status: str = ""
    currency: str = ""
    payable_amount: Amount = "0"
    total_reserve_amount: Amount = "0"
    total_settlement_amount: Amount = "0"
    total_settlement_breakdown: TotalSettlementBreakdown = Field(
        default_factory=TotalSettlementBreakdown
    )
    total_count: int = 0
    transactions: list[StatementTransaction] = Field(default_factory=list)
    next_page_token: str = ""


class UnsettledTransaction(TikTokModel):
    """TikTok's estimate for an order or adjustment not settled yet (subject to change)."""

    type: str = ""
    id: Id = ""
    status: str = ""
    currency: str = ""
    estimated_settlement: str = ""  # a Unix time, or "x days after delivery"
    unsettled_reason: str = ""
    order_create_time: Timestamp = None
    order_delivery_time: Timestamp = None
    order_id: Id = ""
    adjustment_id: Id = ""
    adjustment_order_id: Id = ""
    est_adjustment_amount: Amount = "0"
    est_settlement_amount: Amount = "0"
    est_revenue_amount: Amount = "0"
    revenue_breakdown: RevenueBreakdown = Field(default_factory=RevenueBreakdown)
    est_shipping_cost_amount: Amount = "0"
    shipping_cost_breakdown: ShippingBreakdown = Field(default_factory=ShippingBreakdown)
    est_fee_tax_amount: Amount = "0"
    fee_tax_breakdown: FeeTaxBreakdown = Field(default_factory=FeeTaxBreakdown)

    @property
    def estimated_settlement_time(self) -> int | None:
        """When TikTok expects to settle it, once the order is delivered; else None."""
        text = self.estimated_settlement.strip()
        return int(text) if text.isdigit() else None


class UnsettledPage(TikTokModel):
    transactions: list[UnsettledTransaction] = Field(default_factory=list)
    next_page_token: str = ""
    total_count: int = 0
    sum_est_settlement_amount: Amount = "0"
    sum_est_revenue_amount: Amount = "0"
    sum_est_adjustment_amount: Amount = "0"
    sum_est_fee_amount: Amount = "0"


class StatementPage(TikTokModel):
    statements: list[Statement] = Field(default_factory=list)
    next_page_token: str = ""

    @property
    def max_statement_time(self) -> int | None:
        """The newest statement_time on the page: the cursor to save after it."""
        return max((s.statement_time for s in self.statements), default=None)


class MoneyValue(TikTokModel):
    value: Amount = "0"
    currency: str = ""

    @property
    def decimal(self) -> Decimal:
        return dec(self.value)


class Payment(RawModel):
    """A transfer to the seller's bank (Get Payments): amount = settlement + reserve."""

    id: Id
    create_time: int = 0
    status: str = ""  # PAID | FAILED | PROCESSING
    amount: MoneyValue = Field(default_factory=MoneyValue)
    settlement_amount: MoneyValue = Field(default_factory=MoneyValue)
    reserve_amount: MoneyValue = Field(default_factory=MoneyValue)
    payment_amount_before_exchange: MoneyValue = Field(default_factory=MoneyValue)
    exchange_rate: str = ""
    paid_time: Timestamp = None
    bank_account: str = ""


class PaymentPage(TikTokModel):
    payments: list[Payment] = Field(default_factory=list)
    next_page_token: str = ""


class Withdrawal(RawModel):
    """WITHDRAW, SETTLE, TRANSFER or REVERSE (Get Withdrawals); status PROCESSING, SUCCESS or
    FAILED."""

    id: Id
    type: str = ""
    amount: Amount = "0"
    currency: str = ""
    status: str = ""
    create_time: int = 0


class WithdrawalPage(TikTokModel):
    withdrawals: list[Withdrawal] = Field(default_factory=list)
    next_page_token: str = ""
    total_count: int = 0
