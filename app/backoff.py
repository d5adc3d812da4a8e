"""The one backoff formula: each failure doubles the wait, up to a cap, with optional jitter.

Used by every retry in the app: HTTP retries (`app.tiktok.retry`), failed writes, pushes and
webhook events (their `next_retry_at`), the poll after failures, the webhook subscription.
Jitter takes a random share of the delay off so many clients do not retry in lockstep; it
draws from `JITTER`, which a test pins with `JITTER.seed(...)` or replaces with `draw=`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

#: Where jitter draws from (0 <= x < 1); tests seed it, or pass `draw` to `Backoff.delay`.
JITTER = random.Random()


@dataclass(frozen=True)
class Backoff:
    """`base` after the first failure, doubled after each one, never above `cap`.

    `jitter` is the share of the delay that may be taken off at random: 0.2 waits between
    80% and 100% of it, 0.5 between half and all of it, 0 exactly it.
    """

    base: float
    cap: float
    jitter: float = 0.0

    def raw(self, failures: int) -> float:
        """The delay after `failures` failures in a row, before jitter (0 for none)."""
        if failures <= 0:
            return 0.0
        return float(min(self.cap, self.base * 2 ** min(failures - 1, 62)))

    def delay(self, failures: int, *, draw: Callable[[], float] | None = None) -> float:
        """The delay after `failures` failures in a row, jitter applied."""
        raw = self.raw(failures)
        if not self.jitter or not raw:
            return raw
        share = (draw or JITTER.random)()
        return raw * (1.0 - self.jitter * share)

    def seconds(self, failures: int) -> int:
        """Whole seconds, for a stored `next_retry_at` (no jitter: the row says when)."""
        return int(self.raw(failures))


#: Stored retries (queued writes, stock pushes, webhook events): 30 s, 1, 2, 4 ... 60 min.
ROW_RETRY = Backoff(base=30.0, cap=3600.0)


def retry_delay(attempts: int) -> int:
    """Seconds before a stored row's next try, `attempts` counting the one that just failed."""
    return ROW_RETRY.seconds(max(1, attempts))
