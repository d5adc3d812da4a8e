"""No secret on disk after connecting, importing, refreshing tokens and syncing for a while."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli
from tests.integration.secrets_scan import assert_no_secrets, issued_secrets


def test_tokens_and_secrets_never_reach_the_data_folder(tmp_path: Path) -> None:
    # short-lived access tokens, so the run refreshes (and saves) tokens several times
    config = SandboxConfig(seed=51, orders=120, access_ttl=30)
    with running_sandbox(config) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        settings = (cli.home / "settings.json").read_text()
        (cli.home / "settings.json").write_text(
            settings.replace('"refresh_margin_seconds": 21600', '"refresh_margin_seconds": 25')
        )
        cli.run("import", "--days", "90")
        for _ in range(2):
            with httpx.Client(base_url=info.api_base) as admin:
                admin.post("/sandbox/clock", json={"advance_seconds": 20})
            cli.run("sync", "--once")
            cli.run("-v", "status")  # verbose logging too
        cli.run("export", "orders", "--out", str(cli.home / "orders.csv"))
        secrets = issued_secrets(info)
        assert len(secrets) >= 4  # the app secret and more than one token pair
        scanned = assert_no_secrets(cli.home, secrets)
        assert scanned >= 3


def test_the_scan_finds_a_leak(tmp_path: Path) -> None:
    (tmp_path / "shopdesk.db").write_bytes(b"...TTP_leaked_token...")
    (tmp_path / "settings.json").write_text("{}")
    with pytest.raises(AssertionError, match="token"):
        assert_no_secrets(tmp_path, {"TTP_leaked_token"})
