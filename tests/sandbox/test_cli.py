"""`python -m app.sandbox`: one JSON line when listening, serves, exits 0 on SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.sandbox import Sandbox, SandboxConfig, add_arguments, running_sandbox
from app.sandbox.server import config_from_args
from tests.sandbox.conftest import APP_KEY, make_config

ROOT = Path(__file__).resolve().parents[2]


def start(*flags: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "app.sandbox", *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_one_json_line_serves_and_stops_cleanly(sig: signal.Signals) -> None:
    process = start(
        "--port",
        "0",
        "--orders",
        "25",
        "--seed",
        "3",
        "--app-key",
        "clikey",
        "--app-secret",
        "clisecret",
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        info = json.loads(line)
        assert set(info) == {"api_base", "auth_base", "app_key", "app_secret", "service_id"}
        assert (info["app_key"], info["app_secret"]) == ("clikey", "clisecret")
        assert info["api_base"].startswith("http://127.0.0.1:") and not info["api_base"].endswith(
            ":0"
        )
        with httpx.Client(base_url=info["api_base"]) as http:
            assert len(http.get("/sandbox/orders").json()["orders"]) == 25
            page = http.get(
                "/open/authorize", params={"service_id": info["service_id"], "state": "s"}
            )
            assert page.status_code == 200 and "Approve" in page.text
        process.send_signal(sig)
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert out == ""  # nothing after the one line
    assert "clisecret" not in err


def test_random_credentials_and_bad_input() -> None:
    process = start("--port", "0", "--orders", "5")
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert len(info["app_key"]) >= 8 and len(info["app_secret"]) >= 32
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    bad = subprocess.run(
        [sys.executable, "-m", "app.sandbox", "--faults", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert bad.returncode == 2 and "faults" in bad.stderr and bad.stdout == ""


def test_every_flag_reaches_the_config() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(
        [
            "--host",
            "127.0.0.2",
            "--port",
            "9",
            "--seed",
            "5",
            "--orders",
            "11",
            "--products",
            "6",
            "--qps",
            "7",
            "--faults",
            "0.1",
            "--order-rate",
            "3",
            "--app-key",
            "k",
            "--app-secret",
            "s",
            "--redirect-url",
            "http://127.0.0.1:1/cb",
            "--access-ttl",
            "60",
            "--refresh-ttl",
            "600",
            "--webhook-time-scale",
            "0.5",
            "--shops",
            "2",
            "--days",
            "9",
            "--epoch",
            "1800000000",
        ]
    )
    assert config_from_args(args) == SandboxConfig(
        seed=5,
        orders=11,
        products=6,
        qps=7.0,
        faults=0.1,
        order_rate=3.0,
        app_key="k",
        app_secret="s",
        redirect_url="http://127.0.0.1:1/cb",
        access_ttl=60,
        refresh_ttl=600,
        shops=2,
        webhook_time_scale=0.5,
        host="127.0.0.2",
        port=9,
        history_days=9,
        epoch=1_800_000_000,
    )
    defaults = config_from_args(parser.parse_args([]))
    assert (defaults.port, defaults.orders, defaults.products, defaults.qps) == (0, 300, 20, 50.0)
    assert defaults.redirect_url == "http://127.0.0.1:8765/callback" and defaults.app_key is None


def test_market_and_label_flags_reach_the_config() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    flags = ["--region", "GB", "--seller-type", "CROSS_BORDER", "--no-label-allocation"]
    flags += ["--document-ttl", "120", "--carrier-scan-delay", "0"]
    config = config_from_args(parser.parse_args(flags))
    assert (config.region, config.seller_type, config.label_allocation) == (
        "GB",
        "CROSS_BORDER",
        False,
    )
    assert (config.document_ttl, config.carrier_scan_delay) == (120, 0)
    defaults = config_from_args(parser.parse_args([]))
    assert (defaults.region, defaults.seller_type, defaults.label_allocation) == (
        "US",
        "LOCAL",
        True,
    )
    assert (defaults.document_ttl, defaults.carrier_scan_delay) == (86400, 36 * 3600)
    shop = next(iter(Sandbox(config).state.shops.values()))
    assert (shop.region, shop.seller_type, shop.currency) == ("GB", "CROSS_BORDER", "GBP")
    for bad in (["--region", "FR"], ["--seller-type", "GLOBAL"]):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)
    with pytest.raises(ValueError, match="document_ttl"):
        SandboxConfig(document_ttl=0)


async def test_live_mode_places_and_moves_orders() -> None:
    sandbox = Sandbox(make_config(orders=20, order_rate=1200))
    before = {o["id"]: o["status"] for s in sandbox.state.shops.values() for o in s.orders.values()}
    await sandbox.start()
    try:
        for _ in range(100):
            await asyncio.sleep(0.05)
            now = {
                o["id"]: o["status"]
                for s in sandbox.state.shops.values()
                for o in s.orders.values()
            }
            moved = [i for i in before if now[i] != before[i]]
            if len(now) >= len(before) + 3 and moved:
                break
        assert len(now) >= len(before) + 3 and moved
    finally:
        await sandbox.stop()


def test_running_sandbox_serves_from_a_thread() -> None:
    with running_sandbox(make_config(orders=12)) as info:
        assert (info.app_key, info.auth_base) == (APP_KEY, info.api_base)
        with httpx.Client(base_url=info.api_base) as http:
            response = http.get("/sandbox/orders")
            assert len(response.json()["orders"]) == 12 and response.headers["date"]
            unknown = http.get("/order/202309/unknown")
            assert (unknown.status_code, unknown.json()["code"]) == (404, 36009009)
        port = info.api_base.rsplit(":", 1)[1]
    with pytest.raises(httpx.ConnectError), httpx.Client() as http:
        http.get(f"http://127.0.0.1:{port}/sandbox/calls")
