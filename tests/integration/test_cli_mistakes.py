"""The mistakes people make on the command line: one clear line, the right exit code, no
traceback, nothing left behind; `--json` commands answer with an error object."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from app.sandbox import SandboxConfig, running_sandbox
from app.store.db import open_db
from tests.integration.cli_support import ROOT, Cli, admin, iso, sandbox_orders

FAKE_TUNNEL = f"{sys.executable} -m tests.relay.fake_tunnel tunnel --url http://127.0.0.1:{{port}}"


def one_clear_line(proc: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """The process failed with `code`, said why in words on stderr, and showed no traceback."""
    err = proc.stderr
    assert proc.returncode == code, (proc.returncode, err)
    assert "Traceback" not in err and err.startswith("shopdesk: "), err
    for word in words:
        assert word in err, (word, err)
    return err


def test_files_folders_and_data_folders_given_wrong(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=71, orders=40, products=4)) as info:
        cli = Cli(tmp_path / "home", info)

        # Nothing connected yet: exporting orders writes nothing and says so (exit 3).
        out = tmp_path / "orders.csv"
        one_clear_line(cli.run("export", "orders", "--out", str(out), check=False), 3)
        assert not out.exists()
        cli.home.mkdir(parents=True, exist_ok=True)
        open_db(cli.home / "shopdesk.db").close()  # a database, but no shop in it
        one_clear_line(
            cli.run("export", "orders", "--out", str(out), check=False), 3, "no shop is connected"
        )
        assert not out.exists()

        cli.connect()
        cli.run("import", "--days", "90")
        missing = tmp_path / "no-such-folder" / "orders.csv"
        one_clear_line(
            cli.run("export", "orders", "--out", str(missing), check=False), 2, "does not exist"
        )
        folder = tmp_path / "a-folder"
        folder.mkdir()
        for what in ("orders", "stock"):
            one_clear_line(
                cli.run("export", what, "--out", str(folder), check=False), 2, "is a folder"
            )
        assert list(folder.iterdir()) == [] and not list(tmp_path.glob("*.part"))

        nowhere = tmp_path / "nowhere"
        one_clear_line(
            cli.run("--data-dir", str(nowhere), "status", check=False), 2, "no Shopdesk data folder"
        )
        assert not nowhere.exists()  # a typo does not create a folder
        a_file = tmp_path / "a-file"
        a_file.write_text("x")
        one_clear_line(cli.run("--data-dir", str(a_file), "status", check=False), 2, "is a file")
        one_clear_line(
            cli.run("--data-dir", str(a_file / "sub"), "connect", "--app-key", "k", check=False),
            2,
            "cannot write to the data folder",
        )
        broken = tmp_path / "broken"
        broken.mkdir()
        (broken / "logs").write_text("not a folder")
        one_clear_line(
            cli.run("--data-dir", str(broken), "status", check=False),
            2,
            "cannot write to the data folder",
        )


def test_wrong_secret_shipping_mistakes_and_json_errors(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=72, orders=120, products=6)) as info:
        cli = Cli(tmp_path / "home", info)
        env_wrong = {**cli.env, "SHOPDESK_APP_SECRET": "wrong-secret"}
        wrong = subprocess.run(
            cli.argv("connect", "--app-key", info.app_key, "--sandbox", info.api_base),
            env=env_wrong,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        err = one_clear_line(wrong, 2, "app secret", "Partner Center")
        assert "/api/v2" not in err  # no endpoint paths in what a creator reads

        not_yet = cli.run("import", "--days", "5", "--json", check=False)
        assert not_yet.returncode == 3
        assert json.loads(not_yet.stdout)["error"]["code"] == "not_connected"

        cli.connect()
        cli.run("import", "--days", "90")
        orders = sandbox_orders(info)
        tiktok = next(
            o["id"]
            for o in orders.values()
            if o["status"] == "AWAITING_SHIPMENT" and o.get("shipping_type") == "TIKTOK"
        )
        seller = next(
            o["id"]
            for o in orders.values()
            if o["status"] == "AWAITING_SHIPMENT" and o.get("shipping_type") == "SELLER"
        )
        one_clear_line(
            cli.run("ship", tiktok, "--providers", check=False),
            2,
            "uses TikTok's shipping label",
            "shopdesk labels",
        )
        missing = one_clear_line(
            cli.run("ship", seller, "--tracking", "1Z999AA10123456784", check=False),
            2,
            "--provider is missing",
        )
        assert "''" not in missing
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        one_clear_line(cli.run("ship", "--csv", str(empty), check=False), 2, "the file is empty")
        absent = one_clear_line(
            cli.run("ship", "--csv", str(tmp_path / "missing.csv"), check=False),
            2,
            "no such file",
        )
        assert "Errno" not in absent
        as_json = cli.run("ship", seller, "--tracking", "1Z999AA10123456784", "--json", check=False)
        assert as_json.returncode == 2
        error = json.loads(as_json.stdout)["error"]
        assert error["code"] == "bad_input" and "--provider is missing" in error["message"]


def test_reconnecting_after_lost_authorization_reuses_the_saved_secret(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=73, orders=20, products=3)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        with admin(info) as client:
            assert client.post("/sandbox/deauthorize", json={}).status_code == 200
        lost = cli.run("sync", "--once", check=False)
        assert lost.returncode == 3
        env = {k: v for k, v in cli.env.items() if k != "SHOPDESK_APP_SECRET"}
        again = subprocess.run(
            cli.argv("connect", "--app-key", info.app_key, "--sandbox", info.api_base),
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,  # no terminal: a prompt could not be answered
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert again.returncode == 0, again.stderr
        assert "Using the app secret saved in the keyring" in again.stderr
        cli.run("sync", "--once")


def test_sync_once_reads_the_catalogue_and_sends_queued_pushes(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=74, orders=60, products=5)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        cli.run("import", "--days", "90")
        cli.run("sync", "--once")
        stock_csv = tmp_path / "stock.csv"
        cli.run("export", "stock", "--out", str(stock_csv))
        with stock_csv.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows  # the catalogue came with the sync

        sku = rows[0]["seller_sku"]
        cli.run("stock", "set", sku, "7")
        summary = cli.json("sync", "--once", "--json")
        assert summary["stock_pushed"] >= 1 and summary["stock_failed"] == []
        cli.run("export", "stock", "--out", str(stock_csv))
        with stock_csv.open(encoding="utf-8") as handle:
            row = next(r for r in csv.DictReader(handle) if r["seller_sku"] == sku)
        assert row["on_hand"] == "7" and row["tiktok_quantity"] == row["target"]
        with admin(info) as client:
            listed = client.get("/sandbox/inventory").json()["skus"]
        assert sum(r["quantity"] for r in listed if r["seller_sku"] == sku) == int(row["target"])


def test_the_orders_export_has_what_a_seller_reads_and_ids_stay_whole(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=75, orders=300, products=8)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        cli.run("import", "--days", "90")
        out = tmp_path / "orders.csv"
        proc = cli.run("export", "orders", "--out", str(out))
        assert "keep all 19 digits" in proc.stderr
        exported = cli.export_orders(out)
        truth = sandbox_orders(info)
        assert set(exported) == set(truth)
        for order_id, order in truth.items():
            row = exported[order_id]
            assert row["ship_by"] == (
                iso(order["rts_sla_time"]) if order.get("rts_sla_time") else ""
            )
            kind = {"SELLER": "seller", "TIKTOK": "tiktok_label"}[order["shipping_type"]]
            assert row["shipping_type"] == kind
            address = order.get("recipient_address") or {}
            assert row["recipient_name"] == address.get("name", "")
            assert row["recipient_address"] == address.get("full_address", "")
            payment = order["payment"]
            assert (row["subtotal"], row["shipping"], row["tax"]) == (
                payment["sub_total"],
                payment["shipping_fee"],
                payment["tax"],
            )
            units = [i for i in order["line_items"] if i.get("display_status") != "CANCELLED"]
            assert sum(int(p.split(" × ")[0]) for p in row["items"].split("; ") if p) == len(units)
            for item in units:
                assert item["product_name"] in row["items"]
            flags = set(filter(None, row["flags"].split(";")))
            assert "on_hold_order" not in flags  # TikTok's "had a remorse window" mark
            assert ("on_hold" in flags) == (order["status"] == "ON_HOLD")
            if order["status"] in ("COMPLETED", "DELIVERED", "CANCELLED", "IN_TRANSIT"):
                assert "buyer_request_cancel" not in flags, order_id
        discounted = [o for o in truth.values() if float(o["payment"]["seller_discount"] or 0) > 0]
        assert discounted and all(float(exported[o["id"]]["discounts"]) > 0 for o in discounted)


def test_sync_says_when_webhooks_are_live_and_where_they_point(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=76, orders=10, products=3)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        log = tmp_path / "sync.err"
        with log.open("w") as err:
            proc = subprocess.Popen(
                cli.argv("sync", "--listen", "127.0.0.1:0", "--tunnel-command", FAKE_TUNNEL),
                env={**cli.env, "PYTHONUNBUFFERED": "1"},
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        try:
            deadline = time.monotonic() + 60
            while "Webhooks live" not in log.read_text():
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        finally:
            proc.terminate()
            proc.wait(20)
        line = next(x for x in log.read_text().splitlines() if "Webhooks live" in x)
        assert "TikTok Shop pushes to http://127.0.0.1:" in line and line.endswith(
            "/webhooks/tiktok"
        )
        assert os.path.exists(cli.home / "shopdesk.db")
