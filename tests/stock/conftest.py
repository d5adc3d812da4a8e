"""A connected sandbox shop with its catalogue synced, and ground-truth helpers for stock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.store.stock_levels import StockRow, fetch_stock_rows
from app.sync.catalog import sync_catalog
from app.sync.importer import OrderImporter, default_range
from app.sync.session import ShopSession
from app.sync.stock import stock_defaults
from tests.sync.conftest import ConnectedShop, connect_shop  # noqa: F401  (fixture)


@dataclass
class StockShop:
    """A shop whose orders and catalogue are in SQLite, with the sandbox beside it."""

    shop: ConnectedShop
    session: ShopSession

    @property
    def db(self) -> Any:
        return self.session.db

    def rows(self) -> dict[str, StockRow]:
        defaults = stock_defaults(self.session.settings)
        return {r.sku_id: r for r in fetch_stock_rows(self.db, defaults)}

    def row(self, sku_id: str) -> StockRow:
        return self.rows()[sku_id]

    async def inventory(self) -> dict[str, dict[str, dict[str, int]]]:
        """The sandbox's truth: sku_id -> warehouse_id -> {quantity, committed}."""
        rows = (await self.shop.admin.get("/sandbox/inventory")).json()["skus"]
        found: dict[str, dict[str, dict[str, int]]] = {}
        for r in rows:
            found.setdefault(r["sku_id"], {})[r["warehouse_id"]] = {
                "quantity": r["quantity"],
                "committed": r["committed"],
            }
        return found

    async def listed(self, sku_id: str) -> int:
        return sum(w["quantity"] for w in (await self.inventory())[sku_id].values())

    async def calls(self, path_part: str) -> int:
        by_path = (await self.shop.admin.get("/sandbox/calls")).json()["by_path"]
        return sum(n for path, n in by_path.items() if path_part in path)

    async def order(self, sku_id: str, quantity: int = 1, **flags: Any) -> dict[str, Any]:
        response = await self.shop.admin.post(
            "/sandbox/orders",
            json={"line_items": [{"sku_id": sku_id, "quantity": quantity}], **flags},
        )
        assert response.status_code == 200, response.text
        return response.json()["order"]

    async def set_product(self, product_id: str, **changes: Any) -> None:
        response = await self.shop.admin.post(f"/sandbox/products/{product_id}", json=changes)
        assert response.status_code == 200, response.text


def active_skus(stock: StockShop, *, multi: bool | None = None) -> list[StockRow]:
    """Counted SKUs of ACTIVATE products (optionally only those in several warehouses)."""
    rows = [r for r in stock.rows().values() if r.product_status == "ACTIVATE"]
    if multi is None:
        return rows
    counts = dict(
        stock.db.execute("SELECT sku_id, count(*) FROM sku_warehouses GROUP BY sku_id").fetchall()
    )
    return [r for r in rows if (counts.get(r.sku_id, 0) > 1) == multi]


@pytest.fixture
async def stock_shop(
    connect_shop: Callable[..., Awaitable[ConnectedShop]],  # noqa: F811  (the fixture)
) -> AsyncIterator[Callable[..., Awaitable[StockShop]]]:
    """Factory: a connected shop with orders imported and the catalogue synced."""
    sessions: list[ShopSession] = []

    async def make(**config: Any) -> StockShop:
        shop = await connect_shop(**{"orders": 80, "products": 8, **config})
        session = shop.session()
        sessions.append(session)
        await OrderImporter(session).run(*default_range(__import__("time").time(), 90))
        await sync_catalog(session)
        return StockShop(shop, session)

    yield make
    for session in sessions:
        await session.aclose()
