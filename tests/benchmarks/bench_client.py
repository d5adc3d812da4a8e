"""Client overhead per request (sign, build, parse a 100-order page) vs a bare httpx call."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.tiktok.api import OrderQuery, ShopApi
from app.tiktok.auth import AuthClient, TokenManager
from app.tiktok.client import ClientConfig, TikTokClient
from app.tiktok.models import Order, Token
from app.tiktok.signing import sign
from tests.benchmarks.loopback import serve
from tests.spec_files import spec

ROUNDS = 8
PER_ROUND = 60


def hundred_order_page() -> bytes:
    """A search page of 100 documented orders, three line items each."""
    example = json.loads(spec("orders", "get-order-list")["response_body"])["data"]["orders"][0]
    orders = []
    for i in range(100):
        order = json.loads(json.dumps(example))
        order["id"] = str(576461413038785752 + i)
        order["line_items"] = [
            dict(order["line_items"][0], id=str(10**18 + i * 3 + k)) for k in range(3)
        ]
        orders.append(order)
    body = {
        "code": 0,
        "message": "Success",
        "request_id": "r",
        "data": {"orders": orders, "next_page_token": "abc+/=", "total_count": 100},
    }
    return json.dumps(body).encode()


def make_app(page: bytes) -> Starlette:
    async def search(request: Request) -> Response:
        await request.body()
        return Response(page, media_type="application/json")

    return Starlette(routes=[Route("/order/202309/orders/search", search, methods=["POST"])])


def make_client(base: str, http: httpx.AsyncClient) -> ShopApi:
    token = Token(
        access_token=SecretStr("TTP_bench"),
        access_token_expire_in=4_000_000_000,
        refresh_token=SecretStr("TTP_r"),
        refresh_token_expire_in=4_000_000_000,
    )
    manager = TokenManager(
        AuthClient("k", "s", auth_base=base, http=http), token, save=lambda t: None
    )
    config = ClientConfig(app_key="benchkey", api_base=base, qps=1_000_000)
    return ShopApi(
        TikTokClient(
            config, "bench-secret", manager, shop_id="s", shop_cipher="GCP_bench", http=http
        )
    )


async def measure(base: str) -> dict[str, float]:
    async with httpx.AsyncClient() as http:
        api = make_client(base, http)
        url = base + "/order/202309/orders/search"
        body = b'{"update_time_ge":1}'
        bare_times: list[float] = []
        client_times: list[float] = []
        for _ in range(20):  # warm both paths and the connection
            await http.post(url, content=body)
            _ = (await api.search_orders(OrderQuery(update_time_ge=1))).orders
        for _ in range(ROUNDS):  # alternate so machine noise hits both alike
            started = time.perf_counter()
            for _ in range(PER_ROUND):
                (await http.post(url, content=body)).json()
            bare_times.append((time.perf_counter() - started) / PER_ROUND)
            started = time.perf_counter()
            for _ in range(PER_ROUND):
                page = await api.search_orders(OrderQuery(update_time_ge=1))
                assert len(page.orders) == 100  # full models, every field validated
            client_times.append((time.perf_counter() - started) / PER_ROUND)
        assert len(page.orders) == 100
    return {"bare": statistics.median(bare_times), "client": statistics.median(client_times)}


def micro() -> dict[str, float]:
    """Where the client's time goes, without the network."""
    params = {
        "app_key": "benchkey",
        "shop_cipher": "GCP_bench",
        "timestamp": "1764000000",
        "page_size": "100",
        "sort_field": "update_time",
        "sort_order": "ASC",
    }
    n = 20000
    started = time.perf_counter()
    for _ in range(n):
        sign("bench-secret", "/order/202309/orders/search", params, b'{"update_time_ge":1}')
    sign_us = (time.perf_counter() - started) / n * 1e6
    raw = json.loads(hundred_order_page())["data"]["orders"]
    started = time.perf_counter()
    for _ in range(50):
        [Order.from_api(o) for o in raw]
    parse_ms = (time.perf_counter() - started) / 50 * 1e3
    return {"sign_us": sign_us, "parse_100_ms": parse_ms}


def run() -> list[dict[str, Any]]:
    page = hundred_order_page()
    with serve(make_app(page)) as base:
        timing = asyncio.run(measure(base))
    parts = micro()
    ratio = timing["client"] / timing["bare"]
    return [
        {
            "name": "client_vs_bare_httpx_ratio",
            "value": round(ratio, 2),
            "unit": "x",
            "detail": f"client {timing['client'] * 1e3:.2f} ms vs bare "
            f"{timing['bare'] * 1e3:.2f} ms per 100-order page ({len(page) // 1024} KiB), loopback",
        },
        {
            "name": "client_overhead_per_request",
            "value": round((timing["client"] - timing["bare"]) * 1e3, 2),
            "unit": "ms",
            "detail": f"sign {parts['sign_us']:.1f} us, parse 100 orders "
            f"{parts['parse_100_ms']:.2f} ms",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
