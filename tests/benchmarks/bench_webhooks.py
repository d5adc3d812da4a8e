"""Webhook budgets: the receiver's answer time under 100 events/s, and push -> row latency."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from app.sync.engine import SyncEngine, WebhookOptions
from tests.benchmarks.receiver_process import APP_KEY, APP_SECRET, separate_receiver
from tests.benchmarks.sandbox_process import ROOT, connected

RATE = 100
SECONDS = 10
FAKE_TUNNEL = f"{sys.executable} -m tests.relay.fake_tunnel tunnel --url http://127.0.0.1:{{port}}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def load(port: int) -> list[float]:
    """Signed pushes at a steady 100 per second; each answer's time as the sender sees it."""
    url = f"http://127.0.0.1:{port}/webhooks/tiktok"
    times: list[float] = []

    async def one(client: httpx.AsyncClient, n: int) -> None:
        body = json.dumps(
            {
                "type": 1,
                "tts_notification_id": str(7 * 10**18 + n),
                "shop_id": "1",
                "timestamp": 1,
                "data": {"order_id": str(10**18 + n), "order_status": "UNPAID", "update_time": 1},
            }
        ).encode()
        signature = hmac.new(
            APP_SECRET.encode(), APP_KEY.encode() + body, hashlib.sha256
        ).hexdigest()
        started = time.perf_counter()
        answer = await client.post(url, content=body, headers={"authorization": signature})
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=50)) as client:
        for _ in range(20):  # warm the connections
            await client.get(f"http://127.0.0.1:{port}/")
        tasks = []
        start = time.perf_counter()
        for n in range(RATE * SECONDS):
            delay = start + n / RATE - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(client, n)))
        await asyncio.gather(*tasks)
    return times


def receiver_answer() -> dict[str, float]:
    with separate_receiver() as receiver:
        times = asyncio.run(load(receiver.port))
    stored = receiver.stored
    return {
        "p50": percentile(times, 50),
        "p99": percentile(times, 99),
        "max": max(times),
        "count": len(times),
        "stored": stored,
    }


def push_to_row(samples: int = 60) -> dict[str, float]:
    os.environ["PYTHONPATH"] = str(ROOT)
    latencies = []
    with connected(
        "--orders", "20", "--seed", "12", "--webhook-time-scale", "0.001", poll_interval=60.0
    ) as shop:
        engine = SyncEngine(
            shop.paths,
            shop.settings,
            shop.secrets,
            webhooks=WebhookOptions(mode="command", command=FAKE_TUNNEL),
        )
        engine.start()
        try:
            deadline = time.monotonic() + 30
            while engine.status.webhooks.subscribed_url is None:
                assert time.monotonic() < deadline, "webhooks never came up"
                time.sleep(0.05)
            reader = sqlite3.connect(Path(shop.paths.database))
            with httpx.Client(base_url=shop.info["api_base"]) as admin:
                skus = [
                    s["sku_id"]
                    for s in admin.get("/sandbox/inventory").json()["skus"]
                    if s["quantity"] > 0
                ]
                for n in range(samples):
                    order = admin.post(
                        "/sandbox/orders",
                        json={"line_items": [{"sku_id": skus[n % len(skus)], "quantity": 1}]},
                    )
                    if order.status_code != 200:
                        continue
                    began = time.perf_counter()
                    oid = order.json()["order"]["id"]
                    while not reader.execute("SELECT 1 FROM orders WHERE id = ?", [oid]).fetchone():
                        time.sleep(0.002)
                    latencies.append(time.perf_counter() - began)
                    time.sleep(0.1)
            reader.close()
        finally:
            engine.stop()
    return {
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "count": len(latencies),
    }


def run() -> list[dict[str, Any]]:
    answer = receiver_answer()
    latency = push_to_row()
    return [
        {
            "name": "webhook_answer_p99",
            "value": round(answer["p99"] * 1000, 2),
            "unit": "ms",
            "budget": "<= 20 ms at p99 under 100 events/s",
            "detail": f"p50 {answer['p50'] * 1000:.2f} ms, max {answer['max'] * 1000:.1f} ms; "
            f"{answer['count']} signed pushes at {RATE}/s, {answer['stored']} committed",
        },
        {
            "name": "push_to_row_p99",
            "value": round(latency["p99"] * 1000, 1),
            "unit": "ms",
            "budget": "<= 250 ms at p99 (webhooks on)",
            "detail": f"p50 {latency['p50'] * 1000:.1f} ms over {latency['count']} new orders: "
            "sandbox -> stand-in tunnel -> receiver -> inbox -> detail fetch -> SQLite",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
