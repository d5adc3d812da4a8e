"""Backups (on demand while the engine writes, daily, before a migration, the last N kept, a
copy in a second folder), restore (checked, the old file kept aside, waiting writes checked
with TikTok so none goes twice, the next sync catching up), and one engine per data folder."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import sqlite_utils

from app.config import load_settings, paths, save_settings
from app.sandbox import SandboxConfig, running_sandbox
from app.store.backup import list_backups
from app.store.migrations import MIGRATIONS
from tests.integration.cli_support import ROOT, Cli, admin, sandbox_orders


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def backups(home: Path) -> list[Path]:
    """Oldest first, as Shopdesk keeps them (two backups may share a second)."""
    return list_backups(home / "backups")


def held(info, sku_id: str) -> int:
    """What open orders hold of the SKU on TikTok, over its warehouses."""
    with admin(info) as client:
        rows = client.get("/sandbox/inventory").json()["skus"]
    return sum(int(r["committed"]) for r in rows if r["sku_id"] == sku_id)


def calls(info, path: str) -> int:
    with admin(info) as client:
        return int(client.get("/sandbox/calls").json()["by_path"].get(path, 0))


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    with running_sandbox(SandboxConfig(seed=91, orders=150, products=6, order_rate=120)) as info:
        cli = Cli(tmp_path_factory.mktemp("backup") / "home", info)
        cli.connect()
        cli.run("import", "--days", "90")
        cli.run("stock", "push")
        yield cli


@pytest.mark.timeout(300)
def test_backups_while_syncing_keep_the_last_n_and_a_second_copy(shop: Cli, tmp_path: Path) -> None:
    settings = load_settings(paths(shop.home))
    second = tmp_path / "usb-disk"
    save_settings(
        paths(shop.home),
        settings.model_copy(update={"backup_keep": 3, "backup_copy_dir": str(second)}),
    )
    engine = shop.popen("sync", "--no-webhooks")
    try:
        time.sleep(3)
        made = [shop.json("backup", "--json") for _ in range(5)]
        # a second engine on the same folder is refused; one-shot commands are not
        again = shop.run("sync", "--no-webhooks", check=False, timeout=60)
        assert again.returncode != 0 and "another Shopdesk uses" in again.stderr, again.stderr
        assert "shopdesk sync" in again.stderr and "--once" in again.stderr
        assert shop.run("sync", "--once").returncode == 0
        assert shop.run("status").returncode == 0
    finally:
        engine.terminate()
        engine.wait(timeout=30)
        save_settings(paths(shop.home), settings)
    kept = backups(shop.home)
    assert len(kept) == 3 and [Path(m["path"]) for m in made[-3:]] == kept
    assert [p.name for p in list_backups(second)] == [p.name for p in kept]
    for backup in kept:
        conn = sqlite3.connect(backup)
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] >= 150
        conn.close()
    out = tmp_path / "mine.db"
    assert shop.run("backup", "--out", str(out)).stdout.strip() == str(out)
    assert count(out, "SELECT count(*) FROM shops") == 1


def test_a_daily_backup_comes_with_sync_once(shop: Cli) -> None:
    for old in backups(shop.home):
        old.unlink()
    shop.run("sync", "--once")
    assert len(backups(shop.home)) == 1
    shop.run("sync", "--once")
    assert len(backups(shop.home)) == 1  # one a day


def test_a_migration_is_preceded_by_a_backup(shop: Cli, tmp_path: Path) -> None:
    home = tmp_path / "old"
    home.mkdir()
    old = sqlite_utils.Database(home / "shopdesk.db")
    MIGRATIONS.apply(old, stop_before="0006_claims_clock")
    old["orders_marker"].insert({"note": "from the older version"})
    old.close()
    env = {**shop.env, "SHOPDESK_HOME": str(home)}
    subprocess.run(shop.argv("stock", "push"), env=env, cwd=ROOT, capture_output=True, timeout=120)
    [before] = backups(home)
    assert "before-0006_claims_clock" in before.name
    conn = sqlite3.connect(before)
    names = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
    assert "0006_claims_clock" not in names and "0005_fulfillment" in names
    assert conn.execute("SELECT note FROM orders_marker").fetchone()[0] == "from the older version"
    conn.close()


@pytest.mark.timeout(300)
def test_restore_keeps_the_old_file_and_sends_nothing_twice(shop: Cli, tmp_path: Path) -> None:
    db = shop.home / "shopdesk.db"
    with admin(shop.info) as client:
        rows = client.get("/sandbox/inventory").json()["skus"]
    active = {
        p.id
        for s in shop.info.sandbox.state.shops.values()
        for p in s.products.values()
        if p.status == "ACTIVATE"
    }
    sku = next(r for r in rows if r["product_id"] in active and r["seller_sku"])
    shown = shop.run("stock", "set", sku["sku_id"], "0").stdout
    committed = int(shown.split("committed ")[1].split(",")[0])
    shop.run("stock", "push")
    shop.run("stock", "set", sku["sku_id"], str(committed + 21))  # queued, not yet pushed
    backup = Path(shop.json("backup", "--json")["path"])
    update = f"/product/202309/products/{sku['product_id']}/inventory/update"
    shop.run("stock", "push")  # lands after the backup was made
    time.sleep(2)  # orders keep coming in the sandbox meanwhile

    bad = tmp_path / "not-a-backup.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    refused = shop.run("restore", str(bad), check=False)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert count(db, "SELECT count(*) FROM shops") == 1  # untouched

    engine = shop.popen("sync", "--no-webhooks")
    try:
        time.sleep(3)
        busy = shop.run("restore", str(backup), check=False)
        assert busy.returncode != 0 and "another Shopdesk uses" in busy.stderr
    finally:
        engine.terminate()
        engine.wait(timeout=30)
    # What the sync engine sent while it ran (live orders move held stock) came before the
    # restore: count from here.
    pushed = calls(shop.info, update)
    holding = held(shop.info, sku["sku_id"])

    done = shop.json("restore", str(backup), "--json")
    aside = Path(done["previous"])
    assert aside.exists() and count(aside, "SELECT count(*) FROM orders") >= 150
    assert done["writes_to_check"] >= 1
    assert shop.json("status", "--json")["outbox"]["pending"] >= 1

    shop.run("stock", "push")  # checks with TikTok: the edit landed already
    # A live order for this SKU meanwhile changes what may be listed: that new figure goes
    # out once. Otherwise nothing is sent at all.
    allowed = 0 if held(shop.info, sku["sku_id"]) == holding else 1
    assert calls(shop.info, update) - pushed <= allowed, "the restored edit was sent a second time"
    assert shop.json("status", "--json")["outbox"]["pending"] == 0
    began = int(time.time()) - 1  # orders keep coming: those placed before this sync must be in
    shop.run("sync", "--once")
    truth = {o for o, order in sandbox_orders(shop.info).items() if order["create_time"] < began}
    conn = sqlite3.connect(db)
    stored = {r[0] for r in conn.execute("SELECT id FROM orders")}
    conn.close()
    assert truth <= stored, f"{len(truth - stored)} orders not caught up after restore"
    report = json.loads(shop.run("status", "--json").stdout)
    assert report["connected"]
