"""Admin levers for the finance book (never part of TikTok's API), for tests and the demo.

- GET  /sandbox/finance            {"statements": [...], "payments": [...], "unsettled": [...]}:
                                   every statement with all its transactions (as Get
                                   Transactions by Statement shows them, plus shop_id,
                                   payment_id, payment_status), payments as Get Payments shows
                                   them, and the ids of paid orders no statement holds yet
- POST /sandbox/finance/settle     {"order_ids": [...]}: delivered orders settle in the next
                                   statement instead of after the settlement period
- POST /sandbox/finance/next_statement
                                   moves the shop clock just past the next 00:00 UTC, so the
                                   day's statement is made; answers {"now", "statements": [ids]}
- POST /sandbox/finance/adjustments {"type", "amount", "order_id"?, "shop_id"?}: an adjustment
                                   now (unsettled until the next statement takes it)
- POST /sandbox/finance/payments/{payment_id}/fail
                                   the bank refuses a payment still PROCESSING (FAILED, and a
                                   REVERSE withdrawal)
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import Route

from app.sandbox import refunds
from app.sandbox.admin import AdminError, _json, _sandbox, handled
from app.sandbox.api_finance import bank_account
from app.sandbox.finance import SETTLED_STATUSES, ShopBook
from app.sandbox.finance_model import ADJUSTMENT_TYPES, DAY
from app.sandbox.finance_wire import payment_row, statement_header, statement_transaction

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox


def _books(sandbox: Sandbox) -> list[tuple[Any, ShopBook]]:
    finance = sandbox.state.finance
    return [(s, finance.book(s.id, s.currency)) for s in sandbox.state.shops.values()]


async def ledger(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    now = sandbox.clock.now()
    statements, payments, unsettled = [], [], []
    for shop, book in _books(sandbox):
        for st in book.statements:
            statements.append(
                {
                    "shop_id": shop.id,
                    **statement_header(st),
                    "payment_id": st.payment_id,
                    "payment_status": book.payment_status(st, now),
                    "transactions": [
                        statement_transaction(t, st.currency) for t in st.transactions
                    ],
                }
            )
        payments += [payment_row(p, bank_account(book), now) for p in book.payments]
        unsettled += [o["id"] for o in book.unsettled_orders(shop.orders.values())]
    return {"statements": statements, "payments": payments, "unsettled": unsettled}


async def settle(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    ids = body.get("order_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise AdminError(400, 'give {"order_ids": ["<order id>", ...]}')
    now = sandbox.clock.now()
    for order_id in ids:
        found = sandbox.state.find_order(order_id)
        if found is None:
            raise AdminError(404, f"no order {order_id}")
        shop, order, _ = found
        book = sandbox.state.finance.book(shop.id, shop.currency)
        if order_id in book.settled:
            raise AdminError(409, f"order {order_id} is already in a statement")
        if order["status"] not in SETTLED_STATUSES:
            raise AdminError(
                409, f"order {order_id} is {order['status']}; only delivered orders settle"
            )
        if refunds.by_order(shop, now + 1).get(order_id, refunds.NONE).open:
            raise AdminError(409, f"order {order_id} has an open return or refund request")
        book.forced[order_id] = now
    return {"order_ids": ids, "statement_time": now // DAY * DAY + DAY}


async def next_statement(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    before = {s.id for _, book in _books(sandbox) for s in book.statements}
    now = sandbox.clock.now()
    sandbox.clock.advance(now // DAY * DAY + DAY + 1 - now)
    sandbox.tick()
    made = [s.id for _, book in _books(sandbox) for s in book.statements if s.id not in before]
    return {"now": sandbox.clock.now(), "statements": made}


async def add_adjustment(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    body = await _json(request)
    kind = body.get("type")
    if kind not in ADJUSTMENT_TYPES:
        raise AdminError(400, f"type must be one of {', '.join(ADJUSTMENT_TYPES)}")
    try:
        value = Decimal(str(body.get("amount")))
    except InvalidOperation:
        raise AdminError(400, 'amount must be a decimal string such as "-1.25"') from None
    if not value.is_finite() or value == 0:
        raise AdminError(400, "amount must be a non-zero decimal")
    order_id = str(body.get("order_id") or "")
    world = sandbox.state
    if order_id:
        found = world.find_order(order_id)
        if found is None:
            raise AdminError(404, f"no order {order_id}")
        shop_id = found[0].id
    else:
        shop_id = str(body.get("shop_id") or next(iter(world.shops)))
    shop = world.shops.get(shop_id)
    if shop is None:
        raise AdminError(404, f"no shop {shop_id}")
    now = sandbox.clock.now()
    adjustment = world.finance.book(shop.id, shop.currency).add_adjustment(
        str(kind), value, order_id, now
    )
    return {"adjustment_id": adjustment.id, "statement_time": now // DAY * DAY + DAY}


async def fail_payment(request: Request) -> dict[str, Any]:
    sandbox = _sandbox(request)
    payment_id = request.path_params["payment_id"]
    now = sandbox.clock.now()
    for _, book in _books(sandbox):
        payment = book.payment_by_id.get(payment_id)
        if payment is None:
            continue
        if payment.status(now) != "PROCESSING":
            raise AdminError(409, f"payment {payment_id} is {payment.status(now)}")
        payment.failed_at = now
        return payment_row(payment, bank_account(book), now)
    raise AdminError(404, f"no payment {payment_id}")


FINANCE_ROUTES = [
    Route("/sandbox/finance", handled(ledger), methods=["GET"]),
    Route("/sandbox/finance/settle", handled(settle), methods=["POST"]),
    Route("/sandbox/finance/next_statement", handled(next_statement), methods=["POST"]),
    Route("/sandbox/finance/adjustments", handled(add_adjustment), methods=["POST"]),
    Route("/sandbox/finance/payments/{payment_id}/fail", handled(fail_payment), methods=["POST"]),
]
