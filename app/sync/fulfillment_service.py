"""Fulfilment in the engine: send queued writes soon, keep cancellation requests current."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from app.store.fulfillment import fetch_next_write_due
from app.sync.engine_status import TRACKING_WARNING
from app.sync.fulfillment import Fulfiller, WritesResult
from app.sync.outlet import SILENT, Notice, Outlet
from app.sync.session import ShopSession
from app.sync.session_service import DEBOUNCE, SendingService
from app.tiktok.budget import Priority
from app.tiktok.budget import priority as budget_priority

log = logging.getLogger(__name__)

WRITES_EVERY = 30.0  # retries of failed writes
CANCELLATIONS_EVERY = 300.0  # the requests list, besides cancellation webhooks
#: The Notice kind for a shipment TikTok took with a warning about its tracking number.


class FulfillmentService(SendingService):
    """Owns the fulfilment loops of one shop session."""

    SENDS = "writes"

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
        writes_every: float = WRITES_EVERY,
        cancellations_every: float = CANCELLATIONS_EVERY,
    ) -> None:
        super().__init__(session, clock=clock, outlet=outlet)
        self.fulfiller = Fulfiller(session, clock=clock, outlet=outlet)
        self.writes_every = writes_every
        self.cancellations_every = cancellations_every
        self._cancellations_dirty = False

    async def start(self) -> None:
        """Send anything queued before (a crash, a restart) and keep requests current."""
        self._start_sending(lambda: self.writes_every)
        self.loops.every("cancellations", lambda: self.cancellations_every, self._cancellations)

    def orders_changed(self) -> None:
        """Orders moved (maybe a cancellation webhook): refresh the requests once, soon."""
        if not self._cancellations_dirty:
            self._cancellations_dirty = True
            self.loops.after(DEBOUNCE, self._refresh_cancellations)

    async def send_now(self) -> WritesResult:
        """Send every due write and report each outcome."""
        # Shipping and answers go first within an hourly budget (reads they need too).
        async with self._lock:
            with budget_priority(Priority.WRITE):
                result = await self.fulfiller.push_writes()
        for shipped in result.warnings:  # what hurts the Valid Tracking Rate: say it now
            self.outlet.notify(
                Notice(
                    TRACKING_WARNING,
                    f"Order {shipped.ref} shipped, but TikTok Shop warns: "
                    f"{shipped.result['warning']}",
                    ref=shipped.ref,
                )
            )
        return result

    async def _refresh_cancellations(self) -> None:
        self._cancellations_dirty = False
        await self._cancellations()

    def _next_due(self) -> int | None:
        return fetch_next_write_due(self.session.db)

    async def _cancellations(self) -> None:
        await self._guard("cancellations", self.fulfiller.sync_cancellations())
