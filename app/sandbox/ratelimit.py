"""TikTok's per-(app, shop, API) rate limit, as a token bucket (rate-limits.md)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable


class RateLimiter:
    """`qps` requests per second for each key, with a burst of `qps` (at least one).

    rate-limits.md: 50 QPS per API by default, counted per app and shop combination; the
    caller builds the key as (app_key, shop, route template).
    """

    def __init__(self, qps: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.qps = qps
        self.burst = max(1.0, qps)
        self._clock = clock
        self._buckets: dict[Hashable, tuple[float, float]] = {}

    def allow(self, key: Hashable) -> bool:
        now = self._clock()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.qps)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return True
        self._buckets[key] = (tokens, now)
        return False


class HourlyLimit:
    """Development shops: at most `limit` calls in any hour, per app and shop (FACTS.md 9.2:
    "1,000 requests per hour per shop"; test accounts get HTTP 429 beyond it).

    Counted on the shop clock over a sliding hour, the strictest reading of "per hour".
    """

    WINDOW = 3600

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._calls: dict[Hashable, deque[int]] = {}

    def _recent(self, key: Hashable, now: int) -> deque[int]:
        calls = self._calls.setdefault(key, deque())
        while calls and calls[0] <= now - self.WINDOW:
            calls.popleft()
        return calls

    def allow(self, key: Hashable, now: int) -> bool:
        calls = self._recent(key, now)
        if len(calls) >= self.limit:
            return False
        calls.append(now)
        return True

    def used(self, now: int) -> dict[str, int]:
        """Calls in the last hour per key (for /sandbox/calls)."""
        return {str(key): len(self._recent(key, now)) for key in list(self._calls)}
