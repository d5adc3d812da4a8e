"""The shop's clock: wall time plus an offset that tests move forward to skip hours or days."""

from __future__ import annotations

import time


class ShopClock:
    """Token expiry, code expiry and order timings follow this clock; signatures do not.

    The signature `timestamp` window is checked against `wall()` (FACTS.md 1.1), because a client
    signs with its own real clock.
    """

    def __init__(self, start: int | None = None) -> None:
        self._offset = 0.0 if start is None else start - time.time()

    @staticmethod
    def wall() -> float:
        return time.time()

    def now(self) -> int:
        return int(time.time() + self._offset)

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> int:
        """Move the shop's time forward (never back: update times must not go backwards)."""
        if seconds < 0:
            raise ValueError("the shop clock only moves forward")
        self._offset += seconds
        return self.now()
