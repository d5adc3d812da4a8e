"""The command line as a real shop needs it: the Partner Center remembered, TikTok's tracking
warning in `ship --json`, and `sync --max-per-hour` against a development shop."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from app.sandbox import SandboxConfig, running_sandbox
from app.sandbox.logistics import NO_PROVIDER_WARNING
from tests.integration.cli_support import Cli, admin
from tests.integration.test_ship_cli import seller_orders


def test_connect_remembers_the_us_partner_center(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=71, orders=0, partner_center="us")) as info:
        cli = Cli(tmp_path / "home", info)
        args = ["connect", "--app-key", info.app_key, "--sandbox", info.api_base]
        service = ["--service-id", info.service_id]
        wrong = cli.run(*args, *service, check=False)  # registered in the US, linked globally
        assert wrong.returncode != 0 and "HTTP 400" in wrong.stderr
        cli.run(*args, *service, "--partner-center", "us")
        saved = json.loads((tmp_path / "home" / "settings.json").read_text())
        assert saved["partner_center"] == "us"


def test_ship_json_carries_tiktoks_tracking_warning(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=72, orders=5)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        first, second = seller_orders(info, 2)
        cli.run("sync", "--once")
        provider_id = cli.run("ship", first, "--providers").stdout.split("\t")[0]
        report = cli.json(
            "ship",
            first,
            "--tracking",
            "ZZ12345678",
            "--provider",
            provider_id,
            "--anyway",
            "--json",
        )
        [shipped] = report["orders"]
        assert shipped["ok"] and shipped["warning"] == NO_PROVIDER_WARNING
        words = cli.run(
            "ship", second, "--tracking", "ZZ12345679", "--provider", provider_id, "--anyway"
        )
        assert f"{second}: TikTok Shop warns: {NO_PROVIDER_WARNING}" in words.stdout


def test_sync_once_stays_inside_max_per_hour(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=73, orders=250, max_per_hour=2)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        # 250 orders are three pages; a budget of 2 lets the first two go and holds the rest
        # back instead of drawing TikTok's 429 (the poll then waits; the timeout ends it).
        proc = cli.popen("sync", "--once", "--max-per-hour", "2")
        try:
            proc.wait(timeout=8)
        except subprocess.TimeoutExpired:  # still waiting for the hour, as it should
            proc.kill()
            proc.wait()
        with admin(info) as client:
            calls = client.get("/sandbox/calls").json()
        assert calls["hourly_refused"] == 0
        assert sum(calls["hourly"]["used"].values()) <= 2
