"""Money endpoints: price detail, statements, their transactions, unsettled estimates,
payments and withdrawals (FACTS.md 9.8). Only the 202501 transaction endpoints are used;
the 202309 ones are blocked (guides/changelog/supplementary-notice-on-api-deprecation-
finance-apis.md) and would raise VersionRetired.

Readers yield one page at a time so a caller can save its cursor after each page
(DESIGN.md 4): statements by `statement_time`, a statement's transactions, unsettled ones.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence, Sized
from contextlib import aclosing
from typing import Any, TypeVar

from pydantic import ValidationError

from app.tiktok.client import QueryValue, TikTokClient
from app.tiktok.errors import TikTokError
from app.tiktok.models.base import TikTokModel
from app.tiktok.models.finance import (
    OrderTransactions,
    Payment,
    PaymentPage,
    Statement,
    StatementPage,
    StatementTransactions,
    UnsettledPage,
    Withdrawal,
    WithdrawalPage,
)
from app.tiktok.models.insights import PriceDetail
from app.tiktok.money_errors import AnswerUnreadable, typed

PRICE_DETAIL = "/order/202407/orders/{order_id}/price_detail"
STATEMENTS = "/finance/202309/statements"
STATEMENT_TRANSACTIONS = "/finance/202501/statements/{statement_id}/statement_transactions"
ORDER_TRANSACTIONS = "/finance/202501/orders/{order_id}/statement_transactions"
UNSETTLED = "/finance/202507/orders/unsettled"
PAYMENTS = "/finance/202309/payments"
WITHDRAWALS = "/finance/202309/withdrawals"
MAX_PAGE = 100  # every finance list: valid range [1-100]
WITHDRAWAL_TYPES = ("WITHDRAW", "SETTLE", "TRANSFER", "REVERSE")

M = TypeVar("M", bound=TikTokModel)
P = TypeVar("P", bound=TikTokModel)


async def follow(
    fetch: Callable[[str], Awaitable[P]], rows: Callable[[P], Sized]
) -> AsyncGenerator[P, None]:
    """Page after page, following `next_page_token` until TikTok gives none (or no rows)."""
    token = ""
    while True:
        page = await fetch(token)
        yield page
        token = str(getattr(page, "next_page_token", "") or "")
        if not token or not len(rows(page)):
            return


def parse(model: type[M], data: Mapping[str, Any], api: str) -> M:
    """`model.from_api(data)`, or AnswerUnreadable when TikTok's data does not fit it."""
    try:
        return model.from_api(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise AnswerUnreadable(api, f"{where}: {first.get('msg', 'invalid')}") from None


def _check_page(page_size: int, sort_order: str) -> None:
    if not 1 <= page_size <= MAX_PAGE:
        raise ValueError(f"page_size must be 1..{MAX_PAGE}")
    if sort_order not in ("ASC", "DESC"):
        raise ValueError("sort_order must be ASC or DESC")


class FinanceApi:
    """Finance calls over one client (one app, one shop); every error typed."""

    def __init__(self, client: TikTokClient) -> None:
        self.client = client

    async def _get(
        self, api: str, path: str, query: Mapping[str, QueryValue] | None = None
    ) -> dict[str, Any]:
        try:
            return await self.client.call("GET", path, api=api, query=query)
        except TikTokError as exc:
            raise typed(exc) from None

    async def price_detail(self, order_id: str) -> PriceDetail:
        """The order's price taken apart: list price, discounts, shipping, tax, per line item."""
        path = PRICE_DETAIL.format(order_id=order_id)
        return parse(PriceDetail, await self._get(PRICE_DETAIL, path), PRICE_DETAIL)

    async def statements(
        self,
        *,
        statement_time_ge: int | None = None,
        statement_time_lt: int | None = None,
        payment_status: str | None = None,
        page_token: str = "",
        page_size: int = MAX_PAGE,
        sort_order: str = "ASC",
    ) -> StatementPage:
        """One page of daily statements generated in [ge, lt) (each at 00:00 UTC)."""
        _check_page(page_size, sort_order)
        data = await self._get(
            STATEMENTS,
            STATEMENTS,
            {
                "statement_time_ge": statement_time_ge,
                "statement_time_lt": statement_time_lt,
                "payment_status": payment_status,
                "page_size": page_size,
                "page_token": page_token or None,
                "sort_field": "statement_time",
                "sort_order": sort_order,
            },
        )
        return StatementPage(
            statements=[parse(Statement, s, STATEMENTS) for s in data.get("statements") or []],
            next_page_token=str(data.get("next_page_token") or ""),
        )

    async def iter_statements(
        self,
        *,
        statement_time_ge: int | None = None,
        statement_time_lt: int | None = None,
        payment_status: str | None = None,
        page_size: int = MAX_PAGE,
    ) -> AsyncGenerator[StatementPage, None]:
        """Every statement page oldest first; save `page.max_statement_time` after each page
        and resume with `statement_time_ge` = that + 1."""

        async def fetch(token: str) -> StatementPage:
            return await self.statements(
                statement_time_ge=statement_time_ge,
                statement_time_lt=statement_time_lt,
                payment_status=payment_status,
                page_token=token,
                page_size=page_size,
            )

        async with aclosing(follow(fetch, lambda p: p.statements)) as pages:
            async for page in pages:
                yield page

    async def statement_transactions(
        self,
        statement_id: str,
        *,
        page_token: str = "",
        page_size: int = MAX_PAGE,
        sort_order: str = "ASC",
    ) -> StatementTransactions:
        """The statement's totals and one page of its transactions (by order create time)."""
        _check_page(page_size, sort_order)
        path = STATEMENT_TRANSACTIONS.format(statement_id=statement_id)
        data = await self._get(
            STATEMENT_TRANSACTIONS,
            path,
            {
                "page_size": page_size,
                "page_token": page_token or None,
                "sort_field": "order_create_time",
                "sort_order": sort_order,
            },
        )
        return parse(StatementTransactions, data, STATEMENT_TRANSACTIONS)

    async def iter_statement_transactions(
        self, statement_id: str, *, page_size: int = MAX_PAGE
    ) -> AsyncGenerator[StatementTransactions, None]:
        """Every page of one statement's transactions."""

        async def fetch(token: str) -> StatementTransactions:
            return await self.statement_transactions(
                statement_id, page_token=token, page_size=page_size
            )

        async with aclosing(follow(fetch, lambda p: p.transactions)) as pages:
            async for page in pages:
                yield page

    async def order_transactions(self, order_id: str) -> OrderTransactions:
        """The order's SKU-level settlement across statements; `.settled` is False until then."""
        path = ORDER_TRANSACTIONS.format(order_id=order_id)
        return parse(
            OrderTransactions, await self._get(ORDER_TRANSACTIONS, path), ORDER_TRANSACTIONS
        )

    async def unsettled(
        self,
        *,
        search_time_ge: int | None = None,
        search_time_lt: int | None = None,
        page_token: str = "",
        page_size: int = MAX_PAGE,
        sort_order: str = "ASC",
    ) -> UnsettledPage:
        """One page of TikTok's estimates for orders and adjustments not settled yet."""
        _check_page(page_size, sort_order)
        data = await self._get(
            UNSETTLED,
            UNSETTLED,
            {
                "search_time_ge": search_time_ge,
                "search_time_lt": search_time_lt,
                "page_size": page_size,
                "page_token": page_token or None,
                "sort_field": "order_create_time",
                "sort_order": sort_order,
            },
        )
        return parse(UnsettledPage, data, UNSETTLED)

    async def iter_unsettled(
        self,
        *,
        search_time_ge: int | None = None,
        search_time_lt: int | None = None,
        page_size: int = MAX_PAGE,
    ) -> AsyncGenerator[UnsettledPage, None]:
        """Every unsettled page, oldest order first."""

        async def fetch(token: str) -> UnsettledPage:
            return await self.unsettled(
                search_time_ge=search_time_ge,
                search_time_lt=search_time_lt,
                page_token=token,
                page_size=page_size,
            )

        async with aclosing(follow(fetch, lambda p: p.transactions)) as pages:
            async for page in pages:
                yield page

    async def payments(
        self,
        *,
        create_time_ge: int | None = None,
        create_time_lt: int | None = None,
        page_token: str = "",
        page_size: int = MAX_PAGE,
        sort_order: str = "ASC",
    ) -> PaymentPage:
        """One page of payments to the seller's bank (not available to SEA markets)."""
        _check_page(page_size, sort_order)
        data = await self._get(
            PAYMENTS,
            PAYMENTS,
            {
                "create_time_ge": create_time_ge,
                "create_time_lt": create_time_lt,
                "page_size": page_size,
                "page_token": page_token or None,
                "sort_field": "create_time",
                "sort_order": sort_order,
            },
        )
        return PaymentPage(
            payments=[parse(Payment, p, PAYMENTS) for p in data.get("payments") or []],
            next_page_token=str(data.get("next_page_token") or ""),
        )

    async def iter_payments(
        self, *, create_time_ge: int | None = None, create_time_lt: int | None = None
    ) -> AsyncGenerator[PaymentPage, None]:
        """Every payment page, oldest first."""

        async def fetch(token: str) -> PaymentPage:
            return await self.payments(
                create_time_ge=create_time_ge, create_time_lt=create_time_lt, page_token=token
            )

        async with aclosing(follow(fetch, lambda p: p.payments)) as pages:
            async for page in pages:
                yield page

    async def withdrawals(
        self,
        *,
        types: Sequence[str] = WITHDRAWAL_TYPES,
        create_time_ge: int | None = None,
        create_time_lt: int | None = None,
        page_token: str = "",
        page_size: int = MAX_PAGE,
    ) -> WithdrawalPage:
        """One page of withdrawal records of the given types (`types` is required)."""
        _check_page(page_size, "ASC")
        if not types or any(t not in WITHDRAWAL_TYPES for t in types):
            raise ValueError(f"types must be among {', '.join(WITHDRAWAL_TYPES)}")
        data = await self._get(
            WITHDRAWALS,
            WITHDRAWALS,
            {
                "types": list(types),
                "create_time_ge": create_time_ge,
                "create_time_lt": create_time_lt,
                "page_size": page_size,
                "page_token": page_token or None,
            },
        )
        return WithdrawalPage(
            withdrawals=[parse(Withdrawal, w, WITHDRAWALS) for w in data.get("withdrawals") or []],
            next_page_token=str(data.get("next_page_token") or ""),
            total_count=int(data.get("total_count") or 0),
        )

    async def iter_withdrawals(
        self,
        *,
        types: Sequence[str] = WITHDRAWAL_TYPES,
        create_time_ge: int | None = None,
        create_time_lt: int | None = None,
    ) -> AsyncGenerator[WithdrawalPage, None]:
        """Every withdrawal page of the given types."""

        async def fetch(token: str) -> WithdrawalPage:
            return await self.withdrawals(
                types=types,
                create_time_ge=create_time_ge,
                create_time_lt=create_time_lt,
                page_token=token,
            )

        async with aclosing(follow(fetch, lambda p: p.withdrawals)) as pages:
            async for page in pages:
                yield page
