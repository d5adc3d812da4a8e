"""SyncEngine: its own thread and loop, catches up at start, polls, imports, stops cleanly."""

from __future__ import annotations

import asyncio
import threading
import time

from app.changes import Changes
from app.store.db import open_db
from app.sync.engine import EngineCallbacks, EngineStatus, SyncEngine
from app.sync.importer import default_range
from tests.order_flow import next_status


async def wait_for(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def order_count(paths) -> int:
    db = open_db(paths.database, readonly=True)
    try:
        return db.execute("SELECT count(*) FROM orders").fetchone()[0]
    finally:
        db.close()


async def test_engine_catches_up_at_start_polls_and_stops_cleanly(connect_shop) -> None:
    shop = await connect_shop(orders=250)
    shop.settings.poll_interval_seconds = 1.0
    statuses: list[EngineStatus] = []
    changed: list[str] = []
    threads: set[str] = set()

    def on_changed(changes: Changes) -> None:
        threads.add(threading.current_thread().name)
        changed.extend(changes.orders)

    engine = SyncEngine(
        shop.paths,
        shop.settings,
        shop.secrets,
        transport=shop.transport,
        callbacks=EngineCallbacks(on_changes=on_changed, on_status=statuses.append),
    )
    engine.start()
    try:
        # no import was asked for: the first poll (at once, on start) reads the last 30 days
        await wait_for(lambda: engine.status.last_poll_ok is True)
        first = order_count(shop.paths)
        assert first > 0 and threads == {"shopdesk-engine"}
        truth = await shop.truth()
        target = next(o for o in truth.values() if next_status(o) and o["id"] in set(changed))
        await shop.move(target["id"], next_status(target))
        await shop.later()
        before = len(changed)
        await wait_for(lambda: target["id"] in changed[before:], seconds=8)
        assert engine.status.connected and engine.status.api_calls >= 2
    finally:
        engine.stop()
    assert not engine.status.running
    assert not any(t.name == "shopdesk-engine" for t in threading.enumerate())


async def test_engine_import_runs_on_its_thread_and_reports_progress(connect_shop) -> None:
    shop = await connect_shop(orders=320)
    shop.settings.poll_interval_seconds = 3600
    progress = []
    engine = SyncEngine(
        shop.paths,
        shop.settings,
        shop.secrets,
        transport=shop.transport,
        callbacks=EngineCallbacks(on_progress=progress.append),
    )
    engine.start()
    try:
        future = engine.import_orders(*default_range(time.time(), 90))
        result = await asyncio.wrap_future(future)
        assert result.fetched == 320 and progress[-1].done
        assert not engine.status.importing
        assert order_count(shop.paths) == 320
    finally:
        engine.stop()


async def test_engine_without_a_shop_idles_and_says_why(data_paths, memory_secrets) -> None:
    from app.config import Settings

    engine = SyncEngine(data_paths, Settings(), memory_secrets)
    engine.start()
    try:
        assert not engine.status.connected
        assert "connect" in engine.status.reconnect_reason
        assert await asyncio.wrap_future(engine.sync_now()) is None
    finally:
        engine.stop()


async def test_failures_back_off_and_recover(connect_shop) -> None:
    shop = await connect_shop(orders=30)
    shop.settings.poll_interval_seconds = 1.0
    errors: list[tuple[str, str]] = []
    engine = SyncEngine(
        shop.paths,
        shop.settings,
        shop.secrets,
        transport=shop.transport,
        callbacks=EngineCallbacks(on_error=lambda k, m: errors.append((k, m))),
    )
    await shop.admin.put("/sandbox/faults", json={"api_error_rate": 1.0})
    engine.start()
    try:
        engine._session.client.config = type(engine._session.client.config)(
            **{
                **engine._session.client.config.__dict__,
                "retry": type(engine._session.client.config.retry)(max_attempts=1),
            }
        )
        await wait_for(lambda: engine.status.consecutive_failures >= 1, seconds=10)
        status = engine.status
        assert status.last_poll_ok is False and status.next_poll_at > time.time()
        assert "poll" in {kind for kind, _message in errors}
        await shop.admin.put("/sandbox/faults", json={"api_error_rate": 0.0})
        await asyncio.wrap_future(engine.sync_now())
        assert engine.status.last_poll_ok and engine.status.consecutive_failures == 0
    finally:
        engine.stop()


async def test_auth_lost_pauses_the_engine(connect_shop) -> None:
    shop = await connect_shop(orders=20)
    shop.settings.poll_interval_seconds = 3600
    lost: list[str] = []
    engine = SyncEngine(
        shop.paths,
        shop.settings,
        shop.secrets,
        transport=shop.transport,
        callbacks=EngineCallbacks(on_auth_lost=lost.append),
    )
    engine.start()
    try:
        await wait_for(lambda: engine.status.last_poll_ok is True)
        kept = order_count(shop.paths)
        await shop.admin.post("/sandbox/deauthorize", json={})
        await asyncio.wrap_future(engine.sync_now())
        assert not engine.status.connected and engine.status.reconnect_reason
        assert lost
        assert order_count(shop.paths) == kept > 0
    finally:
        engine.stop()
