"""A development shop's hourly limit against the sandbox: the client stays inside its budget,
and without one a 429 says what it most likely is and what to set."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from app.store.activity import fetch_open_errors
from app.sync.poller import poll_once
from app.tiktok.budget import Priority, priority
from app.tiktok.errors import HourlyLimitSuspected
from app.tiktok.retry import RetryPolicy


def quick_retries(session) -> None:
    config = session.client.config
    session.client.config = dataclasses.replace(
        config, retry=RetryPolicy(max_attempts=2, base_delay=0.01)
    )


async def test_the_client_never_goes_over_its_hourly_budget(connect_shop) -> None:
    shop = await connect_shop(orders=5, max_per_hour=10)
    shop.settings.max_requests_per_hour = 10
    session = shop.session()
    other = shop.session()  # a second client of the same shop shares the budget
    try:
        for n in range(9):
            await (session if n % 2 else other).api.warehouses()
        with pytest.raises(TimeoutError):  # a read waits: the last tenth is for writes
            await asyncio.wait_for(session.api.warehouses(), 0.3)
        with priority(Priority.WRITE):
            await session.api.warehouses()  # a write (and what it needs) may use it
            with pytest.raises(TimeoutError):  # and then the hour is full
                await asyncio.wait_for(other.api.warehouses(), 0.3)
        calls = (await shop.admin.get("/sandbox/calls")).json()
        assert calls["throttled"] == 0 and calls["hourly"]["used"] == {
            next(iter(shop.sandbox.state.shops)): 10
        }
        assert session.client.budget is other.client.budget
        assert session.client.budget.used() == 10
    finally:
        await session.aclose()
        await other.aclose()


async def test_a_429_without_a_budget_points_to_the_hourly_setting(connect_shop) -> None:
    shop = await connect_shop(orders=5, max_per_hour=2)
    session = shop.session()
    quick_retries(session)
    try:
        assert session.client.budget is None
        for _ in range(2):
            await session.api.warehouses()
        with pytest.raises(HourlyLimitSuspected) as caught:
            await poll_once(session)
        text = str(caught.value)
        assert "development (test) shop's limit of 1,000 requests an hour" in text
        assert "--max-per-hour" in text and "Requests per hour" in text
        [error] = [e for e in fetch_open_errors(session.db) if e["kind"] == "poll"]
        assert "development (test) shop" in error["message"]  # a visible row, not a log line
    finally:
        await session.aclose()
