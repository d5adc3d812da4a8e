"""Webhooks end to end: sandbox -> stand-in tunnel -> receiver -> inbox -> SQLite, with faults."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import Paths, Settings, save_settings
from app.connect import ConnectFlow
from app.sandbox import SandboxConfig, SandboxInfo, running_sandbox
from app.secrets import SecretStore
from app.sync.engine import SyncEngine, WebhookOptions

ROOT = Path(__file__).resolve().parents[2]
FAKE_TUNNEL = f"{sys.executable} -m tests.relay.fake_tunnel tunnel --url http://127.0.0.1:{{port}}"


@contextlib.contextmanager
def connected_engine(
    tmp_path: Path, config: SandboxConfig, *, poll: float = 60.0, slow: float | None = None
) -> Iterator[tuple[SandboxInfo, SyncEngine, Paths]]:
    """A sandbox server, a data folder connected to it, and a running engine with webhooks."""
    os.environ["PYTHONPATH"] = str(ROOT)
    with running_sandbox(config) as info:
        paths = Paths(tmp_path / "home").ensure()
        secrets = SecretStore.in_memory()
        settings = Settings(
            app_key=info.app_key,
            api_base=info.api_base,
            auth_base=info.auth_base,
            poll_interval_seconds=poll,
            slow_poll_interval_seconds=slow or poll,
        )
        save_settings(paths, settings)

        async def connect() -> None:
            flow = ConnectFlow(settings, info.app_secret, secrets, paths)
            try:
                await flow.finish(await flow.approve_in_sandbox())
            finally:
                await flow.aclose()

        asyncio.run(connect())
        engine = SyncEngine(
            paths, settings, secrets, webhooks=WebhookOptions(mode="command", command=FAKE_TUNNEL)
        )
        engine.start()
        try:
            yield info, engine, paths
        finally:
            engine.stop()


def wait_until(predicate, seconds: float = 30.0, step: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(step)


def stored(paths: Paths) -> dict[str, tuple[str, int]]:
    db = sqlite3.connect(paths.database)
    try:
        return {
            r[0]: (r[1], r[2]) for r in db.execute("SELECT id, status, update_time FROM orders")
        }
    finally:
        db.close()


def subscriptions(info: SandboxInfo) -> dict[str, str]:
    shop = next(iter(info.sandbox.state.shops.values()))
    return {s.event_type: s.address for s in shop.subscriptions.values()}


def place(admin: httpx.Client, sku: str) -> dict:
    answer = admin.post("/sandbox/orders", json={"line_items": [{"sku_id": sku, "quantity": 1}]})
    assert answer.status_code == 200, answer.text
    return answer.json()["order"]


def test_pushes_flow_through_the_tunnel_and_follow_it_when_it_restarts(tmp_path: Path) -> None:
    config = SandboxConfig(seed=31, orders=10, webhook_time_scale=0.001)
    with (
        connected_engine(tmp_path, config) as (info, engine, paths),
        httpx.Client(base_url=info.api_base) as admin,
    ):
        wait_until(lambda: engine.status.webhooks.subscribed_url is not None)
        health = engine.status.webhooks
        first_url = health.tunnel.url
        assert subscriptions(info)["ORDER_STATUS_CHANGE"] == first_url + "/webhooks/tiktok"
        assert len(subscriptions(info)) == 11
        sku = admin.get("/sandbox/inventory").json()["skus"][0]["sku_id"]
        order = place(admin, sku)
        began = time.monotonic()
        wait_until(lambda: order["id"] in stored(paths), seconds=20, step=0.01)
        latency = time.monotonic() - began
        # Polling is at 60 s here: only the push can explain this. The latency itself is the
        # webhook benchmark's figure (p99 in milliseconds); here the bound leaves room for a
        # busy test machine running other tests beside this one.
        assert latency < 5.0
        # the status snapshot follows the commit on the engine thread
        wait_until(lambda: engine.status.webhooks.last_delivery_at is not None, seconds=10)

        service = engine._webhooks
        os.kill(service.tunnel.pid, signal.SIGKILL)
        wait_until(
            lambda: (
                (engine.status.webhooks.subscribed_url or first_url) != first_url
                and service.health.subscribed_url not in (None, first_url)
            )
        )
        new_url = service.health.subscribed_url
        assert subscriptions(info)["ORDER_STATUS_CHANGE"] == new_url + "/webhooks/tiktok"
        second = place(admin, sku)
        wait_until(lambda: second["id"] in stored(paths), seconds=10, step=0.01)
        assert service.tunnel.status.restarts == 1
        print(f"push latency {latency * 1000:.0f} ms; tunnel moved {first_url} -> {new_url}")


@pytest.mark.timeout(300)
def test_two_thousand_orders_arrive_exactly_despite_dropped_and_duplicated_pushes(
    tmp_path: Path,
) -> None:
    config = SandboxConfig(seed=32, orders=0, products=40, webhook_time_scale=0.001)
    with (
        connected_engine(tmp_path, config, poll=3.0) as (info, engine, paths),
        httpx.Client(base_url=info.api_base, timeout=30) as admin,
    ):
        wait_until(lambda: engine.status.webhooks.subscribed_url is not None)
        admin.put(
            "/sandbox/faults",
            json={"webhook_drop_rate": 0.2, "webhook_duplicate_rate": 0.1, "seed": 5},
        )
        stock: dict[str, int] = {}
        for row in admin.get("/sandbox/inventory").json()["skus"]:
            stock[row["sku_id"]] = stock.get(row["sku_id"], 0) + row["quantity"]
        # spread the orders over SKUs that still have units, as buyers would; products that
        # are not for sale refuse orders, like TikTok's
        placed: list[str] = []
        for sku in [sku for sku, units in stock.items() for _ in range(units)][::2]:
            answer = admin.post(
                "/sandbox/orders", json={"line_items": [{"sku_id": sku, "quantity": 1}]}
            )
            if answer.status_code == 200:
                placed.append(answer.json()["order"]["id"])
            if len(placed) == 2000:
                break
        assert len(placed) == 2000
        truth = {
            o["id"]: (o["status"], o["update_time"])
            for o in admin.get("/sandbox/orders").json()["orders"]
        }
        assert set(placed) == set(truth)
        admin.post("/sandbox/clock", json={"advance_seconds": 1})
        wait_until(lambda: stored(paths) == truth, seconds=120, step=0.5)
        deliveries = admin.get("/sandbox/webhooks").json()["deliveries"]
        dropped = sum(d["status"] == "dropped" for d in deliveries)
        duplicated = sum(bool(d.get("duplicate")) for d in deliveries)
        db = sqlite3.connect(paths.database)
        inbox_rows, repeats = db.execute("SELECT count(*), sum(duplicates) FROM inbox").fetchone()
        db.close()
        assert dropped > 300 and duplicated > 100
        assert inbox_rows + dropped >= 2000
        print(
            f"2000 orders: {dropped} pushes dropped, {duplicated} duplicated, "
            f"{inbox_rows} stored once ({repeats} repeats ignored); SQLite equals the sandbox"
        )


def test_polling_slows_while_pushes_verifiably_arrive_and_speeds_up_when_not(
    tmp_path: Path,
) -> None:
    config = SandboxConfig(seed=33, orders=5)
    with connected_engine(tmp_path, config, poll=1.0, slow=30.0) as (_info, engine, _paths):
        # subscribed, and the probe sent through the tunnel came back: slow polling
        wait_until(lambda: engine.status.webhooks.healthy)
        engine.sync_now().result(10)
        wait_until(lambda: engine.status.poll_interval == 30.0)
        service = engine._webhooks
        service.tunnel.min_backoff = 10.0  # stays down long enough to look at
        os.kill(service.tunnel.pid, signal.SIGKILL)
        wait_until(lambda: not engine.status.webhooks.healthy)
        engine.sync_now().result(10)
        assert engine.status.poll_interval == 1.0
