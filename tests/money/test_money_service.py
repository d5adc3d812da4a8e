"""The engine's money loop: statements once a new UTC day has begun (or their status is
stale), estimates a few times a day, and the day's API calls counted for Health."""

from __future__ import annotations

from app.changes import Changes, Kind
from app.sync.money_service import MoneyService
from app.sync.money_sync import DAY
from app.sync.outlet import Outlet
from tests.money.conftest import LONG_TOKEN, import_all
from tests.sync.conftest import ConnectedShop


async def test_reads_only_when_due_and_counts_the_calls(connect_shop) -> None:
    shop: ConnectedShop = await connect_shop(orders=60, access_ttl=LONG_TOKEN)
    await import_all(shop)
    session = shop.session()
    now = [float(30 * DAY + 22 * 3600)]  # 22:00 UTC
    seen: list[Changes] = []
    service = MoneyService(session, clock=lambda: now[0], outlet=Outlet(changes=seen.append))
    try:
        first = await service.read_if_due()
        assert first is not None and first.statements > 0 and first.estimates > 0
        assert any(c.touches([Kind.STATEMENTS]) for c in seen)
        now[0] += 3600  # 23:00, same day: nothing is due
        assert await service.read_if_due() is None
        now[0] += 2 * 3600  # 01:00 the next day: its statement; estimates 3 h old are fresh
        second = await service.read_if_due()
        assert second is not None and second.estimates == 0
        await service.count_usage()
        rows = dict(session.db.execute("SELECT api, calls FROM api_usage").fetchall())
        assert rows["/finance/202309/statements"] == 2
        assert sum(rows.values()) == session.stats.calls
    finally:
        await service.stop()
        await session.aclose()
