"""What the engine's services of one shop session share: their loops, clock and outlet.

A sending service also owns one send loop: woken at once when a write is queued (after a
short pause that gathers a burst), else run when the next retry falls due; one pass at a time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from functools import cached_property

from app.loops import Loops
from app.sync.outlet import SILENT, Outlet
from app.sync.session import ShopSession
from app.tiktok.errors import ReconnectNeeded, ShopdeskError

#: A queued write is sent this long after `request_send` (a burst of them goes at once).
DEBOUNCE = 0.5


async def guarded(outlet: Outlet, kind: str, work: Awaitable[object]) -> None:
    """Run a loop's work; a failure becomes an error row of `kind` (a lost authorization is
    shown by the engine already)."""
    try:
        await work
    except ReconnectNeeded:
        pass
    except ShopdeskError as exc:
        outlet.failed(kind, str(exc))


class SessionPart:
    """Works for one shop session: its clock (pinned in tests) and the outlet that hears it."""

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
    ) -> None:
        self.session, self._clock, self.outlet = session, clock, outlet

    def _now(self) -> int:
        return int(self._clock())


class SessionService(SessionPart):
    """Owns loops for one shop session; the engine starts and stops it."""

    @cached_property
    def loops(self) -> Loops:
        """The service's background tasks; `stop` ends them all."""
        return Loops()

    async def stop(self) -> None:
        """End the loops."""
        await self.loops.stop()

    async def _guard(self, kind: str, work: Awaitable[object]) -> None:
        await guarded(self.outlet, kind, work)


class SendingService(SessionService):
    """A session service that also sends queued writes through its send loop."""

    #: The send loop's name, and the kind of the error row a failed pass leaves.
    SENDS = ""

    @cached_property
    def _wake(self) -> asyncio.Event:
        """Set to run the send loop now."""
        return asyncio.Event()

    @cached_property
    def _lock(self) -> asyncio.Lock:
        """Held by a send pass: one at a time."""
        return asyncio.Lock()

    def _start_sending(self, every: Callable[[], float]) -> None:
        """Run the send loop (at once: anything queued before a crash or a restart goes)."""
        self.loops.every(self.SENDS, every, self._send_due, wake=self._wake, wait_first=True)
        self._wake.set()

    def request_send(self) -> None:
        """A write was queued: send it now-ish."""
        self.loops.after(DEBOUNCE, self._woken)

    async def send_now(self) -> object:
        """Send every due write (one pass at a time, under `self._lock`)."""
        raise NotImplementedError

    def _next_due(self) -> int | None:
        """When the next queued write falls due, if any."""
        raise NotImplementedError

    async def _woken(self) -> None:
        self._wake.set()

    async def _send_due(self) -> None:
        due = self._next_due()
        if due is not None and due <= self._clock():
            await self._guard(self.SENDS, self.send_now())
