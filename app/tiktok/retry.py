"""Retry policy as data: which failures to retry, how often, and after how long."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from app.backoff import Backoff
from app.tiktok.errors import (
    InternalError,
    NetworkError,
    Throttled,
    UnexpectedResponse,
)


def equal_jitter(delay: float) -> float:
    """Spread retries between half and all of the delay so clients do not retry in lockstep."""
    return delay / 2 + random.uniform(0, delay / 2)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for throttling, 5xx, 36009003, timeouts and drops."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: Callable[[float], float] = field(default=equal_jitter, compare=False)

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based), jitter applied."""
        return self.jitter(Backoff(self.base_delay, self.max_delay).raw(attempt))

    def delay_for(self, error: Exception, attempt: int, *, idempotent: bool) -> float | None:
        """Seconds to wait before trying again, or None to give up on this error."""
        if attempt >= self.max_attempts:
            return None
        if isinstance(error, Throttled):
            wait = self.backoff(attempt)
            if error.retry_after is not None:
                wait = max(wait, error.retry_after)
            return wait
        if isinstance(error, NetworkError):
            if error.outcome_unknown and not idempotent:
                return None  # the write may have landed: the caller must check first
            return self.backoff(attempt)
        if isinstance(error, InternalError | UnexpectedResponse):
            return self.backoff(attempt) if idempotent else None
        return None
