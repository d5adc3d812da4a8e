"""The finance book as the finance endpoints show it (get-statements, get-payments,
get-withdrawals, get-transactions-by-statement/-by-order, get-unsettled-transactions specs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.sandbox import finance_fields as f
from app.sandbox.fees import ZERO, OrderMoney, SkuMoney, amount
from app.sandbox.finance import SETTLEMENT_DAYS, ShopBook
from app.sandbox.finance_model import (
    Adjustment,
    Payment,
    Statement,
    Transaction,
    derived_id,
    midnight_after,
)
from app.sandbox.refunds import OrderReturns

#: Markets whose statements show net sales and shipping instead of revenue (get-statements).
NET_SALES_MARKETS = frozenset({"US", "GB"})
EXCHANGE_RATE = "1.000000"  # payments stay in the shop's currency


def amounts(values: dict[str, Decimal], names: tuple[str, ...], cur: str) -> dict[str, str]:
    return {name: amount(values.get(name, ZERO), cur) for name in names}


def statement_row(book: ShopBook, statement: Statement, region: str, now: int) -> dict[str, Any]:
    cur = statement.currency
    row: dict[str, Any] = {
        "id": statement.id,
        "statement_time": statement.time,
        "settlement_amount": amount(statement.settlement, cur),
        "currency": cur,
        "fee_amount": amount(statement.fee_tax, cur),
        "adjustment_amount": amount(statement.adjustment, cur),
        "payment_status": book.payment_status(statement, now),
    }
    if statement.payment_id:
        row["payment_id"] = statement.payment_id
    if region in NET_SALES_MARKETS:
        row["net_sales_amount"] = amount(statement.revenue, cur)
        row["shipping_cost_amount"] = amount(statement.shipping, cur)
    else:
        row["revenue_amount"] = amount(statement.revenue, cur)
    return row


def _money(value: Decimal, cur: str) -> dict[str, str]:
    return {"value": amount(value, cur), "currency": cur}


def payment_row(payment: Payment, bank_account: str, now: int) -> dict[str, Any]:
    cur = payment.currency
    status = payment.status(now)
    row: dict[str, Any] = {
        "create_time": payment.create_time,
        "id": payment.id,
        "status": status,
        "amount": _money(payment.amount, cur),
        "settlement_amount": _money(payment.settlement, cur),
        "reserve_amount": _money(payment.reserve, cur),
        "payment_amount_before_exchange": _money(payment.amount, cur),
        "exchange_rate": EXCHANGE_RATE,
        "bank_account": bank_account,
    }
    if status == "PAID":
        row["paid_time"] = payment.paid_time
    return row


def withdrawal_rows(payment: Payment, now: int) -> list[dict[str, Any]]:
    """The platform settles each payment to the seller, then it is withdrawn to the bank
    (get-withdrawals `types`); a failed transfer comes back as REVERSE."""
    cur, value = payment.currency, amount(payment.amount, payment.currency)
    status = {"PAID": "SUCCESS", "FAILED": "FAILED"}.get(payment.status(now), "PROCESSING")
    rows = [
        ("SETTLE", "SUCCESS", payment.create_time),
        ("WITHDRAW", status, payment.create_time),
    ]
    if payment.failed_at is not None:
        rows.append(("REVERSE", "SUCCESS", payment.failed_at))
    return [
        {
            "id": derived_id("withdrawal", payment.id, kind),
            "type": kind,
            "amount": value,
            "currency": cur,
            "status": state,
            "create_time": at,
        }
        for kind, state, at in rows
    ]


def sku_transaction(sku: SkuMoney, statement_id: str, cur: str) -> dict[str, Any]:
    """One `sku_transactions[]` entry of Get Transactions by Order."""
    supplementary = amounts(sku.shipping_extra, f.SHIPPING_EXTRA_BY_ORDER, cur)
    # Deprecated: "will return an empty string" (get-transactions-by-order spec).
    supplementary["fbt_fulfillment_fee_reimbursement_amount"] = ""
    return {
        "sku_id": sku.sku_id,
        "sku_name": sku.sku_name,
        "statement_id": statement_id,
        "product_name": sku.product_name,
        "quantity": str(sku.quantity),
        "settlement_amount": amount(sku.settlement_amount, cur),
        "revenue_amount": amount(sku.revenue_amount, cur),
        "revenue_breakdown": amounts(sku.revenue, f.REVENUE, cur),
        "shipping_cost_amount": amount(sku.shipping_cost_amount, cur),
        "shipping_cost_breakdown": {
            **amounts(sku.shipping, f.SHIPPING_BY_ORDER, cur),
            "supplementary_component": supplementary,
        },
        "fee_tax_amount": amount(sku.fee_tax_amount, cur),
        "fee_tax_breakdown": {
            "fee": amounts(sku.fee, f.FEES_SETTLED, cur),
            "tax": amounts(sku.tax, f.TAXES_SETTLED, cur),
        },
    }


def order_transactions(
    book: ShopBook, order: dict[str, Any] | None, order_id: str
) -> dict[str, Any]:
    """Get Transactions by Order: every SKU line of every statement that settled the order."""
    entries = book.settled.get(order_id, [])
    if order is None:
        return {"sku_transactions": [], "total_count": 0}
    cur = order["payment"]["currency"]
    skus = [
        sku_transaction(sku, statement.id, cur)
        for statement, txn in entries
        if txn.money is not None
        for sku in txn.money.skus
    ]
    monies = [t.money for _, t in entries if t.money is not None]

    def total(attr: str) -> str:
        return amount(sum((getattr(m, attr) for m in monies), ZERO), cur)

    return {
        "order_id": order_id,
        "order_create_time": order["create_time"],
        "currency": cur,
        "revenue_amount": total("revenue_amount"),
        "fee_and_tax_amount": total("fee_tax_amount"),
        "shipping_cost_amount": total("shipping_cost_amount"),
        "settlement_amount": total("settlement_amount"),
        "sku_transactions": skus,
        "total_count": len(skus),
    }


def statement_transaction(txn: Transaction, cur: str) -> dict[str, Any]:
    """One `transactions[]` entry of Get Transactions by Statement."""
    row: dict[str, Any] = {"id": txn.id, "type": txn.type}
    if txn.type == "RESERVE":
        return {
            **row,
            "reserve_id": txn.reserve_id,
            "reserve_amount": amount(txn.amount, cur),
            "associated_order_id": txn.order_id,
            "reserve_status": txn.reserve_status,
            "estimated_release_time": ""
            if txn.reserve_status == "RELEASED"
            else str(txn.release_time or ""),
        }
    money = txn.money
    if money is None:
        row.update(adjustment_id=txn.adjustment_id, adjustment_amount=amount(txn.amount, cur))
        if txn.order_id:
            row["adjustment_order_id"] = txn.order_id
        row["settlement_amount"] = amount(txn.amount, cur)
        return row
    shipping: dict[str, Any] = amounts(money.total("shipping"), f.SHIPPING_BY_STATEMENT, cur)
    extra = money.total("shipping_extra")
    extra["customer_shipping_fee"] = money.total("shipping").get(
        "customer_paid_shipping_fee_amount", ZERO
    )
    shipping["supplementary_component"] = amounts(extra, f.SHIPPING_EXTRA_BY_STATEMENT, cur)
    return {
        **row,
        "order_id": txn.order_id,
        "order_create_time": money.create_time,
        "settlement_amount": amount(money.settlement_amount, cur),
        "revenue_amount": amount(money.revenue_amount, cur),
        "revenue_breakdown": amounts(money.total("revenue"), f.REVENUE, cur),
        "shipping_cost_amount": amount(money.shipping_cost_amount, cur),
        "shipping_cost_breakdown": shipping,
        "fee_tax_amount": amount(money.fee_tax_amount, cur),
        "fee_tax_breakdown": {
            "fee": amounts(money.total("fee"), f.FEES_SETTLED, cur),
            "tax": amounts(money.total("tax"), f.TAXES_SETTLED, cur),
        },
        "supplementary_component": amounts(money.extra, f.ORDER_EXTRA, cur),
    }


def statement_header(statement: Statement) -> dict[str, Any]:
    """The statement's own fields in Get Transactions by Statement."""
    cur = statement.currency
    return {
        "id": statement.id,
        "create_time": statement.time,
        "status": "SETTLED",
        "currency": cur,
        "payable_amount": amount(statement.payable, cur),
        "total_reserve_amount": amount(statement.reserve, cur),
        "total_settlement_amount": amount(statement.settlement, cur),
        "total_settlement_breakdown": {
            "total_revenue_amount": amount(statement.revenue, cur),
            "total_shipping_cost_amount": amount(statement.shipping, cur),
            "total_fee_tax_amount": amount(statement.fee_tax, cur),
            "total_adjustment_amount": amount(statement.adjustment, cur),
        },
        "total_count": len(statement.transactions),
    }


