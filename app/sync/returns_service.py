"""Returns in the engine: read requests every few minutes and on webhook 12, send answers soon."""

from __future__ import annotations

import time
from collections.abc import Callable

from app.store.fulfillment import fetch_next_due_of
from app.sync.budget_plan import RETURNS_SHARE, planned_interval
from app.sync.outlet import SILENT, Outlet
from app.sync.returns import ANSWER_KINDS, AnswersResult, ReturnsDesk
from app.sync.session import ShopSession
from app.sync.session_service import DEBOUNCE, SendingService
from app.tiktok.budget import Priority
from app.tiktok.budget import priority as budget_priority

ANSWERS_EVERY = 30.0  # retries of failed answers
RETURNS_EVERY = 300.0  # Search Returns since the cursor, besides webhook 12


class ReturnsService(SendingService):
    """Owns the returns loops of one shop session."""

    SENDS = "return_answers"

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
        answers_every: float = ANSWERS_EVERY,
        returns_every: float = RETURNS_EVERY,
    ) -> None:
        super().__init__(session, clock=clock, outlet=outlet)
        self.desk = ReturnsDesk(session, clock=clock, outlet=outlet)
        self.answers_every = answers_every
        self.returns_every = returns_every
        self._named: set[str] = set()

    async def start(self) -> None:
        """Send answers left from before, and keep the requests current."""
        self._start_sending(lambda: self.answers_every)
        self.loops.every("returns", self.returns_interval, self._sync)

    def returns_interval(self) -> float:
        """The pass's period, stretched to fit its share of the shop's hourly budget."""
        budget = self.session.settings.max_requests_per_hour
        return planned_interval(self.returns_every, budget, RETURNS_SHARE)

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

    async def _read_named(self) -> None:
        ids, self._named = sorted(self._named), set()
        await self._guard("returns", self.desk.sync(ids))

    async def _sync(self) -> None:
        await self._guard("returns", self.desk.sync())

    def _next_due(self) -> int | None:
        return fetch_next_due_of(self.session.db, ANSWER_KINDS)
