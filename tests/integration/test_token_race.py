"""Two Shopdesk processes refreshing the same rotating token pair at the same moment.

TikTok rotates both tokens on every refresh and revokes the old pair at once. Before each
round the saved access token is made to expire within the hour, so two `shopdesk sync --once`
started together both want to refresh it first; neither may end with the shop marked
"reconnect needed", and the keyring must end holding a pair TikTok still accepts.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli, admin

ROUNDS = 6


def expire_soon(keyring_file: Path) -> None:
    """The saved access token runs out in a minute (well inside the refresh margin)."""
    saved = json.loads(keyring_file.read_text())
    [name] = [k for k in saved if k.startswith("shopdesk/token/")]
    token = json.loads(saved[name])
    token["access_token_expire_in"] = int(time.time()) + 60
    saved[name] = json.dumps(token)
    keyring_file.write_text(json.dumps(saved))


@pytest.mark.timeout(400)
def test_two_processes_refreshing_together_never_lose_the_authorization(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=52, orders=20)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        keyring_file = Path(cli.env["SHOPDESK_TEST_KEYRING_FILE"])
        failed: list[str] = []
        for _ in range(ROUNDS):
            expire_soon(keyring_file)
            procs = [
                subprocess.Popen(
                    cli.argv("sync", "--once"),
                    env=cli.env,
                    cwd=Path(__file__).resolve().parents[2],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            for proc in procs:
                _, err = proc.communicate(timeout=120)
                if proc.returncode != 0:
                    failed.append(f"exit {proc.returncode}: {err.strip().splitlines()[-1:]}")
        with admin(info) as client:
            refreshes = client.get("/sandbox/calls").json()["by_path"].get("/api/v2/token/refresh")
        status = json.loads(cli.run("status", "--json", check=False).stdout)
        assert not failed, f"{len(failed)} of {2 * ROUNDS} processes failed: {failed}"
        assert status["connected"] and not status["reconnect_needed"]
        assert refreshes and refreshes >= ROUNDS  # the race really happened
        cli.run("sync", "--once")  # the pair in the keyring still works
