"""Finance endpoints (FACTS.md 9.8; scope seller.finance.info): statements, their transactions,
transactions by order, unsettled estimates, payments and withdrawals.

The specs document no error of their own beyond 36009003; a malformed parameter gets the
gateway's `param ...` answer (errors.param_error). A statement or order the shop does not have
answers an empty list, as no "not found" code is documented. The 202309 transaction endpoints
are not routed: since 2025-12-31 they are blocked (supplementary notice on finance API
deprecation), which the router answers as a retired version, 36009014 (FACTS.md 9.2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox import api_analytics, price_detail, refunds
from app.sandbox.errors import param_error
from app.sandbox.fees import ZERO, OrderMoney, amount
from app.sandbox.finance import Returns, ShopBook
from app.sandbox.finance_model import Adjustment, Statement, Transaction, derived_id
from app.sandbox.finance_params import choice, optional_int, page_size, sorted_page
from app.sandbox.finance_wire import (
    order_transactions,
    payment_row,
    statement_header,
    statement_row,
    statement_transaction,
    unsettled_adjustment,
    unsettled_order,
    withdrawal_rows,
)
from app.sandbox.model import Shop
from app.sandbox.unsettled import Key, unsettled_view
from app.sandbox.validation import Call, Route

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

DEFAULT_PAGE = 20  # every finance spec: "Default: 20, valid range [1-100]"
PAYMENT_STATUSES = ("PAID", "FAILED", "PROCESSING")
ORDERS = ("ASC", "DESC")
WITHDRAWAL_TYPES = ("WITHDRAW", "SETTLE", "TRANSFER", "REVERSE")
UNSETTLED_SINCE = 1735689600  # 2025-01-01 00:00 UTC: "only returns transactions created after"


#: An unsettled row: its sort key, the order or adjustment, and the order's estimate.
Pending = tuple[Key, "dict[str, Any] | Adjustment", "OrderMoney | None"]


def book_of(sandbox: Sandbox, shop: Shop | None) -> ShopBook:
    assert shop is not None
    return sandbox.state.finance.book(shop.id, shop.currency)


def _bounds(call: Call, name: str, earliest: int = 0) -> tuple[int, int]:
    """`{name}_ge` / `{name}_lt`: with one given, `lt` defaults to now, `ge` to the start."""
    ge = optional_int(call.query, f"{name}_ge")
    lt = optional_int(call.query, f"{name}_lt")
    return (earliest if ge is None else ge), (call.now if lt is None else lt)


def _descending(call: Call) -> bool:
    return choice(call.query, "sort_order", ORDERS, "ASC") == "DESC"


def statements(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    q, shop = call.query, call.shop
    size = page_size(q, DEFAULT_PAGE)
    choice(q, "sort_field", ("statement_time",), None)
    status = q.get("payment_status") or None
    if status is not None and status not in PAYMENT_STATUSES:
        raise param_error(f"query.payment_status must be one of {', '.join(PAYMENT_STATUSES)}")
    book = book_of(sandbox, shop)
    ge, lt = _bounds(call, "statement_time")
    rows = [
        s
        for s in book.statements
        if ge <= s.time < lt and (status is None or book.payment_status(s, call.now) == status)
    ]
    filters = {
        "api": "statements",
        "status": status,
        "ge": q.get("statement_time_ge"),
        "lt": q.get("statement_time_lt"),
    }
    chunk, token = sorted_page(
        sandbox,
        q,
        rows,
        lambda s: (s.time, int(s.id)),
        descending=_descending(call),
        size=size,
        filters=filters,
    )
    assert shop is not None
    return {
        "next_page_token": token,
        "statements": [statement_row(book, s, shop.region, call.now) for s in chunk],
    }


def statement_transactions(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    q = call.query
    size = page_size(q, DEFAULT_PAGE)
    choice(q, "sort_field", ("order_create_time",), None)
    book = book_of(sandbox, call.shop)
    statement_id = call.path_params["statement_id"]
    statement: Statement | None = book.by_id.get(statement_id)
    txns = statement.transactions if statement is not None else []
    chunk, token = sorted_page(
        sandbox,
        q,
        txns,
        _transaction_key,
        descending=_descending(call),
        size=size,
        filters={"api": "statement_transactions", "statement": statement_id},
    )
    if statement is None:
        return {"next_page_token": "", "total_count": 0, "transactions": []}
    return {
        "next_page_token": token,
        **statement_header(statement),
        "transactions": [_rendered(book, t, statement.currency) for t in chunk],
    }


def _rendered(book: ShopBook, txn: Transaction, cur: str) -> dict[str, Any]:
    """A statement's line as the API shows it, drawn once: statements never change."""
    drawn: dict[str, dict[str, Any]] = book.cache.setdefault("statement_lines", {})
    if txn.id not in drawn:
        drawn[txn.id] = statement_transaction(txn, cur)
    return drawn[txn.id]


def _transaction_key(txn: Transaction) -> tuple[int, int]:
    return txn.sort_time, int(txn.id)


