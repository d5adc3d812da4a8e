"""A poll holds no orders once it ends: what it read is in SQLite, not in the engine's memory
(the window's process keeps a steady size however many orders a poll went through)."""

from __future__ import annotations

import gc

from app.sync.outlet import Outlet
from app.sync.poller import poll_once
from app.tiktok.api import OrderPage
from app.tiktok.models import Order


def alive(kind: type) -> int:
    gc.collect()
    return sum(isinstance(o, kind) for o in gc.get_objects())


async def test_a_poll_keeps_no_page_or_order_alive_once_it_ends(connect_shop) -> None:
    shop = await connect_shop(orders=400)
    session = shop.session()
    told = []
    orders_before = alive(Order)
    result = await poll_once(session, outlet=Outlet(changes=told.append))
    assert result.fetched > 100 and result.pages > 1  # it read several pages of orders
    assert told and result.changes.orders  # and told what changed, by id
    assert alive(OrderPage) == 0
    assert alive(Order) == orders_before
    await session.aclose()
