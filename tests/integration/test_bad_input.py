"""Bad input, counted: each case gets a clear error and loses nothing that was stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli

FAKE_TUNNEL = f"{sys.executable} -m tests.relay.fake_tunnel tunnel --url http://127.0.0.1:{{port}}"


def snapshot(home: Path) -> dict[str, int]:
    """What must not be lost: row counts of the tables a user relies on."""
    db = sqlite3.connect(home / "shopdesk.db", timeout=30)
    try:
        return {
            t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("orders", "line_items", "stock_movements", "outbox", "shops")
        }
    finally:
        db.close()


def test_bad_input_is_refused_clearly_and_loses_nothing(tmp_path: Path) -> None:
    survived: dict[str, int] = {}
    with running_sandbox(SandboxConfig(seed=61, orders=150)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        cli.run("import", "--days", "90")
        cli.run("stock", "push")  # reads the catalogue
        before = snapshot(cli.home)

        # 1. malformed and forged webhooks at the running receiver
        engine = cli.popen("sync", "--listen", "127.0.0.1:0", "--tunnel-command", FAKE_TUNNEL)
        try:
            deadline = time.monotonic() + 30
            while not (cli.home / "tunnel.pid").exists():
                assert time.monotonic() < deadline
                time.sleep(0.1)
            shop = next(iter(info.sandbox.state.shops.values()))
            while not shop.subscriptions:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            address = next(iter(shop.subscriptions.values())).address
            good = json.dumps(
                {
                    "type": 1,
                    "tts_notification_id": "1",
                    "shop_id": shop.id,
                    "timestamp": 1,
                    "data": {"order_id": "1"},
                }
            ).encode()
            signature = hmac.new(
                info.app_secret.encode(), info.app_key.encode() + good, hashlib.sha256
            ).hexdigest()
            cases = [
                (b'{"type": 1, "data": ', signature, (400, 401)),  # cut off
                (good, "0" * 64, (401,)),  # forged
                (good, None, (401,)),  # unsigned
                (b"\xff\xfe not json", None, (401,)),
                (b"x" * (2 * 1024 * 1024), signature, (413,)),  # too big
            ]
            with httpx.Client(timeout=30) as http:
                for body, auth, allowed in cases:
                    headers = {"authorization": auth} if auth else {}
                    status = http.post(address, content=body, headers=headers).status_code
                    assert status in allowed, (body[:20], status)
                    survived["malformed or forged webhooks"] = (
                        survived.get("malformed or forged webhooks", 0) + 1
                    )
        finally:
            engine.send_signal(signal.SIGTERM)
            assert engine.wait(30) == 0
        db = sqlite3.connect(cli.home / "shopdesk.db")
        assert db.execute("SELECT count(*) FROM inbox").fetchone()[0] == 0  # none stored
        db.close()

        # 2. bad CSV files: nothing applied, every bad line named
        bad_stock = tmp_path / "stock.csv"
        bad_stock.write_text("seller_sku,on_hand\nNO-SUCH-SKU,5\n,3\nX,-1\nY,lots\n")
        result = cli.run("stock", "import", str(bad_stock), check=False)
        assert result.returncode == 2 and "line 2" in result.stderr and "line 5" in result.stderr
        bad_ship = tmp_path / "ship.csv"
        bad_ship.write_text("order_id,tracking_number\n1,2\n")
        result = cli.run("ship", "--csv", str(bad_ship), check=False)
        assert result.returncode == 2 and "provider" in result.stderr
        survived["bad CSV files"] = 2

        # 3. a corrupt settings file: a clear error, the file left as it was
        settings = cli.home / "settings.json"
        good_settings = settings.read_text()
        settings.write_text(good_settings[:40])
        result = cli.run("sync", "--once", check=False)
        assert result.returncode == 2 and "settings.json" in result.stderr
        assert "Traceback" not in result.stderr and settings.read_text() == good_settings[:40]
        shown = cli.run("status", check=False)  # status still reports, and names the problem
        assert "settings.json is not valid JSON" in shown.stdout
        settings.write_text(good_settings)
        survived["corrupt settings file"] = 1

        # 4. a database written by a newer Shopdesk: refused, untouched
        db = sqlite3.connect(cli.home / "shopdesk.db")
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('shopdesk', '9999_from_the_future', 'x')"
        )
        db.commit()
        db.close()
        untouched = (cli.home / "shopdesk.db").read_bytes()
        result = cli.run("sync", "--once", check=False)
        assert result.returncode == 2 and "newer Shopdesk" in result.stderr
        assert (cli.home / "shopdesk.db").read_bytes() == untouched
        db = sqlite3.connect(cli.home / "shopdesk.db")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = '9999_from_the_future'")
        db.commit()
        db.close()
        survived["database from a newer version"] = 1

        # 5. an unplugged keyring: a clear error, nothing stored is lost
        env = {**cli.env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
        proc = subprocess.run(
            cli.argv("sync", "--once"),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=cli.home.parent,
        )
        assert proc.returncode != 0 and "keyring" in proc.stderr.lower()
        assert "Traceback" not in proc.stderr
        survived["unplugged keyring"] = 1

        assert snapshot(cli.home) == before  # nothing lost anywhere
        assert cli.run("sync", "--once").returncode == 0  # and it still works afterwards
    print("\nbad input survived: " + ", ".join(f"{n} {k}" for k, n in survived.items()))
