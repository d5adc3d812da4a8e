"""Client-side rate limiting: stay under 50 QPS per (app, shop, API) instead of hitting 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

#: TikTok's documented default: 50 QPS per API for each (app, shop) (FACTS.md 8.1).
DEFAULT_QPS = 50.0


@dataclass
class TokenBucket:
    """A reservation-style token bucket: each caller learns how long to wait for its slot."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)
    blocked_until: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.stamp = self.clock()

    def reserve(self) -> float:
        """Take one token now and return the seconds to wait before using it."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1.0
        wait = 0.0 if self.tokens >= 0 else -self.tokens / self.rate
        return max(wait, self.blocked_until - now)

    def block_for(self, seconds: float) -> None:
        """After a 429, hold every caller of this API back for a while and start empty."""
        now = self.clock()
        self.blocked_until = max(self.blocked_until, now + seconds)
        self.tokens = min(self.tokens, 0.0)
        self.stamp = now


class RateLimiter:
    """One bucket per key (shop, API path template), created on first use."""

    def __init__(
        self,
        qps: float = DEFAULT_QPS,
        burst: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if qps <= 0:
            raise ValueError("qps must be positive")
        self.qps = qps
        # A smaller burst than the server's keeps network jitter from bunching calls into a 429.
        self.burst = burst if burst is not None else max(1.0, qps / 5)
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def bucket(self, key: tuple[str, str]) -> TokenBucket:
        """The bucket for one (shop, API), made on first use."""
        found = self._buckets.get(key)
        if found is None:
            found = TokenBucket(self.qps, self.burst, self._clock)
            self._buckets[key] = found
        return found

    async def acquire(self, key: tuple[str, str]) -> float:
        """Wait for a slot; returns how long this caller waited."""
        wait = self.bucket(key).reserve()
        if wait > 0:
            await self._sleep(wait)
        return wait

    def penalize(self, key: tuple[str, str], seconds: float) -> None:
        """TikTok throttled this API: slow every caller of it down."""
        self.bucket(key).block_for(seconds)
