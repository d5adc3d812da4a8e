"""Fulfilment in the engine: send queued writes soon, keep cancellation requests current."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from app.store.fulfillment import fetch_next_write_due
from app.sync.fulfillment import Fulfiller, WritesResult
from app.sync.loops import Loops
from app.sync.outlet import SILENT, Notice, Outlet
from app.sync.session import ShopSession
from app.tiktok.budget import Priority
from app.tiktok.budget import priority as budget_priority
from app.tiktok.errors import ReconnectNeeded, ShopdeskError

log = logging.getLogger(__name__)

WRITES_EVERY = 30.0  # retries of failed writes
CANCELLATIONS_EVERY = 300.0  # the requests list, besides cancellation webhooks
DEBOUNCE = 0.5
#: The Notice kind for a shipment TikTok took with a warning about its tracking number.
TRACKING_WARNING = "tracking_warning"


class FulfillmentService:
    """Owns the fulfilment loops of one shop session."""

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
        writes_every: float = WRITES_EVERY,
        cancellations_every: float = CANCELLATIONS_EVERY,
    ) -> None:
        self.loops = Loops()
        self.fulfiller = Fulfiller(session, clock=clock, outlet=outlet)
        self.session = session
        self._clock = clock
        self.outlet = outlet
        self.writes_every = writes_every
        self.cancellations_every = cancellations_every
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._cancellations_dirty = False

    async def start(self) -> None:
        """Send anything queued before (a crash, a restart) and keep requests current."""
        self.loops.every(
            "writes", lambda: self.writes_every, self._send_due, wake=self._wake, wait_first=True
        )
        self.loops.every("cancellations", lambda: self.cancellations_every, self._cancellations)
        self._wake.set()

    async def stop(self) -> None:
        """End the loops and any follow-up still running."""
        await self.loops.stop()

    def request_send(self) -> None:
        """A write was queued: send it now-ish."""
        self.loops.after(DEBOUNCE, self._woken)

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

    async def _woken(self) -> None:
        self._wake.set()

    async def _refresh_cancellations(self) -> None:
        self._cancellations_dirty = False
        await self._cancellations()

    async def _send_due(self) -> None:
        due = fetch_next_write_due(self.session.db)
        if due is not None and due <= self._clock():
            await self._guard("writes", self.send_now())

    async def _cancellations(self) -> None:
        await self._guard("cancellations", self.fulfiller.sync_cancellations())

    async def _guard(self, kind: str, work: Awaitable[object]) -> None:
        await guarded(self.outlet, kind, work)


async def guarded(outlet: Outlet, kind: str, work: Awaitable[object]) -> None:
    """Run a loop's work; a failure becomes an error row of `kind` (a lost authorization is
    shown by the engine already)."""
    try:
        await work
    except ReconnectNeeded:
        pass
    except ShopdeskError as exc:
        outlet.failed(kind, str(exc))
