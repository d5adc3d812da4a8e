"""Reading the money in: statements daily, each statement's lines once, TikTok's estimates for
orders not settled yet, and (when asked) per-SKU settlement of orders with more than one SKU.

A month of 30,000 orders costs one statements call (30 statements fit a page of 100), one call
per 100 lines of each new statement and the unsettled pages; TikTok's per-SKU split of an order
(one call per order) is read only when asked for.
Everything runs at catalogue priority, so within an hourly budget the creator's writes and the
order poll always go first (app/tiktok/budget.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from app.changes import ANY, Changes
from app.store import money as store
from app.store.activity import save_error, save_error_resolved
from app.store.profit_cache import packaging_changed, refresh_profits
from app.sync.session import ShopSession
from app.tiktok.budget import Priority
from app.tiktok.budget import priority as budget_priority
from app.tiktok.errors import ReconnectNeeded, ShopdeskError
from app.tiktok.finance import FinanceApi

ERROR_KIND = "money"
DAY = 86400
#: Statements of the last two weeks are read again: their payment status moves (PROCESSING
#: to PAID or FAILED) after they are made.
REFRESH_DAYS = 14
#: Statements (and windows of estimates) read side by side: the client's rate limit paces them.
PARALLEL = 8
#: Orders placed in the last this many days are where the unsettled ones are.
ESTIMATE_DAYS = 120


@dataclass
class MoneyResult:
    """What one read brought in, and what it cost."""

    api_calls: int = 0
    statements: int = 0
    statement_pages: int = 0
    lines: int = 0
    estimates: int = 0
    sku_details: int = 0
    read_statements: list[str] = field(default_factory=list)
    error: str = ""
    profits: int = 0
    profit_seconds: float = 0.0
    changes: Changes = field(default_factory=Changes)


async def read_statements(
    session: ShopSession, api: FinanceApi, result: MoneyResult, *, now: int
) -> set[str]:
    """New statements and the recent ones' payment status; returns the ids that changed."""
    db, shop_id = session.db, session.shop.id
    cursor = store.fetch_statement_cursor(db, shop_id)
    since = None if cursor is None else max(0, cursor - REFRESH_DAYS * DAY)
    changed: set[str] = set()
    async for page in api.iter_statements(statement_time_ge=since):
        result.api_calls += 1
        result.statement_pages += 1
        result.statements += len(page.statements)
        changed |= set(store.save_statements(db, shop_id, page.statements, now=now))
    return changed


async def read_statement_lines(
    session: ShopSession, api: FinanceApi, result: MoneyResult
) -> set[str]:
    """Every line of each statement not read yet; returns the order ids they settled."""
    db = session.db
    settled: set[str] = set()
    gate = asyncio.Semaphore(PARALLEL)

    async def one(statement_id: str, statement_time: int) -> None:
        async with gate:
            result.read_statements.append(statement_id)
            async for page in api.iter_statement_transactions(statement_id):
                result.api_calls += 1
                result.lines += len(page.transactions)
                last = not page.next_page_token or not page.transactions
                settled.update(
                    store.save_statement_lines(
                        db,
                        statement_id,
                        statement_time,
                        page.currency,
                        page.transactions,
                        last_page=last,
                    )
                )

    await asyncio.gather(*(one(s, t) for s, t in store.fetch_unread_statements(db)))
    return settled


def estimate_windows(now: int) -> list[tuple[int | None, int | None]]:
    """Order-time windows walked side by side: older orders in one, the last weeks (where
    unsettled orders are) in equal parts, the newest open-ended (TikTok's clock ends it)."""
    start = now - ESTIMATE_DAYS * DAY
    step = ESTIMATE_DAYS * DAY // PARALLEL
    edges = [start + n * step for n in range(PARALLEL)]
    windows: list[tuple[int | None, int | None]] = [(None, start)]
    windows += list(pairwise(edges))
    windows.append((edges[-1], None))
    return windows


async def read_estimates(
    session: ShopSession, api: FinanceApi, result: MoneyResult, *, now: int
) -> set[str]:
    """TikTok's own estimate for every order not settled yet."""
    found: set[str] = set()

    async def window(ge: int | None, lt: int | None) -> None:
        async for page in api.iter_unsettled(search_time_ge=ge, search_time_lt=lt):
            result.api_calls += 1
            found.update(store.save_estimates(session.db, page.transactions, now=now))

    await asyncio.gather(*(window(ge, lt) for ge, lt in estimate_windows(now)))
    result.estimates += len(found)
    return found


async def read_sku_detail(
    session: ShopSession, api: FinanceApi, result: MoneyResult, order_ids: set[str]
) -> None:
    """Per-SKU settlement for the settled orders that hold more than one SKU."""
    for order_id in store.fetch_orders_needing_sku_detail(session.db, sorted(order_ids)):
        detail = await api.order_transactions(order_id)
        result.api_calls += 1
        if detail.settled:
            store.save_order_skus(session.db, order_id, detail.currency, detail.sku_transactions)
            result.sku_details += 1


def update_profits(session: ShopSession, order_ids: set[str]) -> int:
    """Recompute the profit of the orders whose money moved (every order when the packaging
    cost setting changed since the last computation)."""
    packaging = session.settings.packaging_cost_per_order
    if packaging_changed(session.db, packaging):
        return refresh_profits(session.db, None, packaging=packaging)
    return refresh_profits(session.db, order_ids, packaging=packaging) if order_ids else 0


async def read_money(
    session: ShopSession,
    *,
    estimates: bool = True,
    sku_detail: bool = False,
    clock: Callable[[], float] = time.time,
) -> MoneyResult:
    """One read of everything new; `estimates=False` skips the unsettled pages. TikTok's
    per-SKU split costs a call per multi-SKU order (thousands a month), so only
    `sku_detail=True` reads it; without it an order is split by its SKUs' sale prices. A refusal
    becomes a row of the errors tab (what was saved before it stays); losing the
    authorization is raised."""
    api = FinanceApi(session.client)
    result = MoneyResult()
    now = int(clock())
    statements: set[str] = set()
    settled: set[str] = set()
    estimated: set[str] = set()
    try:
        with budget_priority(Priority.CATALOG):
            statements = await read_statements(session, api, result, now=now)
            settled = await read_statement_lines(session, api, result)
            if estimates:
                estimated = await read_estimates(session, api, result, now=now)
            if sku_detail:
                await read_sku_detail(session, api, result, settled)
    except ReconnectNeeded:
        raise
    except ShopdeskError as exc:
        result.error = str(exc)
        save_error(
            session.db,
            ERROR_KIND,
            f"Statements and payouts could not be read: {exc}",
            action="Shopdesk tries again by itself; what was read is kept.",
            shop_id=session.shop.id,
            now=now,
        )
    else:
        save_error_resolved(session.db, ERROR_KIND, now=now)
    began = time.perf_counter()
    result.profits = update_profits(session, settled | estimated)
    result.profit_seconds = time.perf_counter() - began
    touched = statements | set(result.read_statements) | ({ANY} if estimated else set())
    result.changes = Changes.of(statements=touched, errors=[ERROR_KIND])
    return result
