"""The engine's poll runs on its loop runner: failures wait the one backoff, recovery returns to
the interval, and stop ends every loop at once, even in the middle of a long wait."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from app.backoff import JITTER, Backoff
from app.loops import Loops
from app.sync import engine as engine_module
from app.sync.engine import EngineCallbacks, SyncEngine
from tests.sync.test_engine import wait_for

#: The jitter share every backoff draws in this test (pinned: the waits are exact).
DRAW = 0.5


def one_attempt(engine: SyncEngine) -> None:
    """Fail a poll on the first refused call (no HTTP retries), as a test wants it."""
    client = engine._session.client
    config = client.config
    client.config = type(config)(**{**config.__dict__, "retry": type(config.retry)(max_attempts=1)})


async def test_a_failing_poll_backs_off_by_the_one_formula_recovers_and_stops_at_once(
    connect_shop, monkeypatch
) -> None:
    shop = await connect_shop(orders=30)
    shop.settings.poll_interval_seconds = 1.0
    monkeypatch.setattr(JITTER, "random", lambda: DRAW)
    errors: list[str] = []
    engine = SyncEngine(
        shop.paths,
        shop.settings,
        shop.secrets,
        transport=shop.transport,
        callbacks=EngineCallbacks(on_error=lambda kind, _message: errors.append(kind)),
    )
    others = {
        engine_module.SLEEP_CHECK_SECONDS,
        engine_module.OTHER_WRITERS_SECONDS,
        engine_module.BACKUP_FIRST_SECONDS,
        engine_module.BACKUP_CHECK_SECONDS,
        shop.settings.deep_poll_interval_seconds,
    }
    poll_waits: list[float] = []
    parked = threading.Event()

    async def sleep(seconds: float) -> None:
        """The poll's waits are noted and pass at once; the other loops stay parked."""
        if seconds in others or parked.is_set():
            await asyncio.sleep(3600)
        poll_waits.append(seconds)
        await asyncio.sleep(0.01)

    engine.loops = Loops(sleep=sleep)
    engine.start()
    try:
        await wait_for(lambda: engine.status.last_poll_ok is True)
        assert engine.loops.names == ["poll", "deep_poll", "backup", "sleep", "other_writers"]
        one_attempt(engine)
        await shop.admin.put("/sandbox/faults", json={"api_error_rate": 1.0})
        await wait_for(lambda: engine.status.consecutive_failures >= 3)
        await shop.admin.put("/sandbox/faults", json={"api_error_rate": 0.0})
        await wait_for(lambda: engine.status.last_poll_ok is True)
        await wait_for(lambda: poll_waits[-1:] == [1.0])
        parked.set()  # every loop now sits in a wait of an hour
        await asyncio.sleep(0.1)
        stopping = time.monotonic()
    finally:
        engine.stop()
    assert time.monotonic() - stopping < 2.0, "stop waited for a loop"
    assert engine.loops.names == [] and not engine.status.running
    assert not any(t.name == "shopdesk-engine" for t in threading.enumerate())

    # Between the good polls (the interval, 1 s), the failures in a row waited twice the
    # interval, doubling, 20% jitter (pinned at half of it): 1.8, 3.6, 7.2 ... s.
    backoff = Backoff(base=2.0, cap=engine_module.MAX_BACKOFF_SECONDS, jitter=0.2)
    failed = [w for w in poll_waits if w != 1.0]
    assert failed == [backoff.delay(n) for n in range(1, len(failed) + 1)]
    assert failed[:3] == pytest.approx([1.8, 3.6, 7.2])
    first = poll_waits.index(failed[0])
    assert poll_waits[first : first + len(failed)] == failed  # in a row, then the interval
    assert set(poll_waits[first + len(failed) :]) == {1.0}
    assert errors.count("poll") == len(failed)


async def test_a_forced_poll_after_failures_starts_the_count_afresh(connect_shop) -> None:
    """The user's F5 (sync_now) succeeding ends the backoff: the loop waits the interval."""
    shop = await connect_shop(orders=20)
    shop.settings.poll_interval_seconds = 1.0
    engine = SyncEngine(shop.paths, shop.settings, shop.secrets, transport=shop.transport)
    engine.start()
    try:
        await wait_for(lambda: engine.status.last_poll_ok is True)
        one_attempt(engine)
        await shop.admin.put("/sandbox/faults", json={"api_error_rate": 1.0})
        await wait_for(lambda: engine.status.consecutive_failures >= 1)
        assert engine._poll_wait() >= 1.6  # backing off: at least 80% of twice the interval
        await shop.admin.put("/sandbox/faults", json={"api_error_rate": 0.0})
        assert await asyncio.wrap_future(engine.sync_now()) is not None
        assert engine.status.consecutive_failures == 0 and engine._poll_wait() == 1.0
    finally:
        engine.stop()