def unsettled_order(
    book: ShopBook, order: dict[str, Any], money: OrderMoney, returns: OrderReturns
) -> dict[str, Any]:
    """An order's estimate (`money`) as Get Unsettled Transactions shows it."""
    cur = money.currency
    tax, rdf = money.extra["sales_tax_amount"], money.extra["retail_delivery_fee_amount"]
    # TikTok collects the buyer's sales tax and retail delivery fee and remits them: in and out.
    fee = {
        **money.total("fee"),
        "retail_delivery_fee_payment_amount": rdf,
        "retail_delivery_fee_amount": -rdf,
    }
    taxes = {"sales_tax_payment_amount": tax, "sales_tax_amount": -tax}
    settle_at = book.settle_at(order, returns)
    if returns.open:
        reason = "waiting for the return or refund request to close"
    elif settle_at is None:
        reason = "waiting for delivery"
    else:
        reason = "waiting for the settlement period after delivery"
    row: dict[str, Any] = {
        "type": "ORDER",
        "id": derived_id("txn", order["id"]),
        "status": "UNSETTLED",
        "currency": cur,
        "estimated_settlement": str(settle_at)
        if settle_at is not None
        else f"{SETTLEMENT_DAYS} days after delivery",
        "unsettled_reason": reason,
        "order_create_time": order["create_time"],
    }
    if "delivery_time" in order:
        row["order_delivery_time"] = order["delivery_time"]
    shipping: dict[str, Any] = amounts(money.total("shipping"), f.SHIPPING_UNSETTLED, cur)
    shipping["supplementary_component"] = amounts(
        money.total("shipping_extra"), f.SHIPPING_EXTRA_UNSETTLED, cur
    )
    row.update(
        order_id=order["id"],
        est_settlement_amount=amount(money.settlement_amount, cur),
        est_revenue_amount=amount(money.revenue_amount, cur),
        revenue_breakdown=amounts(money.total("revenue"), f.REVENUE, cur),
        est_shipping_cost_amount=amount(money.shipping_cost_amount, cur),
        shipping_cost_breakdown=shipping,
        est_fee_tax_amount=amount(money.fee_tax_amount, cur),
        fee_tax_breakdown={
            "fee": amounts(fee, f.FEES_UNSETTLED, cur),
            "tax": amounts(taxes, f.TAXES_UNSETTLED, cur),
        },
    )
    return row


def unsettled_adjustment(adjustment: Adjustment, cur: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "type": adjustment.type,
        "id": derived_id("txn", adjustment.id),
        "status": "UNSETTLED",
        "currency": cur,
        "estimated_settlement": str(midnight_after(adjustment.create_time)),
        "unsettled_reason": "waiting for the next statement",
        "adjustment_id": adjustment.id,
        "est_adjustment_amount": amount(adjustment.amount, cur),
        "est_settlement_amount": amount(adjustment.amount, cur),
    }
    if adjustment.order_id:
        row["adjustment_order_id"] = adjustment.order_id
    return row
