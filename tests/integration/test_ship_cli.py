"""`shopdesk ship` as a user runs it: one order, a CSV of orders, and a CSV with mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli, sandbox_orders


def seller_orders(info, count: int, shipping_type: str = "SELLER") -> list[str]:
    placed: list[str] = []
    with httpx.Client(base_url=info.api_base) as admin:
        for row in admin.get("/sandbox/inventory").json()["skus"]:
            answer = admin.post(
                "/sandbox/orders",
                json={
                    "line_items": [{"sku_id": row["sku_id"], "quantity": 1}],
                    "paid": True,
                    "is_on_hold_order": False,
                    "shipping_type": shipping_type,
                },
            )
            if answer.status_code == 200:
                placed.append(answer.json()["order"]["id"])
            if len(placed) == count:
                break
        admin.post("/sandbox/clock", json={"advance_seconds": 2})
    return placed


def test_ship_one_order_then_a_csv_and_refuse_a_bad_csv(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=41, orders=10)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        first, *rest = seller_orders(info, 5)
        cli.run("sync", "--once")
        providers = cli.run("ship", first, "--providers").stdout.strip().splitlines()
        provider_id, provider_name = providers[0].split("\t")
        one = cli.run("ship", first, "--tracking", "ONE000001", "--provider", provider_name)
        assert f"{first}: shipped" in one.stdout

        good = tmp_path / "good.csv"
        good.write_text(
            "order_id,tracking_number,provider\n"
            + "".join(f"{oid},CSV{n:06d},{provider_id}\n" for n, oid in enumerate(rest[:3]))
        )
        report = cli.json("ship", "--csv", str(good), "--json")
        assert report["shipped"] == 3 and report["failed"] == 0

        bad = tmp_path / "bad.csv"
        bad.write_text(
            "order_id,tracking_number,provider\n"
            f"{rest[3]},OK0000001,{provider_name}\n"
            f"{first},AGAIN0001,{provider_name}\n"  # shipped already
            "123,NOPE00001,USPS\n"  # unknown order
            f"{rest[3]},DUP000001,nobody\n"  # duplicate order, unknown carrier
        )
        refused = cli.run("ship", "--csv", str(bad), check=False)
        assert refused.returncode == 2
        for line in ("line 3", "line 4", "line 5"):
            assert line in refused.stderr
        assert "nothing was queued" in refused.stderr

        truth = sandbox_orders(info)
        shipped = [first, *rest[:3]]
        assert all(truth[o]["status"] in ("AWAITING_COLLECTION", "IN_TRANSIT") for o in shipped)
        assert truth[rest[3]]["status"] == "AWAITING_SHIPMENT"  # the bad file queued nothing
        status = json.loads(cli.run("status", "--json").stdout)
        assert status["orders"]["by_status"].get("AWAITING_COLLECTION", 0) >= 4
