"""Fixtures: a seeded sandbox served in-process, and a client that went through OAuth."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.sandbox import PACKAGE_FIRST_SELLER_TYPE, Sandbox, SandboxConfig, create_app
from tests.sandbox.support import ShopClient

APP_KEY = "6a1b2c3d4e5f6"
APP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"


def make_config(**overrides: object) -> SandboxConfig:
    values: dict[str, object] = {"seed": 7, "app_key": APP_KEY, "app_secret": APP_SECRET}
    values.update(overrides)
    return SandboxConfig(**values)  # type: ignore[arg-type]


#: A market where TikTok opens an order's package as soon as it awaits shipment (not US or UK
#: local sellers, FACTS.md 9.3), for tests of Ship Package on those packages.
PACKAGES_FIRST: dict[str, object] = {"seller_type": PACKAGE_FIRST_SELLER_TYPE}


@pytest.fixture
def sandbox_market() -> dict[str, object]:
    """The shop's market; a test module overrides this to play another one."""
    return {}


@pytest.fixture
def sandbox(sandbox_market: dict[str, object]) -> Sandbox:
    return Sandbox(make_config(**sandbox_market))


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(sandbox))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as client:
        yield client


@pytest.fixture
async def client(http: httpx.AsyncClient) -> ShopClient:
    shop_client = ShopClient(http, APP_KEY, APP_SECRET)
    await shop_client.connect()
    return shop_client
