"""`shopdesk labels` and `shopdesk picklist` as real processes against a US local sandbox:
the day's labels bought and merged, a second run buying nothing, the pick list, and a run
SIGKILLed between Create Packages and its commit still ending with one label per order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli, admin
from tests.integration.test_killed_writes import LATE, QUIET, SLOW, calls, kill_when, set_faults
from tests.integration.test_ship_cli import seller_orders

CREATE = "/fulfillment/202309/packages"


def tiktok_orders(info: Any, count: int) -> list[str]:
    """Paid TikTok Shipping orders, one unit each."""
    placed = seller_orders(info, count, "TIKTOK")
    assert len(placed) == count
    return placed


def labels_of(info: Any, order_id: str) -> list[dict[str, Any]]:
    with admin(info) as client:
        labels = client.get("/sandbox/labels").json()["labels"]
    return [lb for lb in labels if order_id in lb["order_ids"] and not lb["void"]]


def report(proc: Any) -> dict[str, Any]:
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.timeout(300)
def test_a_days_labels_then_nothing_twice_then_the_pick_list(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=61, orders=0, products=6)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        orders = tiktok_orders(info, 3)
        cli.run("sync", "--once")
        picklist = tmp_path / "pick.pdf"
        shown = cli.run("picklist", "--due", "--out", str(picklist)).stdout
        assert "3 packing slips" in shown
        assert len(PdfReader(picklist).pages) >= 4  # the list, then one slip per order
        first = report(cli.run("labels", "--due", "--json"))
        assert first["bought"] == 3 and first["reused"] == 0 and first["failed"] == []
        assert first["pages"] == 3 and Path(first["pdf"]).parent == cli.home / "labels"
        assert len(PdfReader(first["pdf"]).pages) == 3
        out = tmp_path / "again.pdf"
        again = report(cli.run("labels", *orders, "--paper", "LETTER", "--out", str(out), "--json"))
        assert again["bought"] == 0 and again["reused"] == 3 and again["pdf"] == str(out)
        assert calls(info, CREATE) == 3
        assert cli.json("status", "--json")["labels"] == {"to_print": 0, "stale": 0, "refused": 0}
        assert all(len(labels_of(info, o)) == 1 for o in orders)
        bad = cli.run("labels", "123", check=False)
        assert bad.returncode == 2 and "not in Shopdesk" in bad.stderr


@pytest.mark.timeout(600)
def test_a_killed_labels_run_is_checked_and_buys_each_label_once(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=62, orders=0, products=6)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        orders = tiktok_orders(info, 2)
        cli.run("sync", "--once")
        failures = []
        for n, order in enumerate(orders):
            landed = n == 0
            before = calls(info, CREATE)
            set_faults(info, LATE if landed else SLOW)
            proc = cli.popen("labels", order)
            if landed:  # TikTok bought it; the answer (and so the commit) never came
                kill_when(proc, lambda o=order: bool(labels_of(info, o)), "the label was bought")
            else:
                kill_when(proc, lambda b=before: calls(info, CREATE) > b, "create was sent")
            set_faults(info, QUIET)
            rerun = cli.run("labels", order, "--json", check=False)
            got = report(rerun) if rerun.stdout else {}
            problems = []
            if rerun.returncode != 0 or got.get("failed"):
                problems.append(f"rerun exit {rerun.returncode} {got} {rerun.stderr}")
            if len(labels_of(info, order)) != 1:
                problems.append(f"{len(labels_of(info, order))} labels at TikTok")
            if landed and calls(info, CREATE) - before != 1:
                problems.append(f"create sent {calls(info, CREATE) - before} times")
            if got.get("pages") != 1:
                problems.append(f"merged pages {got.get('pages')}")
            if problems:
                failures.append(f"{order} ({'landed' if landed else 'not landed'}): {problems}")
        assert not failures, failures
        assert all(len(labels_of(info, o)) == 1 for o in orders)
