"""Order sync budgets: import vs a bare client, polling latency (parse + upsert: bench_upsert)."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

import httpx

from app.sandbox import Sandbox, SandboxConfig
from app.store.db import open_db
from app.sync.engine import SyncEngine
from app.sync.importer import OrderImporter, default_range
from app.sync.session import open_session
from app.tiktok.signing import compact_json, sign
from tests.benchmarks.sandbox_process import BenchShop, connected

IMPORT_ORDERS = 20_000
QPS = 50


def sandbox_pages(count: int) -> list[bytes]:
    """Search pages of realistic sandbox orders, as the JSON bytes TikTok would send."""
    sandbox = Sandbox(SandboxConfig(seed=5, orders=count, products=40))
    orders = [o for shop in sandbox.state.shops.values() for o in shop.orders.values()]
    pages = []
    for start in range(0, len(orders), 100):
        data = {"orders": orders[start : start + 100], "next_page_token": "x", "total_count": count}
        pages.append(
            json.dumps({"code": 0, "message": "Success", "request_id": "r", "data": data}).encode()
        )
    return pages


async def bare_fetch(shop: BenchShop, token: str, cipher: str, start: int, end: int) -> int:
    """The same pages with nothing but signing, httpx and json, paced at the same QPS."""
    info = shop.info
    path = "/order/202309/orders/search"
    body = compact_json({"create_time_ge": start, "create_time_lt": end})
    page_token, pages = "", 0
    interval = 1.0 / QPS
    next_slot = time.monotonic()
    async with httpx.AsyncClient(base_url=info["api_base"], timeout=30) as http:
        while True:
            now = time.monotonic()
            if now < next_slot:
                await asyncio.sleep(next_slot - now)
            next_slot = max(now, next_slot) + interval
            params = {
                "app_key": info["app_key"],
                "shop_cipher": cipher,
                "page_size": "100",
                "sort_field": "create_time",
                "sort_order": "ASC",
                "timestamp": str(int(time.time())),
            }
            if page_token:
                params["page_token"] = page_token
            params["sign"] = sign(info["app_secret"], path, params, body)
            response = await http.post(
                path,
                params=params,
                content=body,
                headers={"content-type": "application/json", "x-tts-access-token": token},
            )
            data = response.json()
            if data["code"] != 0:
                raise RuntimeError(f"bare client refused: {data}")
            pages += 1
            page_token = data["data"].get("next_page_token") or ""
            if not page_token or not data["data"]["orders"]:
                return pages


def import_vs_bare() -> dict[str, Any]:
    with connected("--orders", str(IMPORT_ORDERS), "--qps", str(QPS), "--seed", "8") as shop:
        start, end = default_range(time.time(), 90)
        token = shop.secrets.token(shop.settings.app_key)
        assert token is not None

        async def both() -> tuple[float, int, float, Any]:
            session = open_session(shop.paths, shop.settings, shop.secrets)
            try:
                await asyncio.sleep(1.1)  # the sandbox's bucket refills before each run
                began = time.perf_counter()
                pages = await bare_fetch(
                    shop, token.access_token.get_secret_value(), session.shop.cipher, start, end
                )
                bare_s = time.perf_counter() - began
                await asyncio.sleep(1.1)
                began = time.perf_counter()
                result = await OrderImporter(session).run(start, end)
                return bare_s, pages, time.perf_counter() - began, result
            finally:
                await session.aclose()

        bare_s, bare_pages, ours_s, result = asyncio.run(both())
    return {"bare_s": bare_s, "bare_pages": bare_pages, "ours_s": ours_s, "result": result}


def polling_latency(samples: int = 8, interval: float = 3.0) -> dict[str, float]:
    """A new order placed in the sandbox until its row is in SQLite, webhooks off."""
    latencies = []
    with connected("--orders", "50", "--seed", "9", poll_interval=interval) as shop:
        engine = SyncEngine(shop.paths, shop.settings, shop.secrets)
        engine.start()
        try:
            time.sleep(1)
            with httpx.Client(base_url=shop.info["api_base"]) as admin:
                sku = admin.get("/sandbox/inventory").json()["skus"][0]["sku_id"]
                reader = open_db(shop.paths.database, readonly=True)
                for n in range(samples):
                    time.sleep(interval * (0.37 + 0.61 * ((n * 7) % samples) / samples))
                    placed = admin.post(
                        "/sandbox/orders", json={"line_items": [{"sku_id": sku, "quantity": 1}]}
                    ).json()["order"]["id"]
                    began = time.perf_counter()
                    while not reader.execute(
                        "SELECT 1 FROM orders WHERE id = ?", [placed]
                    ).fetchone():
                        time.sleep(0.01)
                    latencies.append(time.perf_counter() - began)
                reader.close()
        finally:
            engine.stop()
    return {"interval": interval, "p50": statistics.median(latencies), "max": max(latencies)}


def run() -> list[dict[str, Any]]:
    compare = import_vs_bare()
    latency = polling_latency()
    ratio = compare["ours_s"] / compare["bare_s"]
    result = compare["result"]
    return [
        {
            "name": "import_vs_bare_client",
            "value": round(ratio, 3),
            "unit": "x",
            "budget": "<= 1.10",
            "detail": f"{IMPORT_ORDERS} orders at {QPS} QPS: import {compare['ours_s']:.2f} s "
            f"({result.pages} pages, {result.api_calls} calls, {result.throttled} throttled) "
            "vs bare "
            f"{compare['bare_s']:.2f} s ({compare['bare_pages']} pages)",
        },
        {
            "name": "poll_latency_max",
            "value": round(latency["max"], 2),
            "unit": "s",
            "budget": f"<= poll interval + 1 s ({latency['interval'] + 1:g} s here)",
            "detail": f"webhooks off, interval {latency['interval']:g} s, p50 "
            f"{latency['p50']:.2f} s over 8 new orders",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
