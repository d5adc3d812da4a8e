"""The order commands as a user runs them: real processes, a real sandbox server, SQLite on disk."""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from pathlib import Path

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import (
    Cli,
    admin,
    same_as_sandbox,
    sandbox_orders,
)
from tests.order_flow import next_status


def test_import_export_reimport_and_sync_match_the_sandbox(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=21, orders=2000, products=30)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        first = cli.json("import", "--days", "90", "--json")
        truth = sandbox_orders(info)
        assert len(truth) == 2000
        assert first["fetched"] == first["created"] == 2000
        assert first["pages"] == 20 and first["api_calls"] >= 20
        assert set(first) == {
            "fetched",
            "created",
            "updated",
            "unchanged",
            "pages",
            "api_calls",
            "throttled",
            "seconds",
        }
        types = {o.get("order_type") for o in truth.values()}
        assert {"NORMAL", "PRE_ORDER", "MADE_TO_ORDER", "BACK_ORDER", "ZERO_LOTTERY"} <= types
        same_as_sandbox(cli.export_orders(tmp_path / "a.csv"), truth)

        second = cli.json("import", "--days", "90", "--json")
        assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 2000)

        movable = [o for o in truth.values() if next_status(o)]
        moved = random.Random(5).sample(movable, 200)
        with admin(info) as client:
            for order in moved:
                answer = client.post(
                    f"/sandbox/orders/{order['id']}/status", json={"status": next_status(order)}
                )
                assert answer.status_code == 200, answer.text
            client.post("/sandbox/clock", json={"advance_seconds": 2})
        synced = cli.json("sync", "--once", "--json")
        assert synced["updated"] == 200 and synced["created"] == 0
        same_as_sandbox(cli.export_orders(tmp_path / "b.csv"), sandbox_orders(info))

        status = cli.run("status", "--json", check=False)
        assert status.returncode == 0
        report = __import__("json").loads(status.stdout)
        assert report["connected"] and report["orders"]["total"] == 2000
        assert report["last_sync"] and report["token_expires"] and report["errors"] == 0


def test_import_survives_being_killed_again_and_again(tmp_path: Path) -> None:
    # Every answer takes 0.3 s, so the 20 pages take about six seconds and kills land mid-import.
    with running_sandbox(SandboxConfig(seed=22, orders=2000)) as info:
        with admin(info) as client:
            client.put("/sandbox/faults", json={"api_slow_rate": 1.0, "api_slow_seconds": 0.3})
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        rng = random.Random(99)
        kills = 0
        progress: list[int] = []
        while kills < 5:
            proc = cli.popen("import", "--days", "90", "--json")
            time.sleep(rng.uniform(0.6, 1.6))
            if proc.poll() is not None:
                break  # it finished before the kill: enough kills already happened
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            kills += 1
            db = sqlite3.connect(cli.home / "shopdesk.db")
            progress.append(db.execute("SELECT count(*) FROM orders").fetchone()[0])
            db.close()
        assert kills >= 5, f"only {kills} kills landed before the import finished"
        final = cli.json("import", "--days", "90", "--json")
        truth = sandbox_orders(info)
        same_as_sandbox(cli.export_orders(tmp_path / "after.csv"), truth)
        db = sqlite3.connect(cli.home / "shopdesk.db")
        items = db.execute("SELECT count(*), count(DISTINCT id) FROM line_items").fetchone()
        expected_items = sum(len(o["line_items"]) for o in truth.values())
        runs = db.execute("SELECT state, count(*) FROM sync_runs GROUP BY state").fetchall()
        db.close()
        assert items == (expected_items, expected_items)
        assert progress == sorted(progress)  # each restart kept what the last one saved
        assert final["fetched"] == 2000  # the resumed job accounts for every order once
        assert dict(runs).get("running", 0) == 0  # killed runs were closed as failed
        print(f"killed {kills} times at {progress} orders; resumed to 2000")


def test_import_completes_through_errors_and_throttling(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=23, orders=1500)) as info:
        with admin(info) as client:
            client.put(
                "/sandbox/faults", json={"api_error_rate": 0.1, "throttle_rate": 0.1, "seed": 3}
            )
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        result = cli.json("import", "--days", "90", "--json")
        assert result["created"] == 1500
        assert result["api_calls"] > result["pages"]  # some calls failed and were retried
        same_as_sandbox(cli.export_orders(tmp_path / "faulty.csv"), sandbox_orders(info))


def test_an_import_after_a_failed_one_says_so_and_reads_the_days_asked(tmp_path: Path) -> None:
    import json

    with running_sandbox(SandboxConfig(seed=24, orders=300, products=10)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        with admin(info) as client:
            client.put("/sandbox/faults", json={"api_error_rate": 1.0})
        failed = cli.run("import", "--days", "1", check=False)
        assert failed.returncode == 4 and "Traceback" not in failed.stderr
        with admin(info) as client:
            client.put("/sandbox/faults", json={"api_error_rate": 0.0})
        proc = cli.run("import", "--days", "45", "--json")
        assert "Finishing the interrupted import of" in proc.stderr
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        truth = sandbox_orders(info)
        since = time.time() - 45 * 86400
        wanted = {i for i, o in truth.items() if o["create_time"] >= since + 60}
        one_day = {i for i, o in truth.items() if o["create_time"] >= time.time() - 86400}
        assert len(one_day) < len(wanted)
        assert result["fetched"] >= len(wanted)
        assert wanted <= set(cli.export_orders(tmp_path / "all.csv"))
