"""TikTok's per-(app, shop, API) rate limit, as a token bucket (rate-limits.md)."""

from __future__ import annotations

import time
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
