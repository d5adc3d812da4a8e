"""Stock in the engine: catalogue cadence, the push loop, and warnings after every change."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable

from app.changes import ANY, ANY_ROW, Changes
from app.config import Settings
from app.loops import Loops
from app.store.activity import save_error, save_error_resolved
from app.store.outbox import fetch_next_due
from app.store.stock_levels import StockWarning
from app.sync.catalog import CatalogResult, sync_catalog, sync_unknown_skus
from app.sync.outlet import SILENT, Outlet
from app.sync.pusher import ERROR_KIND as PUSH_ERROR
from app.sync.pusher import PushResult, push_pending, requeue_overpushed
from app.sync.session import ShopSession
from app.sync.stock import StockWatch, stock_defaults
from app.tiktok.budget import Priority
from app.tiktok.budget import priority as budget_priority
from app.tiktok.errors import ReconnectNeeded, ShopdeskError

log = logging.getLogger(__name__)

CATALOG_EVERY = 300.0  # changed products, by update time
FULL_CATALOG_EVERY = 3600.0  # every product: TikTok's quantities, deleted products
PUSH_EVERY = 30.0  # retries and automatic at-risk pushes
EDIT_DEBOUNCE = 1.0  # edits within a second go out in one push
#: While an import saves a page every few tens of ms, its catch-ups (unknown SKUs) start at
#: least this far apart; the warnings, which count every open order's units (the engine's
#: largest cost during an import of 100,000 orders), wait for the import's end.
IMPORT_SPACING = 5.0


class StockService:
    """Owns the stock work of one shop session; the engine starts and stops it."""

    def __init__(
        self,
        session: ShopSession,
        settings: Settings,
        *,
        pull: Callable[[], Awaitable[object]],
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
        catalog_every: float = CATALOG_EVERY,
        full_catalog_every: float = FULL_CATALOG_EVERY,
        push_every: float = PUSH_EVERY,
    ) -> None:
        self.loops = Loops()
        self.session = session
        self.settings = settings
        self._pull = pull
        self._clock = clock
        self.outlet = outlet
        self.watch = StockWatch(stock_defaults(settings), outlet=outlet)
        self.catalog_every = catalog_every
        self.full_catalog_every = full_catalog_every
        self.push_every = push_every
        self._push_wake = asyncio.Event()
        self._push_lock = asyncio.Lock()
        self._orders_dirty = False
        #: SKUs named by the orders saved since the last catch-up (None: any line item).
        self._order_skus: set[str] | None = set()
        self._caught_up_at = -IMPORT_SPACING  # monotonic time the last catch-up began
        self._importing = False  # an import runs: the warnings are checked when it ends
        self._check_after_import = False
        self._last_full = 0.0  # monotonic time of the last full catalogue read

    async def start(self) -> None:
        """Begin the catalogue cadence (a full read first) and the push loop."""
        self.loops.every("catalog", lambda: self.catalog_every, self._catalog_pass)
        self.loops.every(
            "stock-push",
            lambda: self.push_every,
            self._push_due,
            wake=self._push_wake,
            wait_first=True,
        )
        self._push_wake.set()  # a push a crash left in flight is checked at once

    async def stop(self) -> None:
        """End the loops and any follow-up still running."""
        await self.loops.stop()

    # --- triggers from the engine ----------------------------------------------------------

    def request_push(self) -> None:
        """An edit was saved: push soon, after a short pause that gathers the next edits."""
        self.loops.after(EDIT_DEBOUNCE, self._woken)

    def orders_changed(self, skus: Iterable[str] = (ANY,), *, importing: bool = False) -> None:
        """Orders moved: fetch SKUs the catalogue lacks and recheck the warnings.

        `skus`: the SKUs the saved orders name (`ANY`: unknown, every line item is looked
        at). A page-by-page import (`importing`) calls this often; one catch-up at a time is
        enough, and the next one starts after it (a flag, not a queue), looking at the SKUs
        gathered.
        """
        if self._order_skus is not None:
            named = set(skus)
            self._order_skus = None if ANY in named else self._order_skus | named
        self._importing = importing
        if self._orders_dirty:
            return
        self._orders_dirty = True
        delay = EDIT_DEBOUNCE
        if importing:
            delay = max(delay, self._caught_up_at + IMPORT_SPACING - time.monotonic())
        self.loops.after(delay, self._after_orders)

    def import_ended(self) -> None:
        """The import is over: the warnings it held back are checked now (once)."""
        self._importing = False
        if self._check_after_import and not self._orders_dirty:
            self._orders_dirty = True
            self.loops.after(EDIT_DEBOUNCE, self._after_orders)

    async def refresh_products(self, product_ids: list[str]) -> None:
        """Product webhooks: re-read just those products, then recheck the warnings."""
        await sync_catalog(self.session, product_ids=product_ids, clock=self._clock)
        self.outlet.changed(Changes.of(skus=[ANY]))
        await self.check()

    async def push_now(self) -> PushResult:
        """Push everything due now (the GUI's "Push now", `shopdesk stock push`)."""
        db = self.session.db
        # The creator's edits go first within an hourly budget (reads they need too).
        async with self._push_lock:
            try:
                with budget_priority(Priority.WRITE):
                    result = await push_pending(
                        self.session,
                        clock=self._clock,
                        pull=self._pull,
                        defaults=stock_defaults(self.settings),
                    )
            except ShopdeskError as exc:
                self.outlet.changed(Changes.of(skus=[ANY], outbox=[ANY_ROW], errors=[PUSH_ERROR]))
                if not isinstance(exc, ReconnectNeeded):  # the shop's own state says that
                    save_error(
                        db,
                        PUSH_ERROR,
                        f"Stock could not be pushed: {exc}",
                        action="Shopdesk tries again by itself; nothing waiting is lost.",
                        shop_id=self.session.shop.id,
                        now=int(self._clock()),
                    )
                raise
            save_error_resolved(db, PUSH_ERROR, now=int(self._clock()))
        self.outlet.changed(_pushed(result))
        await self.check()
        return result

    async def check(self) -> list[StockWarning]:
        """Raise warnings that are new since the last check; re-push what our push over-lists."""
        fresh = await self.watch.check(self.session, clock=self._clock)
        again = requeue_overpushed(
            self.session, self.watch.at_risk, stock_defaults(self.settings), int(self._clock())
        )
        if again:
            log.info("%d SKU(s) sold while their push was on the wire: pushing again", again)
            self.outlet.changed(Changes.of(skus=[ANY], outbox=[ANY_ROW]))
            self.request_push()
        return fresh

    # --- loops ---------------------------------------------------------------------------

    async def _woken(self) -> None:
        self._push_wake.set()

    async def _after_orders(self) -> None:
        self._orders_dirty = False
        self._caught_up_at = time.monotonic()
        named, self._order_skus = self._order_skus, set()
        try:
            found = CatalogResult()
            if named is None or named:
                found = await sync_unknown_skus(self.session, clock=self._clock, sku_ids=named)
            if found.skus:
                self.outlet.changed(Changes.of(skus=[ANY]))
            self._check_after_import = self._importing
            if not self._importing:
                await self.check()
        except ShopdeskError as exc:
            self._order_skus = None  # the next catch-up looks at every line item
            self._report("catalog", str(exc))

    async def _catalog_pass(self) -> None:
        full = time.monotonic() - self._last_full >= self.full_catalog_every
        try:
            result: CatalogResult = await sync_catalog(self.session, full=full, clock=self._clock)
            if full:
                self._last_full = time.monotonic()
            log.debug("catalogue synced: %s", result)
            self.outlet.changed(Changes.of(skus=[ANY], errors=["catalog"]))
            await self.check()
        except ReconnectNeeded:
            pass  # the engine already shows "reconnect needed"
        except ShopdeskError as exc:
            self._report("catalog", str(exc))

    async def _push_due(self) -> None:
        due = fetch_next_due(self.session.db)
        ready = due is not None and due <= self._clock()
        if not ready and not self.settings.auto_push_at_risk:
            return
        try:
            await self.push_now()
        except ReconnectNeeded:
            pass
        except ShopdeskError as exc:
            self._report("stock_push", str(exc))

    def _report(self, kind: str, message: str) -> None:
        self.outlet.failed(kind, message)  # the engine logs and shows it


def _pushed(result: PushResult) -> Changes:
    """A push moved SKUs' push state and outbox rows (their ids are not in the result)."""
    skus = [o.sku_id for o in (*result.pushed, *result.failed)]
    return Changes.of(skus=skus, outbox=[ANY_ROW], errors=[PUSH_ERROR])
