"""An hourly request budget per shop, shared by every call of that shop in this process.

TikTok limits development (test) shops to 1,000 requests an hour (FACTS.md 9.2), on top of
50 QPS per API. With a budget set, no call goes out once the last hour holds the budget's
worth; the caller waits for the oldest call to age out. The last part of each hour is kept
for what matters most: the creator's own writes (stock pushes, shipping, answers) may use it
all, polls all but the last tenth, catalogue reads all but the last three tenths.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from enum import IntEnum

WINDOW_SECONDS = 3600.0


class Priority(IntEnum):
    """Who goes first when the hour runs short (lower first)."""

    WRITE = 0
    POLL = 1
    CATALOG = 2


#: The share of the hour a priority leaves to those above it.
RESERVED_SHARE = {Priority.WRITE: 0.0, Priority.POLL: 0.1, Priority.CATALOG: 0.3}
#: POST paths that only read (searches and queries), so they are not writes.
_READ_SUFFIXES = ("/search", "/query")

_current: ContextVar[Priority | None] = ContextVar("shopdesk_budget_priority", default=None)


@contextlib.contextmanager
def priority(level: Priority) -> Iterator[None]:
    """Calls made inside (tasks started inside too) count as `level`."""
    token = _current.set(level)
    try:
        yield
    finally:
        _current.reset(token)


def priority_for(method: str, api: str) -> Priority:
    """The caller's priority, else one from the call: writes, catalogue reads, other reads."""
    chosen = _current.get()
    if chosen is not None:
        return chosen
    if api.startswith("/event/"):  # keeping webhook subscriptions is upkeep, not a write
        return Priority.POLL
    if method.upper() != "GET" and not api.endswith(_READ_SUFFIXES):
        return Priority.WRITE
    if api.startswith("/product/"):
        return Priority.CATALOG
    return Priority.POLL


class HourlyBudget:
    """At most `limit` calls in any `window` seconds; each priority stops at its ceiling."""

    def __init__(
        self,
        limit: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        window: float = WINDOW_SECONDS,
    ) -> None:
        if limit < 1:
            raise ValueError("the hourly budget must be at least 1 request")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self.waited = 0.0

    def __repr__(self) -> str:
        return f"HourlyBudget(limit={self.limit}, used={self.used()})"

    def _prune(self, now: float) -> None:
        while self._stamps and self._stamps[0] <= now - self.window:
            self._stamps.popleft()

    def used(self) -> int:
        """Calls in the last hour."""
        self._prune(self._clock())
        return len(self._stamps)

    def ceiling(self, level: Priority) -> int:
        """How many of the hour's calls this priority may use."""
        return max(1, self.limit - math.ceil(self.limit * RESERVED_SHARE[level]))

    def wait_for(self, level: Priority) -> float:
        """Seconds until a call of this priority may go (0: now)."""
        now = self._clock()
        self._prune(now)
        over = len(self._stamps) - self.ceiling(level)
        if over < 0:
            return 0.0
        return max(0.0, self._stamps[over] + self.window - now)

    async def acquire(self, level: Priority) -> float:
        """Take one call of the hour, waiting while this priority's share is used up."""
        waited = 0.0
        while True:
            wait = self.wait_for(level)
            if wait <= 0:
                self._stamps.append(self._clock())
                self.waited += waited
                return waited
            await self._sleep(wait)
            waited += wait


_SHARED: dict[tuple[str, str], HourlyBudget] = {}


def shared_budget(app_key: str, shop_id: str, limit: int) -> HourlyBudget:
    """The one budget of this (app, shop) in the process: every client of the shop counts
    against it (TikTok counts per shop, not per connection)."""
    key = (app_key, shop_id)
    found = _SHARED.get(key)
    if found is None:
        found = _SHARED[key] = HourlyBudget(limit)
    found.limit = limit
    return found
