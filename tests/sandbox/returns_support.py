"""Helpers for the return tests: TikTok's return endpoints and the sandbox's return levers."""

from __future__ import annotations

import json
from typing import Any

import httpx

from app.sandbox import Sandbox
from tests.sandbox.support import ShopClient

SEARCH = "/return_refund/202309/returns/search"
REASONS = "/return_refund/202309/reject_reasons"
CALCULATE = "/return_refund/202309/refunds/calculate"
DAY = 86400
HOUR = 3600


def code(payload: dict[str, Any]) -> int:
    return int(payload["code"])


async def search_all(
    client: ShopClient, body: dict[str, Any] | None = None, **params: str
) -> list[dict[str, Any]]:
    """Every request matching `body`, page after page (50 a page)."""
    found: list[dict[str, Any]] = []
    token = ""
    while True:
        query = {"page_size": "50", **params, **({"page_token": token} if token else {})}
        data = await client.ok("POST", SEARCH, params=query, body=body or {})
        found += data["return_orders"]
        token = data["next_page_token"]
        if not token:
            return found


async def one(client: ShopClient, return_id: str) -> dict[str, Any]:
    data = await client.ok("POST", SEARCH, body={"return_ids": [return_id]})
    (found,) = data["return_orders"]
    return found  # type: ignore[no-any-return]


async def answer(
    client: ShopClient, return_id: str, action: str, key: str | None = None, **body: Any
) -> dict[str, Any]:
    """POST approve or reject; `key` is the idempotency key."""
    params = {"idempotency_key": key} if key is not None else None
    path = f"/return_refund/202309/returns/{return_id}/{action}"
    return (await client.call("POST", path, params=params, body=body)).json()  # type: ignore[no-any-return]


async def records(client: ShopClient, return_id: str) -> list[dict[str, Any]]:
    path = f"/return_refund/202309/returns/{return_id}/records"
    return (await client.ok("GET", path))["records"]  # type: ignore[no-any-return]


async def reasons(client: ShopClient, return_id: str) -> dict[str, str]:
    data = await client.ok("GET", REASONS, params={"return_or_cancel_id": return_id})
    return {r["name"]: r["text"] for r in data["reasons"]}


async def open_return(http: httpx.AsyncClient, order_id: str, **body: Any) -> dict[str, Any]:
    """A buyer's request through the admin API."""
    response = await http.post("/sandbox/returns", json={"order_id": order_id, **body})
    assert response.status_code == 200, response.text
    return response.json()["return"]  # type: ignore[no-any-return]


async def lever(http: httpx.AsyncClient, return_id: str, name: str, **body: Any) -> httpx.Response:
    return await http.post(f"/sandbox/returns/{return_id}/{name}", json=body)


async def advance(http: httpx.AsyncClient, seconds: int) -> None:
    response = await http.post("/sandbox/clock", json={"advance_seconds": seconds})
    assert response.status_code == 200, response.text


async def delivered_order(
    http: httpx.AsyncClient, sandbox: Sandbox, units: int = 1, **extra: Any
) -> dict[str, Any]:
    """A fresh order taken to DELIVERED through the admin API."""
    from tests.sandbox.test_fulfillment import new_order

    order = await new_order(http, sandbox, (1,) * units, **extra)
    for status in ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"):
        moved = await http.post(f"/sandbox/orders/{order['id']}/status", json={"status": status})
        assert moved.status_code == 200, moved.text
    return moved.json()["order"]  # type: ignore[no-any-return]


def return_pushes(sandbox: Sandbox, return_id: str) -> list[dict[str, Any]]:
    """The RETURN_STATUS_CHANGE pushes made for one request, in order."""
    found = []
    for delivery in sandbox.webhooks.log:
        if delivery.type == 12 and not delivery.duplicate:
            payload = json.loads(delivery.body)
            if payload["data"]["return_id"] == return_id:
                found.append(payload)
    return found


async def subscribe_returns(client: ShopClient, address: str = "https://example.com/hooks") -> None:
    body = {"address": address, "event_type": "RETURN_STATUS_CHANGE"}
    await client.ok("PUT", "/event/202309/webhooks", body=body)