def order_statement_transactions(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    order_id = call.path_params["order_id"]
    book = book_of(sandbox, call.shop)
    return order_transactions(book, call.shop.orders.get(order_id), order_id)


def unsettled(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    assert call.shop is not None
    q, shop = call.query, call.shop
    size = page_size(q, DEFAULT_PAGE)
    choice(q, "sort_field", ("order_create_time",), None)
    book = book_of(sandbox, shop)
    ge, lt = _bounds(call, "search_time", UNSETTLED_SINCE)
    ge = max(ge, UNSETTLED_SINCE)
    returns = refunds.by_order(shop, call.now + 1)
    view = unsettled_view(book, shop.orders.values(), sandbox.state.version, returns)
    start, end = view.span(ge, lt)
    revenue, fees, settlement = view.sums(start, end)
    adjustments: list[Pending] = [
        ((a.sort_time, int(derived_id("txn", a.id))), a, None)
        for a in book.pending
        if a.create_time <= call.now and ge <= a.sort_time < lt
    ]
    adjusted = sum((a.amount for _, a, _ in adjustments if isinstance(a, Adjustment)), ZERO)
    rows: list[Pending] = [*view.rows[start:end], *adjustments]
    chunk, token = sorted_page(
        sandbox,
        q,
        rows,
        lambda r: r[0],
        descending=_descending(call),
        size=size,
        filters={"api": "unsettled", "ge": q.get("search_time_ge"), "lt": q.get("search_time_lt")},
    )
    cur = shop.currency
    return {
        "next_page_token": token,
        "total_count": len(rows),
        "sum_est_settlement_amount": amount(settlement + adjusted, cur),
        "sum_est_revenue_amount": amount(revenue, cur),
        "sum_est_adjustment_amount": amount(adjusted, cur),
        "sum_est_fee_amount": amount(fees, cur),
        "transactions": [_pending_row(book, row, cur, returns) for row in chunk],
    }


def _pending_row(book: ShopBook, row: Pending, cur: str, returns: Returns) -> dict[str, Any]:
    _, item, money = row
    if isinstance(item, Adjustment):
        return unsettled_adjustment(item, cur)
    assert money is not None
    return unsettled_order(book, item, money, returns.get(item["id"], refunds.NONE))


def payments(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    q = call.query
    size = page_size(q, DEFAULT_PAGE)
    choice(q, "sort_field", ("create_time",), None)
    book = book_of(sandbox, call.shop)
    ge, lt = _bounds(call, "create_time")
    rows = [p for p in book.payments if ge <= p.create_time < lt]
    chunk, token = sorted_page(
        sandbox,
        q,
        rows,
        lambda p: (p.create_time, int(p.id)),
        descending=_descending(call),
        size=size,
        filters={"api": "payments", "ge": q.get("create_time_ge"), "lt": q.get("create_time_lt")},
    )
    account = bank_account(book)
    return {
        "next_page_token": token,
        "payments": [payment_row(p, account, call.now) for p in chunk],
    }


def bank_account(book: ShopBook) -> str:
    """The seller's account, masked but for the last 4 digits (get-payments spec)."""
    return "*" * 11 + derived_id("bank", book.shop_id)[-4:]


def withdrawal_types(raw: str | None) -> set[str]:
    """`types` ([]string, required): comma-separated, each a documented type."""
    values = {v.strip() for v in (raw or "").split(",") if v.strip()}
    if not values:
        raise param_error("query.types is required")
    if values - set(WITHDRAWAL_TYPES):
        raise param_error(f"query.types must be among {', '.join(WITHDRAWAL_TYPES)}")
    return values


def withdrawals(sandbox: Sandbox, call: Call) -> dict[str, Any]:
    q = call.query
    size = page_size(q, DEFAULT_PAGE)
    types = withdrawal_types(q.get("types"))
    book = book_of(sandbox, call.shop)
    ge, lt = _bounds(call, "create_time")
    rows = [
        w
        for p in book.payments
        for w in withdrawal_rows(p, call.now)
        if w["type"] in types and ge <= w["create_time"] < lt and w["create_time"] <= call.now
    ]
    chunk, token = sorted_page(
        sandbox,
        q,
        rows,
        lambda w: (w["create_time"], int(w["id"])),
        descending=False,
        size=size,
        filters={
            "api": "withdrawals",
            "types": sorted(types),
            "ge": q.get("create_time_ge"),
            "lt": q.get("create_time_lt"),
        },
    )
    return {"next_page_token": token, "total_count": len(rows), "withdrawals": chunk}


FINANCE = "seller.finance.info"
ANALYTICS = "data.shop_analytics.public.read"
#: Money routes (spec-json `interface_path`, `scope_list`); the 202309 transaction endpoints
#: are left out on purpose: asked for, they answer as a retired version.
ROUTES = [
    Route(
        "GET",
        "/order/202407/orders/{order_id}/price_detail",
        price_detail.get_price_detail,
        "seller.order.info",
    ),
    Route("GET", "/finance/202309/statements", statements, FINANCE),
    Route(
        "GET",
        "/finance/202501/statements/{statement_id}/statement_transactions",
        statement_transactions,
        FINANCE,
    ),
    Route(
        "GET",
        "/finance/202501/orders/{order_id}/statement_transactions",
        order_statement_transactions,
        FINANCE,
    ),
    Route("GET", "/finance/202507/orders/unsettled", unsettled, FINANCE),
    Route("GET", "/finance/202309/payments", payments, FINANCE),
    Route("GET", "/finance/202309/withdrawals", withdrawals, FINANCE),
    Route("GET", "/analytics/202405/shop/performance", api_analytics.shop_performance, ANALYTICS),
    Route(
        "GET",
        "/analytics/202405/shop_products/performance",
        api_analytics.product_performance,
        ANALYTICS,
    ),
    Route(
        "GET",
        "/analytics/202406/shop_skus/performance",
        api_analytics.sku_performance,
        ANALYTICS,
    ),
]
