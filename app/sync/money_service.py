"""Money in the engine: statements once a day (and their payment status), estimates a few
times a day, and the day's API usage counted for Health; all on the one loop runner."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from app.changes import ANY, Changes
from app.store.money import record_api_usage
from app.store.profit_cache import orders_with_money
from app.sync.budget_plan import MONEY_SHARE, planned_interval
from app.sync.loops import Loops
from app.sync.money_sync import DAY, MoneyResult, read_money, update_profits
from app.sync.outlet import SILENT, Outlet
from app.sync.session import ShopSession

CHECK_EVERY = 3600.0  # is a new statement due (a 00:00 UTC passed), or estimates stale?
STATUS_EVERY = 6 * 3600  # payment status of recent statements moves during the day
ESTIMATES_EVERY = 6 * 3600
USAGE_EVERY = 60.0
ORDERS_DEBOUNCE = 2.0


def day_text(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")


class MoneyService:
    """Owns the money reads of one shop session; the engine starts and stops it."""

    def __init__(
        self,
        session: ShopSession,
        *,
        clock: Callable[[], float] = time.time,
        outlet: Outlet = SILENT,
        check_every: float = CHECK_EVERY,
    ) -> None:
        self.loops = Loops()
        self.session = session
        self._clock = clock
        self.outlet = outlet
        self.check_every = check_every
        self._last_read = 0.0
        self._last_estimates = 0.0
        self._counted = session.stats.calls
        self.last: MoneyResult | None = None
        self._pending: set[str] = set()
        self._refreshing = False

    async def start(self) -> None:
        budget = self.session.settings.max_requests_per_hour
        period = planned_interval(self.check_every, budget, MONEY_SHARE)
        self.loops.every("money", period, self.read_if_due)
        self.loops.every("api-usage", USAGE_EVERY, self.count_usage, wait_first=True)

    async def stop(self) -> None:
        await self.loops.stop()
        await self.count_usage()

    def due(self, now: float) -> tuple[bool, bool]:
        """(read statements, read estimates) at `now`."""
        new_day = int(now // DAY) > int(self._last_read // DAY)
        statements = new_day or now - self._last_read >= STATUS_EVERY
        return statements, now - self._last_estimates >= ESTIMATES_EVERY

    async def read_if_due(self) -> MoneyResult | None:
        now = self._clock()
        statements, estimates = self.due(now)
        if not statements and not estimates:
            return None
        result = await read_money(self.session, estimates=estimates, clock=self._clock)
        self._last_read = now
        if estimates:
            self._last_estimates = now
        if result.error:
            self.outlet.failed("money", result.error)
        self.outlet.changed(result.changes)
        self.last = result
        return result

    def orders_changed(self, order_ids: frozenset[str]) -> None:
        """Orders were saved: those TikTok has money for get their profit again (items and
        dates may have arrived after the statement), after a short pause that gathers more."""
        self._pending |= order_ids
        if not self._refreshing:
            self._refreshing = True
            self.loops.after(ORDERS_DEBOUNCE, self._refresh_pending)

    async def _refresh_pending(self) -> None:
        ids, self._pending, self._refreshing = self._pending, set(), False
        found = orders_with_money(self.session.db, ids)
        if found and update_profits(self.session, set(found)):
            self.outlet.changed(Changes.of(statements=[ANY]))

    async def count_usage(self) -> None:
        """Add the calls made since the last count to today's per-API counters."""
        stats = self.session.stats
        fresh = stats.calls - self._counted
        if fresh <= 0:
            return
        counts = Counter(c.api for c in stats.recent[-fresh:])
        self._counted = stats.calls
        record_api_usage(self.session.db, day_text(self._clock()), dict(counts))
        self.outlet.changed(Changes.of(runs=True))
