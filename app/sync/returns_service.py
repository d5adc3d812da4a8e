"""Returns in the engine: read requests every few minutes and on webhook 12, send answers soon."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from app.store.fulfillment import fetch_next_due_of
from app.sync.budget_plan import RETURNS_SHARE, planned_interval
from app.sync.fulfillment_service import guarded
from app.sync.loops import Loops
from app.sync.outlet import SILENT, Outlet
from app.sync.returns import ANSWER_KINDS, AnswersResult, ReturnsDesk
from app.sync.session import ShopSession
from app.tiktok.budget import Priority
from app.tiktok.budget import priority as budget_priority

ANSWERS_EVERY = 30.0  # retries of failed answers
RETURNS_EVERY = 300.0  # Search Returns since the cursor, besides webhook 12
DEBOUNCE = 0.5


class ReturnsService:
    """Owns the returns loops of one shop session."""

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
        answers_every: float = ANSWERS_EVERY,
        returns_every: float = RETURNS_EVERY,
    ) -> None:
        self.loops = Loops()
        self.desk = ReturnsDesk(session, clock=clock, outlet=outlet)
        self.session = session
        self._clock = clock
        self.outlet = outlet
        self.answers_every = answers_every
        self.returns_every = returns_every
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._named: set[str] = set()

    async def start(self) -> None:
        """Send answers left from before, and keep the requests current."""
        self.loops.every(
            "return_answers",
            lambda: self.answers_every,
            self._send_due,
            wake=self._wake,
            wait_first=True,
        )
        self.loops.every("returns", self.returns_interval, self._sync)
        self._wake.set()

    def returns_interval(self) -> float:
        """The pass's period, stretched to fit its share of the shop's hourly budget."""
        budget = self.session.settings.max_requests_per_hour
        return planned_interval(self.returns_every, budget, RETURNS_SHARE)

    async def stop(self) -> None:
        """End the loops."""
        await self.loops.stop()

    def request_send(self) -> None:
        """An answer was queued: send it now-ish."""
        self.loops.after(DEBOUNCE, self._woken)

    def returns_named(self, return_ids: list[str]) -> None:
        """Webhook 12 named these requests: read them once, soon (a burst is one call)."""
        if not self._named:
            self.loops.after(DEBOUNCE, self._read_named)
        self._named.update(return_ids)

    async def send_now(self) -> AnswersResult:
        """Send every due answer (answers go first within the hourly budget)."""
        async with self._lock:
            with budget_priority(Priority.WRITE):
                return await self.desk.push_answers()

    async def _woken(self) -> None:
        self._wake.set()

    async def _read_named(self) -> None:
        ids, self._named = sorted(self._named), set()
        await self._guard("returns", self.desk.sync(ids))

    async def _sync(self) -> None:
        await self._guard("returns", self.desk.sync())

    async def _send_due(self) -> None:
        due = fetch_next_due_of(self.session.db, ANSWER_KINDS)
        if due is not None and due <= self._clock():
            await self._guard("return_answers", self.send_now())

    async def _guard(self, kind: str, work: Awaitable[object]) -> None:
        await guarded(self.outlet, kind, work)
