"""The hourly request budget: never over it, writes before polls before the catalogue."""

from __future__ import annotations

import asyncio

import pytest

from app.tiktok.budget import HourlyBudget, Priority, priority, priority_for, shared_budget


class FakeTime:
    """A clock that moves only when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def budget(limit: int, t: FakeTime) -> HourlyBudget:
    return HourlyBudget(limit, clock=t.clock, sleep=t.sleep)


async def test_each_priority_stops_at_its_share_and_writes_may_use_all() -> None:
    t = FakeTime()
    b = budget(100, t)
    for _ in range(70):
        assert await b.acquire(Priority.CATALOG) == 0
    assert b.wait_for(Priority.CATALOG) > 0  # the last 30 calls are not for the catalogue
    for _ in range(20):
        assert await b.acquire(Priority.POLL) == 0
    assert b.wait_for(Priority.POLL) > 0  # nor the last 10 for polls
    for _ in range(10):
        assert await b.acquire(Priority.WRITE) == 0
    assert b.used() == 100 and b.wait_for(Priority.WRITE) > 0
    assert t.slept == []


async def test_a_call_past_the_budget_waits_for_the_oldest_to_age_out() -> None:
    t = FakeTime()
    b = budget(3, t)
    for _ in range(3):  # calls at 1000, 1010, 1020
        await b.acquire(Priority.WRITE)
        t.now += 10
    began = t.now
    waited = await b.acquire(Priority.WRITE)
    # The first call was at 1000: the fourth may go an hour later, not before.
    assert t.now == pytest.approx(1000 + 3600) and waited == pytest.approx(t.now - began)
    assert b.used() == 3  # never more than the budget in any hour


async def test_priorities_come_from_the_caller_or_the_call() -> None:
    assert priority_for("POST", "/product/202309/products/{product_id}/inventory/update") == (
        Priority.WRITE
    )
    assert priority_for("POST", "/product/202309/products/search") == Priority.CATALOG
    assert priority_for("POST", "/order/202309/orders/search") == Priority.POLL
    assert priority_for("PUT", "/event/202309/webhooks") == Priority.POLL
    assert priority_for("POST", "/fulfillment/202309/orders/{order_id}/packages") == (
        Priority.WRITE
    )
    with priority(Priority.WRITE):
        # the read a stock push needs goes with the push
        assert priority_for("POST", "/product/202309/inventory/search") == Priority.WRITE

        async def inside() -> Priority:
            return priority_for("GET", "/order/202309/orders")

        assert await asyncio.create_task(inside()) == Priority.WRITE
    assert priority_for("GET", "/order/202309/orders") == Priority.POLL


def test_one_budget_per_shop_in_the_process() -> None:
    first = shared_budget("app", "shop-1", 1000)
    assert shared_budget("app", "shop-1", 500) is first and first.limit == 500
    assert shared_budget("app", "shop-2", 500) is not first
    with pytest.raises(ValueError, match="at least 1"):
        HourlyBudget(0)
