"""Sync as a real shop meets it: webhook topics one by one, the public address as given, a
development shop's hourly budget, and the deep pass that catches what the fast poll missed."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.commands.status import collect_status
from app.config import Paths, Settings, save_settings
from app.connect import ConnectFlow
from app.sandbox import SandboxConfig, SandboxInfo, running_sandbox
from app.sandbox.config import DEFAULT_SCOPES
from app.secrets import SecretStore
from app.sync.engine import SyncEngine, WebhookOptions
from app.sync.session import open_session
from app.sync.subscriptions import HANDLED_EVENTS
from tests.benchmarks.loopback import free_port
from tests.integration.test_webhooks_e2e import place, stored, subscriptions, wait_until

WEBHOOKS = "/event/202309/webhooks"


@dataclass
class Connected:
    """A running sandbox, a data folder connected to it, and the sandbox's admin client."""

    info: SandboxInfo
    paths: Paths
    settings: Settings
    secrets: SecretStore
    admin: httpx.Client

    def engine(self, webhooks: WebhookOptions) -> contextlib.AbstractContextManager[SyncEngine]:
        """The engine on this data folder, with these webhooks."""
        return engine_for(self.paths, self.settings, self.secrets, webhooks)


@contextlib.contextmanager
def shop(tmp_path: Path, config: SandboxConfig, **settings: object) -> Iterator[Connected]:
    """A sandbox server and a data folder connected to it (no engine yet)."""
    with running_sandbox(config) as info, httpx.Client(base_url=info.api_base) as admin:
        paths = Paths(tmp_path / "home").ensure()
        secrets = SecretStore.in_memory()
        chosen = Settings(
            app_key=info.app_key, api_base=info.api_base, auth_base=info.auth_base, **settings
        )
        save_settings(paths, chosen)

        async def connect() -> None:
            flow = ConnectFlow(chosen, info.app_secret, secrets, paths)
            try:
                await flow.finish(await flow.approve_in_sandbox())
            finally:
                await flow.aclose()

        asyncio.run(connect())
        yield Connected(info, paths, chosen, secrets, admin)


@contextlib.contextmanager
def engine_for(
    paths: Paths, settings: Settings, secrets: SecretStore, webhooks: WebhookOptions
) -> Iterator[SyncEngine]:
    engine = SyncEngine(paths, settings, secrets, webhooks=webhooks)
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()


def public(url_path: str = "") -> WebhookOptions:
    """Webhooks through "your own public address", which here is the receiver itself."""
    port = free_port()
    return WebhookOptions(
        mode="url", public_url=f"http://127.0.0.1:{port}{url_path}", host="127.0.0.1", port=port
    )


def open_errors(paths: Paths) -> dict[str, str]:
    db = sqlite3.connect(paths.database)
    try:
        return dict(db.execute("SELECT kind, message FROM errors WHERE state = 'open'"))
    finally:
        db.close()


def webhook_puts(admin: httpx.Client) -> int:
    return int(admin.get("/sandbox/calls").json()["by_path"].get(WEBHOOKS, 0))


def sku_of(admin: httpx.Client) -> str:
    return str(
        next(r for r in admin.get("/sandbox/inventory").json()["skus"] if r["quantity"])["sku_id"]
    )


# --- webhooks ------------------------------------------------------------------------------------


def test_one_refused_topic_leaves_the_rest_subscribed(tmp_path: Path) -> None:
    scopes = tuple(x for x in DEFAULT_SCOPES if x != "seller.return_refund.basic")
    config = SandboxConfig(seed=61, orders=5, granted_scopes=scopes, webhook_time_scale=0.001)
    with shop(tmp_path, config, poll_interval_seconds=60) as s:
        options = public()
        with s.engine(options) as engine:
            wait_until(lambda: engine.status.webhooks.subscribed_url is not None)
            refused = dict(engine.status.webhooks.refused_topics)
            assert list(refused) == ["RETURN_STATUS_CHANGE"]
            assert refused["RETURN_STATUS_CHANGE"].startswith("105005")
            assert set(subscriptions(s.info)) == set(HANDLED_EVENTS) - {"RETURN_STATUS_CHANGE"}
            assert "RETURN_STATUS_CHANGE" in open_errors(s.paths)["webhook_topics"]
            calls = webhook_puts(s.admin)
            order = place(s.admin, sku_of(s.admin))
            wait_until(lambda: order["id"] in stored(s.paths), seconds=10, step=0.02)
            time.sleep(6)  # past the first retry delay: the refused topic is not asked again
            assert webhook_puts(s.admin) == calls


def test_a_public_url_with_the_receiver_path_is_used_as_it_is(tmp_path: Path) -> None:
    config = SandboxConfig(seed=62, orders=5, webhook_time_scale=0.001)
    with shop(tmp_path, config, poll_interval_seconds=60) as s:
        options = public("/webhooks/tiktok/")
        with s.engine(options) as engine:
            wait_until(lambda: engine.status.webhooks.healthy)
            given = options.public_url.rstrip("/")
            assert set(subscriptions(s.info).values()) == {given}  # not …/webhooks/tiktok twice
            order = place(s.admin, sku_of(s.admin))
            began = time.monotonic()
            wait_until(lambda: order["id"] in stored(s.paths), seconds=10, step=0.02)
            assert time.monotonic() - began < 5  # by push: polling is at 60 s here
            assert engine.status.webhooks.not_reaching == ""


