"""Fitting the engine's cadence into a shop's hourly request budget (FACTS.md 9.2).

The client never exceeds the budget (app/tiktok/budget.py): writes first, then polls, then
the catalogue. The engine also plans so the budget is rarely reached: the fast poll gets a
share of the hour and stretches its interval to fit; what is left serves webhook detail
fetches, the deep pass, cancellation requests, the catalogue and the creator's writes.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The share of the hourly budget the fast poll may plan for, and the deep pass.
POLL_SHARE = 0.3
DEEP_SHARE = 0.05
#: The returns pass (Search Returns since its cursor; records and reasons of what moved).
RETURNS_SHARE = 0.05


def planned_interval(interval: float, budget: int | None, share: float = POLL_SHARE) -> float:
    """The interval to use: the chosen one, stretched so its calls fit their share."""
    if not budget:
        return interval
    return max(interval, 3600.0 / max(1.0, budget * share))


@dataclass(frozen=True)
class BudgetUse:
    """The hourly budget and what the last hour used, for Health and `shopdesk sync`."""

    limit: int
    used: int

    @property
    def text(self) -> str:
        """`312 of 1,000 requests this hour`."""
        return f"{self.used:,} of {self.limit:,} requests this hour"


#: The share of the hourly budget reading statements and estimates may plan for.
MONEY_SHARE = 0.05
