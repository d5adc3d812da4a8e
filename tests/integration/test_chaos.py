"""The chaos suite: the whole app against a misbehaving TikTok Shop, then everything must match.

One run of `shopdesk sync` (engine, webhook receiver, stand-in tunnel) while the sandbox
answers with server errors, 36009003, throttling bursts, slow answers and dropped
connections, drops 20% of its pushes and duplicates and reorders others; the tunnel is
killed twice and the engine is SIGKILLed and restarted twice, while 600 orders (2,000
under stress) are placed and moved through 2.5 transitions each and stock is edited from the
command line. When it settles, SQLite must equal the sandbox: every order's status and update
time, every edited SKU's quantity on TikTok as Shopdesk computed it, nothing duplicated, no
acknowledged push lost, every failure recorded with its reason, and no secret on disk.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import load_settings, paths, save_settings
from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli
from tests.integration.secrets_scan import assert_no_secrets, issued_secrets
from tests.order_flow import next_status

FAKE_TUNNEL = f"{sys.executable} -m tests.relay.fake_tunnel tunnel --url http://127.0.0.1:{{port}}"
# The everyday run places 600 orders through 1,500 transitions (all four restarts, two
# stock edits and a throttling burst still happen); SHOPDESK_STRESS_ORDERS=2000 is the full
# measurement reported in the closing notes.
ORDERS = int(os.environ.get("SHOPDESK_STRESS_ORDERS", "600"))
TRANSITIONS = ORDERS * 5 // 2
FAULTS = {
    "api_error_rate": 0.1,  # half HTTP 5xx, half 36009003
    "api_slow_rate": 0.05,
    "api_slow_seconds": 0.4,
    "api_drop_rate": 0.03,
    "throttle_rate": 0.02,
    "webhook_drop_rate": 0.2,
    "webhook_duplicate_rate": 0.1,
    "webhook_reorder_rate": 0.1,
    "seed": 99,
}
QUIET = {key: 0.0 for key in FAULTS if key.endswith("_rate")}


def wait_until(predicate, seconds: float, step: float = 0.5, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not settled in {seconds:.0f} s: {what}")
        time.sleep(step)


def query(db_path: Path, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(db_path, timeout=30)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


class Engine:
    """`shopdesk sync` as a separate process, killed and restarted like a laptop would."""

    def __init__(self, cli: Cli) -> None:
        self.cli = cli
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0
        self.tunnel_kills = 0

    def start(self) -> None:
        self.proc = self.cli.popen(
            "sync", "--listen", "127.0.0.1:0", "--tunnel-command", FAKE_TUNNEL
        )
        self.starts += 1

    def sigkill(self) -> None:
        assert self.proc is not None and self.proc.poll() is None, "the engine died on its own"
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.kills += 1

    def kill_tunnel(self) -> None:
        record = json.loads((self.cli.home / "tunnel.pid").read_text())
        os.kill(record["pid"], signal.SIGKILL)
        self.tunnel_kills += 1

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)


def subscribed(info, path_fragment: str = "/webhooks/tiktok") -> bool:
    shop = next(iter(info.sandbox.state.shops.values()))
    return any(path_fragment in s.address for s in shop.subscriptions.values())


def truth(admin: httpx.Client) -> dict[str, tuple[str, int]]:
    return {
        o["id"]: (o["status"], o["update_time"])
        for o in admin.get("/sandbox/orders").json()["orders"]
    }


def stored(home: Path) -> dict[str, tuple[str, int]]:
    return {
        r[0]: (r[1], r[2])
        for r in query(home / "shopdesk.db", "SELECT id, status, update_time FROM orders")
    }


@pytest.mark.timeout(600)
def test_the_whole_app_survives_a_misbehaving_shop_and_ends_exact(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    config = SandboxConfig(seed=77, orders=0, products=80, webhook_time_scale=0.002)
    rng = random.Random(2026)
    with running_sandbox(config) as info, httpx.Client(base_url=info.api_base, timeout=60) as admin:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        p = paths(cli.home)
        settings = load_settings(p)
        settings.poll_interval_seconds, settings.slow_poll_interval_seconds = 3.0, 10.0
        save_settings(p, settings)
        engine = Engine(cli)
        request.addfinalizer(engine.kill)  # a failed assertion leaves no engine running
        engine.start()
        wait_until(lambda: subscribed(info), 30, what="webhooks subscribed")
        admin.put("/sandbox/faults", json=FAULTS)

        stock = admin.get("/sandbox/inventory").json()["skus"]
        units = [row["sku_id"] for row in stock for _ in range(max(0, row["quantity"]))]
        rng.shuffle(units)
        seller_skus = sorted({row["seller_sku"] for row in stock})
        placed: list[str] = []
        moves = edits = bursts = 0
        live: dict[str, dict[str, Any]] = {}
        milestones = {
            int(ORDERS * 0.25): engine.kill_tunnel,
            int(ORDERS * 0.40): lambda: (engine.sigkill(), engine.start()),
            int(ORDERS * 0.55): engine.kill_tunnel,
            int(ORDERS * 0.70): lambda: (engine.sigkill(), engine.start()),
        }
        started = time.monotonic()
        for sku in units:
            if len(placed) == ORDERS:
                break
            answer = admin.post(
                "/sandbox/orders",
                json={"line_items": [{"sku_id": sku, "quantity": 1}], "paid": rng.random() < 0.8},
            )
            if answer.status_code != 200:
                continue  # product not for sale: buyers cannot order it
            order = answer.json()["order"]
            placed.append(order["id"])
            live[order["id"]] = order
            # move earlier orders along: 2.5 transitions per order on average
            while moves < TRANSITIONS * len(placed) / ORDERS and live:
                oid = rng.choice(list(live))
                current = live[oid]
                target = "CANCELLED" if rng.random() < 0.05 else next_status(current)
                if target is None or current["status"] == "CANCELLED":
                    live.pop(oid)
                    continue
                moved = admin.post(f"/sandbox/orders/{oid}/status", json={"status": target})
                if moved.status_code == 200:
                    live[oid] = moved.json()["order"]
                    moves += 1
                else:
                    live.pop(oid)
            if len(placed) in milestones:
                milestones.pop(len(placed))()
            if len(placed) % 250 == 0:  # a stock count from the shelf, typed on the command line
                sku_name = rng.choice(seller_skus)
                result = cli.run("stock", "set", sku_name, str(rng.randint(20, 200)), check=False)
                edits += result.returncode == 0
            if len(placed) % 400 == 0:  # a burst of throttling
                admin.put("/sandbox/faults", json={"throttle_rate": 1.0})
                time.sleep(1.0)
                admin.put("/sandbox/faults", json={"throttle_rate": FAULTS["throttle_rate"]})
                bursts += 1
        activity = time.monotonic() - started
        assert len(placed) == ORDERS and moves >= TRANSITIONS

        # Let it settle: the shop stops misbehaving, Shopdesk catches up by itself.
        admin.put("/sandbox/faults", json=QUIET)
        admin.post("/sandbox/clock", json={"advance_seconds": 2})
        expected = truth(admin)
        wait_until(
            lambda: stored(cli.home) == expected, 180, 1.0, "SQLite orders equal the sandbox's"
        )
        settled = time.monotonic() - started - activity

        # stock: every edited SKU's quantity on TikTok is what Shopdesk computed from its count
        wait_until(
            lambda: (
                not query(
                    cli.home / "shopdesk.db",
                    "SELECT 1 FROM outbox WHERE state IN"
                    " ('pending', 'in_flight', 'failed') LIMIT 1",
                )
            ),
            120,
            1.0,
            "every stock push sent",
        )

        def stock_mismatches() -> list[tuple[str, int, int]]:
            listed: dict[str, int] = {}
            for row in admin.get("/sandbox/inventory").json()["skus"]:
                listed[row["sku_id"]] = listed.get(row["sku_id"], 0) + row["quantity"]
            counted = query(
                cli.home / "shopdesk.db", "SELECT s.sku_id FROM stock s WHERE s.estimate = 0"
            )
            cli.run("export", "stock", "--out", str(tmp_path / "stock.csv"))
            with (tmp_path / "stock.csv").open(encoding="utf-8") as handle:
                rows = {r["sku_id"]: r for r in csv.DictReader(handle)}
            wrong = []
            for (sku_id,) in counted:
                row = rows[sku_id]
                target = max(0, int(row["available"]) - int(row["buffer"]))
                if listed[sku_id] != target:
                    wrong.append((row["seller_sku"], listed[sku_id], target))
            return wrong

        # A unit sold while its push was on the wire, seen after that push's round, is pushed
        # again by the engine itself once the order arrives (no auto-push setting needed).
        try:
            wait_until(lambda: not stock_mismatches(), 60, 1.0, "TikTok lists what we computed")
        except AssertionError:
            assert stock_mismatches() == []  # (seller SKU, TikTok lists, Shopdesk computed)
        counted = query(cli.home / "shopdesk.db", "SELECT sku_id FROM stock WHERE estimate = 0")

        # nothing duplicated: line items exactly the sandbox's, one shipped movement each
        sandbox_items = sum(
            len(o["line_items"]) for o in admin.get("/sandbox/orders").json()["orders"]
        )
        assert query(
            cli.home / "shopdesk.db", "SELECT count(*), count(DISTINCT id) FROM line_items"
        ) == [(sandbox_items, sandbox_items)]
        # no acknowledged push lost: every delivery the receiver answered is in the inbox
        deliveries = admin.get("/sandbox/webhooks").json()["deliveries"]
        delivered = {d["notification_id"] for d in deliveries if d["status"] == "delivered"}
        kept = {r[0] for r in query(cli.home / "shopdesk.db", "SELECT notification_id FROM inbox")}
        assert delivered <= kept
        # every failure visible with its reason
        failed_runs = query(
            cli.home / "shopdesk.db", "SELECT kind, error FROM sync_runs WHERE state = 'failed'"
        )
        assert all(error for _kind, error in failed_runs)
        interrupted = sum("interrupted" in error for _kind, error in failed_runs)
        errors = query(cli.home / "shopdesk.db", "SELECT kind, message, action FROM errors")
        assert all(message and action for _kind, message, action in errors)

        assert engine.stop() == 0  # and it still stops cleanly
        calls = admin.get("/sandbox/calls").json()
        assert_no_secrets(cli.home, issued_secrets(info))

    dropped = sum(d["status"] == "dropped" for d in deliveries)
    duplicated = sum(bool(d.get("duplicate")) for d in deliveries)
    print(
        f"\nchaos: {ORDERS} orders, {moves} transitions, {edits} stock edits in {activity:.0f} s;"
        f" settled {settled:.0f} s later.\n"
        f"  survived: {calls['total']} API calls with {calls['throttled']} throttled "
        f"({bursts} bursts), 10% errors, 5% slow, 3% dropped connections; "
        f"{dropped} pushes dropped, {duplicated} duplicated; tunnel killed "
        f"{engine.tunnel_kills}x; engine SIGKILLed {engine.kills}x ({interrupted} runs closed as"
        f" interrupted).\n  end state: {len(expected)} orders equal, {len(counted)} counted SKUs"
        f" listed exactly, {len(delivered)} acknowledged pushes all kept, {len(errors)} error"
        f" rows all with a reason, no secret on disk."
    )
