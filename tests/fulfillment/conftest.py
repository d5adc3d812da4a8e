"""A connected shop with seller-shipped orders awaiting shipment, and a way to lose answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.sync.fulfillment import Fulfiller
from app.sync.poller import poll_once
from app.sync.session import ShopSession
from tests.sync.conftest import ConnectedShop, connect_shop  # noqa: F401  (fixture)


class LosingTransport(httpx.AsyncBaseTransport):
    """Lets requests reach the sandbox but loses chosen answers on the way back, or before."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.lose_after: list[str] = []  # path fragments: the server acts, the answer is lost
        self.lose_before: list[str] = []  # path fragments: the request never arrives

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        for fragment in list(self.lose_before):
            if fragment in path:
                self.lose_before.remove(fragment)
                raise httpx.ConnectError("connection refused", request=request)
        response = await self.inner.handle_async_request(request)
        for fragment in list(self.lose_after):
            if fragment in path:
                self.lose_after.remove(fragment)
                await response.aread()
                raise httpx.ReadTimeout("the answer never came", request=request)
        return response


@dataclass
class ShipShop:
    """A connected shop, its session through a LosingTransport, and sandbox helpers."""

    shop: ConnectedShop
    session: ShopSession
    transport: LosingTransport
    fulfiller: Fulfiller = field(init=False)

    def __post_init__(self) -> None:
        self.fulfiller = Fulfiller(self.session)

    async def place(self, shipping_type: str = "SELLER", **extra: Any) -> dict[str, Any]:
        """A paid order that is awaiting shipment, already in SQLite."""
        skus = (await self.shop.admin.get("/sandbox/inventory")).json()["skus"]
        for row in skus:
            if row["quantity"] <= 0:
                continue
            answer = await self.shop.admin.post(
                "/sandbox/orders",
                json={
                    "line_items": [{"sku_id": row["sku_id"], "quantity": 2}],
                    "paid": True,
                    "is_on_hold_order": False,
                    "shipping_type": shipping_type,
                    **extra,
                },
            )
            if answer.status_code == 200:
                order = answer.json()["order"]
                await self.shop.later()
                await poll_once(self.session)
                return order
        raise AssertionError("no SKU could take an order")

    async def order(self, order_id: str) -> dict[str, Any]:
        return (await self.shop.truth())[order_id]

    def stored(self, order_id: str) -> dict[str, Any]:
        from app.store.orders import fetch_order_raw

        raw = fetch_order_raw(self.session.db, order_id)
        assert raw is not None
        return raw

    async def calls(self, fragment: str) -> int:
        by_path = (await self.shop.admin.get("/sandbox/calls")).json()["by_path"]
        return sum(n for path, n in by_path.items() if fragment in path)


@pytest.fixture
async def ship_shop(
    connect_shop: Callable[..., Awaitable[ConnectedShop]],  # noqa: F811  (the fixture)
) -> AsyncIterator[Callable[..., Awaitable[ShipShop]]]:
    sessions: list[ShopSession] = []

    async def make(**config: Any) -> ShipShop:
        shop = await connect_shop(**{"orders": 20, "products": 6, **config})
        transport = LosingTransport(shop.transport)
        session = _session_with(shop, transport)
        sessions.append(session)
        await poll_once(session)
        return ShipShop(shop, session, transport)

    yield make
    for session in sessions:
        await session.aclose()


def _session_with(shop: ConnectedShop, transport: httpx.AsyncBaseTransport) -> ShopSession:
    from app.sync.session import open_session

    return open_session(shop.paths, shop.settings, shop.secrets, transport=transport)
