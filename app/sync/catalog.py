"""Catalogue sync: products changed since the cursor (search, paged), details where new SKUs
appear, warehouses, first stock counts for new SKUs, and SKUs that only orders know about."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from app.store.activity import (
    FAILED,
    OK,
    RunCounts,
    save_error,
    save_error_resolved,
    save_run_finished,
    save_run_started,
)
from app.store.catalog import (
    CatalogChange,
    fetch_listed_product_ids,
    fetch_product_skus,
    fetch_unknown_line_item_skus,
    fetch_warehouse_ids,
    save_product_not_found,
    save_products,
    save_skus_from_line_items,
    save_warehouses,
)
from app.store.cursors import fetch_cursor, save_cursor
from app.store.outbox import save_retry_products
from app.store.stock import save_first_counts, save_tiktok_observed
from app.store.stock_levels import fetch_committed, fetch_uncounted
from app.sync.session import ShopSession
from app.tiktok.errors import ShopdeskError, TikTokError
from app.tiktok.models import Product

#: Webhook types that say a product changed (FACTS.md 7.4): status, information, creation,
#: inventory status, audit status. Each carries `data.product_id`.
PRODUCT_EVENT_TYPES = frozenset({5, 15, 16, 27, 37})
PRODUCTS_UPDATE_TIME = "products.update_time"
#: Re-read this much before the cursor, as order polling does.
DEFAULT_OVERLAP = 120
#: Get Product codes meaning "no such product here" (get-product, update-inventory specs).
NOT_FOUND_CODES = frozenset({12052032, 12052260, 12052048, 12019008})
DETAIL_CONCURRENCY = 8


@dataclass
class CatalogResult:
    """What one catalogue sync did."""

    products: int = 0
    skus: int = 0
    new_skus: list[str] = field(default_factory=list)
    activated: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    details: int = 0
    pages: int = 0
    api_calls: int = 0
    seconds: float = 0.0

    def add(self, change: CatalogChange) -> None:
        """Count one saved batch."""
        self.products += change.products
        self.skus += change.skus
        self.new_skus.extend(change.new_skus)
        self.activated.extend(change.activated)


async def _details(
    session: ShopSession, product_ids: Sequence[str]
) -> tuple[list[Product], list[str]]:
    """Get Product for each id, a few at a time; ids TikTok does not know come back apart."""
    gate = asyncio.Semaphore(DETAIL_CONCURRENCY)

    async def one(product_id: str) -> Product | str:
        async with gate:
            try:
                return await session.api.product(product_id)
            except TikTokError as exc:
                if exc.code in NOT_FOUND_CODES:
                    return product_id
                raise

    found: list[Product] = []
    missing: list[str] = []
    for outcome in await asyncio.gather(*(one(p) for p in dict.fromkeys(product_ids))):
        if isinstance(outcome, str):
            missing.append(outcome)
        else:
            found.append(outcome)
    return found, missing


async def _refresh_warehouses(session: ShopSession, products: Sequence[Product], now: int) -> None:
    """Fetch the warehouse list when a product names one we do not know yet."""
    known = fetch_warehouse_ids(session.db)
    named = {i.warehouse_id for p in products for s in p.skus for i in s.inventory}
    if not known or not named <= known:
        save_warehouses(session.db, await session.api.warehouses(), now=now)


async def _first_counts(session: ShopSession, change: CatalogChange) -> dict[str, tuple[int, int]]:
    """TikTok's available and committed units of new SKUs, read together from inventory search."""
    if not change.new_skus:
        return {}
    levels = await session.api.inventory(sku_ids=change.new_skus)
    seen = {s.id: s for level in levels for s in level.skus}
    ours = fetch_committed(session.db)
    counts: dict[str, tuple[int, int]] = {}
    for sku_id in change.new_skus:
        found = seen.get(sku_id)
        if found is not None:
            counts[sku_id] = (found.total_available_quantity, found.total_committed_quantity)
        else:
            listed = sum(change.observed.get(sku_id, {}).values())
            counts[sku_id] = (listed, ours.get(sku_id, 0))
    return counts


async def _save_batch(
    session: ShopSession,
    products: Sequence[Product],
    *,
    detailed: bool,
    clock: Callable[[], float],
    result: CatalogResult,
    cursor: int | None = None,
) -> None:
    """Save products with their first counts, observations and cursor in one transaction."""
    db, shop_id = session.db, session.shop.id
    seen_at = int(clock())  # after the answer arrived: later orders may not be in it
    await _refresh_warehouses(session, products, seen_at)
    fresh = fetch_uncounted(db, [s.id for p in products for s in p.skus])
    counts: dict[str, tuple[int, int]] = {}
    counted_at = int(clock())  # before TikTok's counts are read: a unit shipped since goes off
    if fresh:
        probe = CatalogChange(new_skus=fresh, observed={})
        for p in products:
            for s in p.skus:
                probe.observed[s.id] = {i.warehouse_id: i.quantity for i in s.inventory}
        counts = await _first_counts(session, probe)
    now = int(clock())
    with db.atomic():
        change = save_products(db, shop_id, products, now=now, detailed=detailed)
        save_first_counts(db, counts, now=counted_at)
        save_tiktok_observed(db, change.observed, seen_at=seen_at)
        if change.activated:
            save_retry_products(db, change.activated, now=now)
        if cursor is not None:
            save_cursor(db, shop_id, PRODUCTS_UPDATE_TIME, cursor, now=now)
    result.add(change)


