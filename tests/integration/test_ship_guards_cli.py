"""`shopdesk ship` refuses a tracking number that does not fit its carrier (exit 2, nothing
sent) until `--anyway`; `--check-tracking` asks TikTok Shop about each number (US shops)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli, sandbox_orders
from tests.integration.test_ship_cli import seller_orders

USPS_NUMBER = "9400111899223344556677"


def test_an_odd_number_is_refused_until_anyway(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=43, orders=10, seller_type="LOCAL")) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        first, second = seller_orders(info, 2)
        cli.run("sync", "--once")
        refused = cli.run(
            "ship", first, "--tracking", USPS_NUMBER, "--provider", "UPS", check=False
        )
        assert refused.returncode == 2
        assert f"tracking number {USPS_NUMBER} does not look like UPS's" in refused.stderr
        assert "add --anyway" in refused.stderr and "nothing was queued" in refused.stderr
        assert sandbox_orders(info)[first]["status"] == "AWAITING_SHIPMENT"

        sent = cli.run("ship", first, "--tracking", USPS_NUMBER, "--provider", "UPS", "--anyway")
        assert f"{first}: shipped" in sent.stdout
        assert "TikTok Shop warns:" in sent.stdout and "USPS" in sent.stdout  # TikTok's own
        assert sandbox_orders(info)[first]["status"] in ("AWAITING_COLLECTION", "IN_TRANSIT")

        odd = tmp_path / "odd.csv"
        odd.write_text(f"order_id,tracking_number,provider\n{second},ABC12345,FedEx\n")
        refused = cli.run("ship", "--csv", str(odd), check=False)
        assert refused.returncode == 2 and "line 2: tracking number ABC12345" in refused.stderr
        assert sandbox_orders(info)[second]["status"] == "AWAITING_SHIPMENT"
        report = cli.json("ship", "--csv", str(odd), "--anyway", "--json")
        assert report["shipped"] == 1


def check_tracking(tmp_path: Path, config: SandboxConfig) -> tuple[str, Any, Any]:
    """One seller order shipped with `--check-tracking` (USPS): its id, the run, the truth."""
    with running_sandbox(config) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        [order] = seller_orders(info, 1)
        cli.run("sync", "--once")
        args = ("ship", order, "--tracking", USPS_NUMBER, "--provider", "USPS")
        run = cli.run(*args, "--check-tracking", check=False)
        return order, run, sandbox_orders(info)[order]


def test_check_tracking_asks_tiktok_first(tmp_path: Path) -> None:
    config = SandboxConfig(seed=44, orders=10, seller_type="LOCAL")
    order, run, truth = check_tracking(tmp_path, config)
    assert run.returncode == 0, run.stderr
    assert (
        f"{order}: TikTok Shop: {USPS_NUMBER} is not a TikTok Shipping or Collection by "
        "TikTok number" in run.stderr
    )
    assert f"{order}: shipped" in run.stdout
    assert truth["status"] in ("AWAITING_COLLECTION", "IN_TRANSIT")


def test_check_tracking_is_refused_outside_the_us(tmp_path: Path) -> None:
    _order, run, truth = check_tracking(tmp_path, SandboxConfig(seed=45, orders=10, region="GB"))
    assert run.returncode == 2 and "US shops only" in run.stderr
    assert truth["status"] == "AWAITING_SHIPMENT"
