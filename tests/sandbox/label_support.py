"""Calls of the label APIs for the sandbox tests, each answer checked against its spec-json."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from app.sandbox import Sandbox, create_app
from tests.sandbox.conformance import assert_conforms
from tests.sandbox.conftest import APP_KEY, APP_SECRET
from tests.sandbox.support import ShopClient
from tests.sandbox.test_fulfillment import new_order

CREATE = "/fulfillment/202309/packages"
ONE_POUND = {"value": "1", "unit": "POUND"}
BOX = {"length": "20", "width": "15", "height": "10", "unit": "CM"}


def code(payload: dict[str, Any]) -> int:
    return int(payload["code"])


def conforms(payload: dict[str, Any], spec: str) -> None:
    """A success holds only documented fields; a refusal is the bare envelope."""
    if code(payload) == 0:
        assert_conforms(payload, spec)
    else:
        assert set(payload) == {"code", "message", "request_id", "data"}
        assert payload["data"] is None and payload["message"]


@contextlib.asynccontextmanager
async def shop_client(sandbox: Sandbox) -> AsyncIterator[tuple[httpx.AsyncClient, ShopClient]]:
    """A connected client of a sandbox made with its own settings."""
    transport = httpx.ASGITransport(app=create_app(sandbox))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as http:
        client = ShopClient(http, APP_KEY, APP_SECRET)
        await client.connect()
        yield http, client


async def tiktok_order(
    http: httpx.AsyncClient, sandbox: Sandbox, quantities: tuple[int, ...] = (1,), **extra: Any
) -> dict[str, Any]:
    """A paid TikTok Shipping order awaiting shipment."""
    return await new_order(http, sandbox, quantities, shipping_type="TIKTOK", **extra)


async def eligible(client: ShopClient, order_id: str, **body: Any) -> dict[str, Any]:
    path = f"/fulfillment/202309/orders/{order_id}/shipping_services/query"
    payload: dict[str, Any] = (await client.call("POST", path, body=body)).json()
    conforms(payload, "fulfillment/get-eligible-shipping-service.spec.json")
    return payload


async def create(client: ShopClient, order_id: str, **body: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (
        await client.call("POST", CREATE, body={"order_id": order_id, **body})
    ).json()
    conforms(payload, "fulfillment/create-packages.spec.json")
    return payload


async def bought(client: ShopClient, order_id: str, **body: Any) -> dict[str, Any]:
    """Buy a label and insist it worked; returns `data`."""
    body.setdefault("weight", ONE_POUND)
    body.setdefault("dimension", BOX)
    payload = await create(client, order_id, **body)
    assert code(payload) == 0, payload
    return payload["data"]  # type: ignore[no-any-return]


async def document(client: ShopClient, package_id: str, **params: str) -> dict[str, Any]:
    params.setdefault("document_type", "SHIPPING_LABEL")
    path = f"/fulfillment/202309/packages/{package_id}/shipping_documents"
    payload: dict[str, Any] = (await client.call("GET", path, params=params)).json()
    conforms(payload, "fulfillment/get-package-shipping-document.spec.json")
    return payload


async def order_detail(client: ShopClient, order_id: str) -> dict[str, Any]:
    payload = (await client.call("GET", "/order/202309/orders", params={"ids": order_id})).json()
    assert_conforms(payload, "orders/get-order-detail.spec.json")
    return payload["data"]["orders"][0]  # type: ignore[no-any-return]


async def package_detail(client: ShopClient, package_id: str) -> dict[str, Any]:
    payload = (await client.call("GET", f"/fulfillment/202309/packages/{package_id}")).json()
    assert_conforms(payload, "fulfillment/get-package-detail.spec.json")
    assert code(payload) == 0, payload
    return payload["data"]  # type: ignore[no-any-return]


async def advance(http: httpx.AsyncClient, seconds: int) -> None:
    response = await http.post("/sandbox/clock", json={"advance_seconds": seconds})
    assert response.status_code == 200