def test_an_address_answering_404_shows_webhooks_not_reaching(tmp_path: Path) -> None:
    config = SandboxConfig(seed=63, orders=5)
    with shop(tmp_path, config, poll_interval_seconds=60) as s:
        options = public("/somewhere/else")  # a proxy rule pointing at the wrong path
        with s.engine(options) as engine:
            wait_until(lambda: engine.status.webhooks.probe_status is not None)
            health = engine.status.webhooks
            assert not health.healthy and health.probe_status == 404
            assert health.not_reaching == (
                "webhooks not reaching Shopdesk (the public address answered HTTP 404)"
            )
            assert "HTTP 404" in open_errors(s.paths)["webhook_probe"]


# --- a development shop's hourly budget ----------------------------------------------------------


@pytest.mark.timeout(180)
def test_a_budget_of_120_is_never_exceeded_while_webhooks_keep_orders_current(
    tmp_path: Path,
) -> None:
    config = SandboxConfig(
        seed=64, orders=10, products=6, max_per_hour=120, webhook_time_scale=0.001
    )
    settings = {
        "max_requests_per_hour": 120,
        "poll_interval_seconds": 1,  # unplanned, these two alone would spend 2 calls a second
        "slow_poll_interval_seconds": 1,
        "deep_poll_interval_seconds": 1,
    }
    with shop(tmp_path, config, **settings) as s:

        async def earlier_work() -> None:  # other work of this shop spent part of the hour
            session = open_session(s.paths, s.settings, s.secrets)
            try:
                for _ in range(50):
                    await session.api.warehouses()
            finally:
                await session.aclose()

        asyncio.run(earlier_work())
        with s.engine(public()) as engine:
            wait_until(lambda: engine.status.webhooks.subscribed_url is not None)
            sku = sku_of(s.admin)
            for _ in range(3):
                order = place(s.admin, sku)
                began = time.monotonic()
                wait_until(lambda o=order: o["id"] in stored(s.paths), seconds=10, step=0.02)
                assert time.monotonic() - began < 5  # current by webhook, not by a late poll
                time.sleep(10)
            status = engine.status
            calls = s.admin.get("/sandbox/calls").json()
            budget = engine._session.client.budget  # the live count, read after the sandbox's
            used = budget.used() if budget is not None else -1
        shop_id = next(iter(s.info.sandbox.state.shops))
        assert calls["throttled"] == 0 and calls["hourly_refused"] == 0
        assert calls["hourly"]["used"][shop_id] <= 120
        assert status.budget is not None and status.budget.limit == 120
        assert calls["hourly"]["used"][shop_id] <= used <= 120  # the client counts it all
        assert status.poll_interval is not None and status.poll_interval >= 100  # planned
        assert status.deep_poll_interval is not None and status.deep_poll_interval >= 600
        print(f"budget 120: {status.budget.text}; sandbox counted {calls['hourly']['used']}")


# --- the deep pass -------------------------------------------------------------------------------


def test_the_deep_pass_catches_a_change_the_fast_poll_missed(tmp_path: Path) -> None:
    hours = 3 * 3600
    config = SandboxConfig(seed=65, orders=0, products=4, epoch=int(time.time()) - hours)
    with shop(tmp_path, config, poll_interval_seconds=3600, deep_poll_interval_seconds=3600) as s:
        body = {"paid": True, "is_on_hold_order": False}
        sku = sku_of(s.admin)
        old = s.admin.post(
            "/sandbox/orders", json={"line_items": [{"sku_id": sku, "quantity": 1}], **body}
        ).json()["order"]
        s.admin.post("/sandbox/clock", json={"advance_seconds": hours})  # the shop's clock is now
        fresh = place(s.admin, sku)
        with s.engine(WebhookOptions(mode="none")) as engine:
            wait_until(lambda: {old["id"], fresh["id"]} <= set(stored(s.paths)))
            now = int(s.admin.get("/sandbox/clock").json()["now"])
            # The order was cancelled half an hour ago, and search shows it only now.
            moved = s.admin.post(
                f"/sandbox/orders/{old['id']}/status",
                json={"status": "CANCELLED", "at": now - 1800},
            )
            assert moved.status_code == 200, moved.text
            engine.sync_now().result(30)
            assert stored(s.paths)[old["id"]][0] == "AWAITING_SHIPMENT"  # behind the overlap
            result = engine.deep_pass_now().result(30)
            assert result is not None and old["id"] in result.updated
            assert stored(s.paths)[old["id"]] == ("CANCELLED", now - 1800)
            status = engine.status
        assert status.last_deep_poll_at is not None and status.deep_poll_changed >= 1
        shown = collect_status(s.paths)["deep_poll"]
        assert shown["last_at"] is not None and shown["changed"] >= 1
        assert shown["window_seconds"] == 7200