async def _search_pages(
    session: ShopSession,
    *,
    full: bool,
    overlap: int,
    clock: Callable[[], float],
    result: CatalogResult,
) -> None:
    """Products changed since the cursor, page by page; each page commits with the cursor."""
    db, shop_id = session.db, session.shop.id
    cursor = None if full else fetch_cursor(db, shop_id, PRODUCTS_UPDATE_TIME)
    since = None if cursor is None else max(0, cursor - overlap)
    newest = cursor or 0
    token = ""
    seen: set[str] = set()
    while True:
        page = await session.api.search_products(page_token=token, update_time_ge=since)
        result.pages += 1
        seen.update(p.id for p in page.products)
        known = fetch_product_skus(db, [p.id for p in page.products])
        need = [
            p.id
            for p in page.products
            if p.id not in known or any(s.id not in known[p.id] for s in p.skus)
        ]
        detailed, missing = await _details(session, need) if need else ([], [])
        result.details += len(need)
        by_id = {p.id: p for p in detailed}
        plain = [p for p in page.products if p.id not in by_id and p.id not in missing]
        for product_id in missing:
            save_product_not_found(db, product_id, now=int(clock()))
        newest = max([newest, *(p.update_time for p in page.products)])
        await _save_batch(session, detailed, detailed=True, clock=clock, result=result)
        await _save_batch(
            session, plain, detailed=False, clock=clock, result=result, cursor=newest or None
        )
        if not page.next_page_token or not page.products:
            break
        token = page.next_page_token
    if since is None:
        # A full read lists every product but deleted ones: ask about those we miss.
        gone = [p for p in fetch_listed_product_ids(db) if p not in seen]
        if gone:
            await _by_id(session, gone, clock=clock, result=result)


async def _by_id(
    session: ShopSession,
    product_ids: Sequence[str],
    *,
    clock: Callable[[], float],
    result: CatalogResult,
) -> list[Product]:
    products, missing = await _details(session, product_ids)
    result.details += len(product_ids)
    for product_id in missing:
        save_product_not_found(session.db, product_id, now=int(clock()))
    result.not_found.extend(missing)
    await _save_batch(session, products, detailed=True, clock=clock, result=result)
    return products


async def sync_unknown_skus(
    session: ShopSession,
    *,
    clock: Callable[[], float] = time.time,
    result: CatalogResult | None = None,
    sku_ids: Collection[str] | None = None,
) -> CatalogResult:
    """Line items naming SKUs the catalogue lacks: fetch their products; keep the rest as
    SKUs known only from orders, so no line item is ever dropped. `sku_ids`: only line items
    naming these (the orders just saved); None looks at every line item."""
    result = result if result is not None else CatalogResult()
    unknown = fetch_unknown_line_item_skus(session.db, sku_ids)
    if not unknown:
        return result
    product_ids = [p for p in unknown if p]
    if product_ids:
        await _by_id(session, product_ids, clock=clock, result=result)
    leftover = fetch_unknown_line_item_skus(session.db, sku_ids)
    with session.db.atomic():
        save_skus_from_line_items(
            session.db, [s for skus in leftover.values() for s in skus], now=int(clock())
        )
    return result


async def observe_listed(
    session: ShopSession, sku_ids: Sequence[str], *, clock: Callable[[], float] = time.time
) -> int:
    """Read what TikTok lists for these SKUs now (inventory search, 600 a call) and keep it."""
    if not sku_ids:
        return 0
    levels = await session.api.inventory(sku_ids=list(dict.fromkeys(sku_ids)))
    seen_at = int(clock())  # after the answer: anything later is not in it
    observed = {
        s.id: {w.warehouse_id: w.available_quantity for w in s.warehouse_inventory}
        for level in levels
        for s in level.skus
    }
    with session.db.atomic():
        save_tiktok_observed(session.db, observed, seen_at=seen_at)
    return len(observed)


async def sync_catalog(
    session: ShopSession,
    *,
    product_ids: Sequence[str] | None = None,
    full: bool = False,
    overlap: int = DEFAULT_OVERLAP,
    clock: Callable[[], float] = time.time,
) -> CatalogResult:
    """Bring the catalogue up to date: changed products (or just `product_ids`), then SKUs
    that orders name but the catalogue lacks. Records a `catalog` run and, on failure, an error.
    """
    db, shop_id = session.db, session.shop.id
    began = time.perf_counter()
    calls0 = session.stats.calls
    run_id = save_run_started(db, shop_id, "catalog", now=int(clock()))
    result = CatalogResult()
    try:
        if product_ids is not None:
            await _by_id(session, product_ids, clock=clock, result=result)
        else:
            if full or not fetch_warehouse_ids(db):
                save_warehouses(db, await session.api.warehouses(), now=int(clock()))
            await _search_pages(session, full=full, overlap=overlap, clock=clock, result=result)
        await sync_unknown_skus(session, clock=clock, result=result)
    except ShopdeskError as exc:
        counts = RunCounts(fetched=result.products, api_calls=session.stats.calls - calls0)
        save_run_finished(db, run_id, FAILED, counts, now=int(clock()), error=str(exc))
        save_error(
            db,
            "catalog",
            f"Product sync failed: {exc}",
            action="Shopdesk retries by itself; check the connection if this stays.",
            shop_id=shop_id,
            now=int(clock()),
        )
        raise
    result.api_calls = session.stats.calls - calls0
    result.seconds = round(time.perf_counter() - began, 3)
    counts = RunCounts(
        fetched=result.products,
        created=len(result.new_skus),
        pages=result.pages,
        api_calls=result.api_calls,
        throttled=0,
    )
    with db.atomic():
        save_run_finished(db, run_id, OK, counts, now=int(clock()))
        save_error_resolved(db, "catalog", now=int(clock()))
    return result
