"""Services get the outlet, not callbacks: an import's progress and a lost authorization reach
whoever built the outlet, each with the `Changes` views refresh on (stock warnings: see
tests/stock/test_watch_outlet.py)."""

from __future__ import annotations

import asyncio

import pytest

from app.changes import Changes, Kind
from app.store.shops import fetch_current_shop
from app.sync.engine import EngineCallbacks, SyncEngine
from app.sync.importer import ImportProgress, OrderImporter
from app.sync.outlet import Outlet
from app.sync.poller import poll_once
from app.tiktok.errors import ReconnectNeeded
from tests.sync.test_engine import wait_for
from tests.sync.test_import_and_poll import everything


def merged(changes: list[Changes]) -> Changes:
    total = Changes()
    for one in changes:
        total = total.merge(one)
    return total


async def test_the_importer_tells_its_outlet_each_page_after_the_page_is_published(
    connect_shop,
) -> None:
    shop = await connect_shop(orders=250)
    session = shop.session()
    heard: list[ImportProgress | Changes] = []
    outlet = Outlet(progress=heard.append, changes=heard.append)
    result = await OrderImporter(session, outlet=outlet).run(*everything())
    progress = [h for h in heard if isinstance(h, ImportProgress)]
    assert [p.fetched for p in progress] == [100, 200, 250, 250] and progress[-1].done
    created = merged([h for h in heard if isinstance(h, Changes)]).orders_created
    assert len(created) == result.created == 250
    # the orders of a page are told before the bar moves past it (the list shows them first)
    first_page = next(i for i, h in enumerate(heard) if isinstance(h, ImportProgress))
    assert any(isinstance(h, Changes) and h.orders_created for h in heard[:first_page])
    await session.aclose()


async def test_a_lost_authorization_reaches_the_sessions_outlet_with_a_connection_change(
    connect_shop,
) -> None:
    shop = await connect_shop(orders=20)
    lost: list[str] = []
    changes: list[Changes] = []
    session = shop.session(outlet=Outlet(auth_lost=lost.append, changes=changes.append))
    await poll_once(session)
    assert lost == []
    await shop.admin.post("/sandbox/deauthorize", json={})
    with pytest.raises(ReconnectNeeded):
        await poll_once(session)
    record = fetch_current_shop(session.db)
    assert lost == [record.auth_problem] and record.needs_reconnect
    assert merged(changes).touches([Kind.CONNECTION]) and merged(changes).shop
    await session.aclose()


async def test_the_engine_hears_a_lost_authorization_once_through_its_outlet(connect_shop) -> None:
    shop = await connect_shop(orders=20)
    shop.settings.poll_interval_seconds = 3600
    lost: list[str] = []
    changes: list[Changes] = []
    engine = SyncEngine(
        shop.paths,
        shop.settings,
        shop.secrets,
        transport=shop.transport,
        callbacks=EngineCallbacks(on_auth_lost=lost.append, on_changes=changes.append),
    )
    engine.start()
    try:
        await wait_for(lambda: engine.status.last_poll_ok is True)
        changes.clear()
        await shop.admin.post("/sandbox/deauthorize", json={})
        await asyncio.wrap_future(engine.sync_now())
        assert lost == [engine.status.reconnect_reason] and not engine.status.connected
        assert [c for c in changes if c.connection] == [Changes.of(shop=True, connection=True)]
    finally:
        engine.stop()
