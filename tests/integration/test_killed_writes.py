"""A `ship` or `stock push` SIGKILLed mid-write: the next run checks TikTok and finishes it once.

Two ways to die: while TikTok Shop is slow to take the call (the sandbox's slow fault, so the
write never lands), and after it landed while the answer is still on its way back (the
sandbox's answer delay). The next `ship` or `stock push` must find the write the dead process
claimed, ask TikTok what happened, and then finish it (resend) or count it as done (never a
second mark-shipped), and say so; it must never report "nothing to do" meanwhile.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli, admin, sandbox_orders
from tests.integration.test_ship_cli import seller_orders

SLOW = {"api_slow_rate": 1.0, "api_slow_seconds": 5.0, "seed": 3}
LATE = {"api_answer_delay_seconds": 5.0}
QUIET = {"api_slow_rate": 0.0, "api_answer_delay_seconds": 0.0}
SHIPPED = ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED")


def set_faults(info, faults: dict) -> None:
    with admin(info) as client:
        client.put("/sandbox/faults", json=faults).raise_for_status()


def calls(info, path: str) -> int:
    with admin(info) as client:
        return int(client.get("/sandbox/calls").json()["by_path"].get(path, 0))


def kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str) -> None:
    """SIGKILL the process once `ready()` holds (it must still be running then)."""
    deadline = time.monotonic() + 60
    while not ready():
        assert proc.poll() is None, f"the process ended before {what}"
        assert time.monotonic() < deadline, f"never reached: {what}"
        time.sleep(0.05)
    time.sleep(0.3)
    assert proc.poll() is None, f"the process ended right after {what}"
    proc.kill()
    proc.wait(timeout=10)


def listed(info, sku_id: str) -> int:
    with admin(info) as client:
        rows = client.get("/sandbox/inventory").json()["skus"]
    return sum(r["quantity"] for r in rows if r["sku_id"] == sku_id)


@pytest.mark.timeout(600)
def test_a_killed_ship_is_checked_with_tiktok_and_finished_exactly_once(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=47, orders=10)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        orders = seller_orders(info, 6)
        cli.run("sync", "--once")
        provider = cli.run("ship", orders[0], "--providers").stdout.splitlines()[0].split("\t")[0]
        failures: list[str] = []
        for n, order in enumerate(orders):
            landed = n % 2 == 1
            path = f"/fulfillment/202309/orders/{order}/packages"
            args = ("ship", order, "--tracking", f"KILL{n:06d}", "--provider", provider)
            set_faults(info, LATE if landed else SLOW)
            proc = cli.popen(*args)
            if landed:
                kill_when(
                    proc,
                    lambda o=order: sandbox_orders(info)[o]["status"] in SHIPPED,
                    "the shipment landed",
                )
            else:
                kill_when(proc, lambda p=path: calls(info, p) >= 1, "mark-shipped was sent")
            set_faults(info, QUIET)
            again = cli.run(*args, "--json", check=False)
            report = json.loads(again.stdout.strip().splitlines()[-1]) if again.stdout else {}
            truth = sandbox_orders(info)[order]
            sent = calls(info, path)
            problems = []
            if again.returncode != 0 or report.get("shipped") != 1:
                problems.append(f"rerun exit {again.returncode} report {report} {again.stderr}")
            if truth["status"] not in SHIPPED:
                problems.append(f"TikTok still has it {truth['status']}")
            if landed and sent != 1:
                problems.append(f"mark-shipped sent {sent} times after it had landed")
            tracking = {i.get("tracking_number") for i in truth["line_items"]}
            if tracking != {f"KILL{n:06d}"}:
                problems.append(f"tracking on TikTok {tracking}")
            if problems:
                failures.append(
                    f"order {order} ({'landed' if landed else 'not landed'}): {problems}"
                )
        assert not failures, f"{len(failures)} of {len(orders)} killed shipments: {failures}"
        assert cli.json("status", "--json")["outbox"]["pending"] == 0


@pytest.mark.timeout(600)
def test_a_killed_stock_push_is_checked_with_tiktok_and_finished(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=48, orders=30, products=6)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        cli.run("import", "--days", "90")
        with admin(info) as client:
            rows = client.get("/sandbox/inventory").json()["skus"]
        active = {
            p.id
            for shop in info.sandbox.state.shops.values()
            for p in shop.products.values()
            if p.status == "ACTIVATE"
        }
        skus = list({r["sku_id"]: r for r in rows if r["product_id"] in active}.values())[:2]
        failures: list[str] = []
        for n, sku in enumerate(skus):
            landed = n % 2 == 1
            shown = cli.run("stock", "set", sku["sku_id"], "0").stdout
            committed = int(shown.split("committed ")[1].split(",")[0])
            target = 8 + n
            cli.run("stock", "set", sku["sku_id"], str(committed + target))
            path = f"/product/202309/products/{sku['product_id']}/inventory/update"
            before = calls(info, path)
            set_faults(info, LATE if landed else SLOW)
            proc = cli.popen("stock", "push")
            if landed:
                kill_when(
                    proc,
                    lambda s=sku["sku_id"], t=target: listed(info, s) == t,
                    "the inventory update landed",
                )
            else:
                kill_when(proc, lambda p=path, b=before: calls(info, p) > b, "the update was sent")
            set_faults(info, QUIET)
            again = cli.run("stock", "push", "--json", check=False)
            status = cli.json("status", "--json")
            problems = []
            if again.returncode != 0:
                problems.append(f"rerun exit {again.returncode}: {again.stderr}")
            if listed(info, sku["sku_id"]) != target:
                problems.append(f"TikTok lists {listed(info, sku['sku_id'])}, target {target}")
            if status["outbox"]["pending"]:
                problems.append(f"left unfinished: {status['outbox']}")
            if landed and calls(info, path) - before != 1:
                problems.append(f"update sent {calls(info, path) - before} times after it landed")
            if problems:
                failures.append(
                    f"{sku['seller_sku']} ({'landed' if landed else 'not landed'}): {problems}"
                )
        assert not failures, f"{len(failures)} of {len(skus)} killed pushes: {failures}"
