"""A connected shop against an in-process sandbox: real connect flow, real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.config import Paths, Settings, save_settings
from app.connect import ConnectFlow
from app.sandbox import PACKAGE_FIRST_SELLER_TYPE, Sandbox, SandboxConfig, create_app
from app.secrets import SecretStore
from app.sync.session import ShopSession, open_session

BASE = "http://sandbox.test"


@dataclass
class ConnectedShop:
    """Everything a sync test needs, plus the sandbox's ground truth."""

    paths: Paths
    settings: Settings
    secrets: SecretStore
    sandbox: Sandbox
    transport: httpx.ASGITransport
    admin: httpx.AsyncClient

    def session(self, **kwargs: Any) -> ShopSession:
        return open_session(
            self.paths, self.settings, self.secrets, transport=self.transport, **kwargs
        )

    async def truth(self) -> dict[str, dict[str, Any]]:
        """The sandbox's orders by id, exactly as its API returns them."""
        response = await self.admin.get("/sandbox/orders")
        return {o["id"]: o for o in response.json()["orders"]}

    async def move(self, order_id: str, status: str) -> dict[str, Any]:
        response = await self.admin.post(
            f"/sandbox/orders/{order_id}/status", json={"status": status}
        )
        assert response.status_code == 200, response.text
        return response.json()["order"]

    async def later(self, seconds: int = 2) -> None:
        """Move the shop clock on: search excludes changes of the current second (its
        `update_time_lt` defaults to now)."""
        response = await self.admin.post("/sandbox/clock", json={"advance_seconds": seconds})
        assert response.status_code == 200, response.text


@pytest.fixture
async def connect_shop(
    data_paths: Paths, memory_secrets: SecretStore
) -> AsyncIterator[Callable[..., Awaitable[ConnectedShop]]]:
    """Factory: a sandbox with the given settings and a data folder connected to it."""
    clients: list[httpx.AsyncClient] = []

    async def make(**config: Any) -> ConnectedShop:
        # The app ships TikTok Shipping orders through the package TikTok opens first.
        defaults = {"seed": 11, "orders": 300, "seller_type": PACKAGE_FIRST_SELLER_TYPE}
        sandbox = Sandbox(SandboxConfig(**{**defaults, **config}))
        transport = httpx.ASGITransport(app=create_app(sandbox))
        settings = Settings(app_key=sandbox.app_key, api_base=BASE, auth_base=BASE)
        save_settings(data_paths, settings)
        flow = ConnectFlow(
            settings, sandbox.app_secret, memory_secrets, data_paths, transport=transport
        )
        try:
            await flow.finish(await flow.approve_in_sandbox())
        finally:
            await flow.aclose()
        admin = httpx.AsyncClient(transport=transport, base_url=BASE)
        clients.append(admin)
        return ConnectedShop(data_paths, settings, memory_secrets, sandbox, transport, admin)

    yield make
    for client in clients:
        await client.aclose()
