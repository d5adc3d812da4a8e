"""A connected shop whose client talks to the sandbox through a transport that loses answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.sync.session import ShopSession, open_session
from app.tiktok.returns import ReturnsApi
from tests.fulfillment.conftest import LosingTransport
from tests.sync.conftest import ConnectedShop, connect_shop  # noqa: F401  (fixture)


class FailingFirst(httpx.AsyncBaseTransport):
    """Answers the first request to a path fragment with a bare 503 (it never reaches the
    sandbox), then lets everything through: a failure whose outcome the client cannot know."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.fail_once: list[str] = []
        self.seen: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        for fragment in list(self.fail_once):
            if fragment in request.url.path:
                self.fail_once.remove(fragment)
                return httpx.Response(503, request=request)
        return await self.inner.handle_async_request(request)


@dataclass
class ReturnsShop:
    """A connected shop, the returns client over the losing transports, and sandbox levers."""

    shop: ConnectedShop
    session: ShopSession
    losing: LosingTransport
    failing: FailingFirst
    api: ReturnsApi

    async def calls(self, fragment: str) -> int:
        by_path = (await self.shop.admin.get("/sandbox/calls")).json()["by_path"]
        return sum(n for path, n in by_path.items() if fragment in path)

    async def truth(self) -> dict[str, dict[str, Any]]:
        """The sandbox's requests by id, exactly as Search Returns shows them."""
        found = (await self.shop.admin.get("/sandbox/returns")).json()["returns"]
        return {r["return_id"]: r for r in found}

    async def open(self, **body: Any) -> dict[str, Any]:
        """A buyer's new request on a freshly delivered order."""
        order = await self.delivered()
        answer = await self.shop.admin.post("/sandbox/returns", json={"order_id": order, **body})
        assert answer.status_code == 200, answer.text
        return answer.json()["return"]  # type: ignore[no-any-return]

    async def delivered(self) -> str:
        skus = (await self.shop.admin.get("/sandbox/inventory")).json()["skus"]
        sku = next(s for s in skus if s["quantity"] > 0)
        created = await self.shop.admin.post(
            "/sandbox/orders",
            json={
                "line_items": [{"sku_id": sku["sku_id"], "quantity": 1}],
                "paid": True,
                "is_on_hold_order": False,
            },
        )
        order_id = str(created.json()["order"]["id"])
        for status in ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"):
            await self.shop.move(order_id, status)
        return order_id


@pytest.fixture
async def returns_shop(
    connect_shop: Callable[..., Awaitable[ConnectedShop]],  # noqa: F811  (the fixture)
) -> AsyncIterator[ReturnsShop]:
    shop = await connect_shop(orders=300, products=12)
    failing = FailingFirst(shop.transport)
    losing = LosingTransport(failing)
    session = open_session(shop.paths, shop.settings, shop.secrets, transport=losing)
    try:
        yield ReturnsShop(shop, session, losing, failing, ReturnsApi(session.client))
    finally:
        await session.aclose()
