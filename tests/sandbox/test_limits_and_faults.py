"""Rate limits (429 / 36009002) and seeded faults, in-process and over a real socket."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from app.sandbox import Sandbox, create_app, running_sandbox_async
from app.sandbox import errors as e
from tests.sandbox.conftest import APP_KEY, APP_SECRET, make_config
from tests.sandbox.support import ShopClient

SEARCH = "/order/202309/orders/search"
PAGE = {"page_size": "1"}


async def connected(sandbox: Sandbox, http: httpx.AsyncClient) -> ShopClient:
    client = ShopClient(http, APP_KEY, APP_SECRET)
    await client.connect()
    return client


async def test_burst_above_qps_is_throttled_per_api() -> None:
    sandbox = Sandbox(make_config(orders=20, qps=5))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(sandbox)), base_url="http://t"
    ) as http:
        client = await connected(sandbox, http)
        answers = [await client.call("POST", SEARCH, params=PAGE, body={}) for _ in range(12)]
        codes = [(r.status_code, r.json()["code"]) for r in answers]
        assert codes[:5] == [(200, 0)] * 5
        assert (429, 36009002) in codes[5:]
        throttled = [r for r in answers if r.status_code == 429]
        assert throttled[0].json()["message"] == e.TOO_MANY_REQUESTS[1]
        # Another API has its own bucket; the throttled one refills at qps.
        assert (await client.call("GET", "/logistics/202309/warehouses")).json()["code"] == 0
        await asyncio.sleep(0.25)
        assert (await client.call("POST", SEARCH, params=PAGE, body={})).json()["code"] == 0
        assert (await http.get("/sandbox/calls")).json()["throttled"] == len(throttled)


async def test_fault_settings_api(http: httpx.AsyncClient) -> None:
    settings = (await http.get("/sandbox/faults")).json()
    assert settings == {
        "api_error_rate": 0.0,
        "api_slow_rate": 0.0,
        "api_slow_seconds": 1.5,
        "api_answer_delay_seconds": 0.0,
        "api_drop_rate": 0.0,
        "throttle_rate": 0.0,
        "webhook_drop_rate": 0.0,
        "webhook_duplicate_rate": 0.0,
        "webhook_reorder_rate": 0.0,
        "seed": None,
    }
    changed = (await http.put("/sandbox/faults", json={"throttle_rate": 0.5, "seed": 4})).json()
    assert changed == {**settings, "throttle_rate": 0.5, "seed": 4}
    for bad in ({"throttle_rate": 2}, {"nope": 1}, {"seed": "x"}):
        assert (await http.put("/sandbox/faults", json=bad)).status_code == 400
    rates = Sandbox(make_config(orders=5, faults=0.3)).faults.settings.to_dict()
    assert {k: v for k, v in rates.items() if k.endswith("_rate")} == dict.fromkeys(
        [k for k in rates if k.endswith("_rate")], 0.3
    )


async def outcomes(seed: int) -> list[tuple[int, int | None]]:
    sandbox = Sandbox(make_config(orders=10))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(sandbox)), base_url="http://t"
    ) as http:
        client = await connected(sandbox, http)
        await http.put(
            "/sandbox/faults", json={"api_error_rate": 0.5, "throttle_rate": 0.2, "seed": seed}
        )
        found = []
        for _ in range(30):
            r = await client.call("GET", "/logistics/202309/warehouses")
            code = (
                r.json()["code"]
                if r.headers.get("content-type", "").startswith("application/json")
                else None
            )
            found.append((r.status_code, code))
            if r.status_code in (500, 503):
                assert r.content == b"" or r.content.startswith(b"<html>")
        # Faults never touch our admin API or the auth host.
        assert (await http.get("/sandbox/calls")).status_code == 200
        assert (await http.get("/oauth/authorize", params={"app_key": APP_KEY})).status_code == 200
        return found


async def test_faults_are_seeded_and_cover_each_kind() -> None:
    first = await outcomes(11)
    assert first == await outcomes(11)
    assert first != await outcomes(12)
    kinds = set(first)
    assert (200, 0) in kinds and (200, 36009003) in kinds and (429, 36009002) in kinds
    assert kinds & {(500, None), (503, None)}


async def test_slow_answers(client: ShopClient, http: httpx.AsyncClient) -> None:
    await http.put("/sandbox/faults", json={"api_slow_rate": 1.0, "api_slow_seconds": 0.2})
    started = time.monotonic()
    assert (await client.call("GET", "/logistics/202309/warehouses")).json()["code"] == 0
    assert time.monotonic() - started >= 0.2


async def test_dropped_connection_on_a_real_server() -> None:
    async with (
        running_sandbox_async(make_config(orders=10)) as info,
        httpx.AsyncClient(base_url=info.api_base) as http,
    ):
        client = await connected(info.sandbox, http)
        response = await client.call("GET", "/logistics/202309/warehouses")
        assert response.headers["date"]  # TikTok answers carry a Date header
        await http.put("/sandbox/faults", json={"api_drop_rate": 1.0})
        with pytest.raises(httpx.RemoteProtocolError):
            await client.call("GET", "/logistics/202309/warehouses")
        await http.put("/sandbox/faults", json={"api_drop_rate": 0.0})
        assert (await client.call("GET", "/logistics/202309/warehouses")).json()["code"] == 0
