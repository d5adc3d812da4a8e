"""A connected shop with orders imported, for the money tests (statements, profit, costs)."""

from __future__ import annotations

import time

from tests.sync.conftest import ConnectedShop, connect_shop  # noqa: F401  (fixture)

DAY = 86400
#: Long enough a token for tests that move the shop's clock by weeks.
LONG_TOKEN = 400 * DAY


async def import_all(shop: ConnectedShop) -> None:
    """Every order of the sandbox into the shop's database."""
    from app.sync.importer import OrderImporter, default_range

    session = shop.session()
    try:
        start, end = default_range(time.time(), 90)
        await OrderImporter(session).run(start, end)
    finally:
        await session.aclose()
