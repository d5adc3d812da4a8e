"""Many `shopdesk stock set` from the command line while `shopdesk sync` writes all the time:
every edit lands in the ledger, none fails with "database is locked".

Each write is a whole CLI process (about a second of CPU), so the everyday run sends 40 with
20 at once; `SHOPDESK_STRESS_WRITES=200` repeats the measurement the attack run reported."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.config import load_settings, paths, save_settings
from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import ROOT, Cli, admin
from tests.integration.test_chaos import query

WRITES = int(os.environ.get("SHOPDESK_STRESS_WRITES", "40"))
AT_ONCE = 20


@pytest.mark.timeout(900)
def test_cli_writes_beside_a_running_sync_are_all_kept(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=53, orders=200, products=8, order_rate=600)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        settings = load_settings(paths(cli.home))
        settings.poll_interval_seconds = 1.0
        save_settings(paths(cli.home), settings)
        cli.run("import", "--days", "90")
        with admin(info) as client:
            skus = sorted(
                {r["seller_sku"] for r in client.get("/sandbox/inventory").json()["skus"]}
            )
        skus = [s for s in skus if s][:10]
        cli.run("stock", "set", skus[0], "1")  # reads the catalogue once
        db = cli.home / "shopdesk.db"
        base = query(db, "SELECT count(*) FROM stock_movements WHERE reason = 'manual'")[0][0]
        engine = cli.popen("sync", "--no-webhooks")
        try:
            time.sleep(3)  # the engine is polling, pushing and writing orders now

            def one(n: int) -> tuple[int, str]:
                proc = subprocess.run(
                    cli.argv("stock", "set", skus[n % len(skus)], str(1000 + n)),
                    env=cli.env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                return proc.returncode, proc.stderr

            with ThreadPoolExecutor(AT_ONCE) as pool:
                results = list(pool.map(one, range(WRITES)))
            assert engine.poll() is None, "the sync stopped meanwhile"
        finally:
            engine.terminate()
            engine.wait(timeout=30)
        failed = [err.strip().splitlines()[-1:] for code, err in results if code != 0]
        kept = query(db, "SELECT count(*) FROM stock_movements WHERE reason = 'manual'")[0][0]
        assert not failed, f"{len(failed)} of {WRITES} writes failed: {failed[:5]}"
        assert kept - base == WRITES, f"{WRITES - (kept - base)} of {WRITES} edits lost"
        tracebacks = [err for _, err in results if "Traceback" in err]
        assert not tracebacks


def test_a_lock_held_past_the_timeout_is_one_clear_line_and_changes_nothing(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=54, orders=30, products=4)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        cli.run("import", "--days", "90")
        with admin(info) as client:
            sku = next(
                r["seller_sku"]
                for r in client.get("/sandbox/inventory").json()["skus"]
                if r["seller_sku"]
            )
        cli.run("stock", "set", sku, "5")
        db = cli.home / "shopdesk.db"
        before = query(db, "SELECT count(*) FROM stock_movements")[0][0]
        holder = sqlite3.connect(db, timeout=30, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another program keeps the write lock for 8 s
        try:
            blocked = cli.run("stock", "set", sku, "9", check=False, timeout=60)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert blocked.returncode == 1, blocked.stderr
        assert "Traceback" not in blocked.stderr
        assert len(blocked.stderr.strip().splitlines()) == 1
        assert "busy" in blocked.stderr and "nothing was changed" in blocked.stderr
        assert query(db, "SELECT count(*) FROM stock_movements")[0][0] == before
        assert cli.run("stock", "set", sku, "9").returncode == 0  # once free, it goes through
