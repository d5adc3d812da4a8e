"""Run `shopdesk` as a real process against a real sandbox server, with a test keyring file."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.sandbox import SandboxInfo

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Cli:
    """`shopdesk` subprocesses sharing one data folder and one test keyring file."""

    home: Path
    info: SandboxInfo

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "SHOPDESK_HOME": str(self.home),
            "PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring",
            "SHOPDESK_TEST_KEYRING_FILE": str(self.home.parent / "keyring.json"),
            "SHOPDESK_APP_SECRET": self.info.app_secret,
            "PYTHONPATH": str(ROOT),
        }

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "app", *args]

    def run(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            self.argv(*args),
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"shopdesk {' '.join(args)} exited {proc.returncode}: {proc.stderr}"
            )
        return proc

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        """A process to kill: its output is not kept."""
        return subprocess.Popen(
            self.argv(*args),
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def json(self, *args: str) -> dict[str, Any]:
        return json.loads(self.run(*args).stdout.strip().splitlines()[-1])

    def connect(self) -> dict[str, Any]:
        return self.json(
            "connect", "--app-key", self.info.app_key, "--sandbox", self.info.api_base, "--json"
        )

    def export_orders(self, out: Path) -> dict[str, dict[str, str]]:
        self.run("export", "orders", "--out", str(out))
        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert all(row["id"].startswith("'") for row in rows)  # spreadsheets keep 19 digits
        return {row["id"].removeprefix("'"): row for row in rows}


def admin(info: SandboxInfo) -> httpx.Client:
    return httpx.Client(base_url=info.api_base, timeout=30)


def sandbox_orders(info: SandboxInfo) -> dict[str, dict[str, Any]]:
    with admin(info) as client:
        return {o["id"]: o for o in client.get("/sandbox/orders").json()["orders"]}


def iso(ts: int) -> str:
    from app.commands.common import iso as to_iso

    return str(to_iso(ts))


def same_as_sandbox(exported: dict[str, dict[str, str]], truth: dict[str, dict[str, Any]]) -> None:
    """The export holds exactly the sandbox's orders: ids, statuses, times, totals, items."""
    assert set(exported) == set(truth), (
        f"missing {len(set(truth) - set(exported))}, extra {len(set(exported) - set(truth))}"
    )
    for oid, order in truth.items():
        row = exported[oid]
        assert row["status"] == order["status"], oid
        assert row["update_time"] == iso(order["update_time"]), oid
        assert row["create_time"] == iso(order["create_time"]), oid
        assert row["total_amount"] == order["payment"]["total_amount"], oid
        assert row["currency"] == order["payment"]["currency"], oid
        assert int(row["line_items"]) == len(order["line_items"]), oid
        assert row["order_type"] == order.get("order_type", ""), oid
