"""One Shopdesk per data folder: a second app raises the first window and quits; `shopdesk sync`
is refused while the app syncs the folder, and the app is refused while `shopdesk sync` runs;
one-shot commands stay allowed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli

ROOT = Path(__file__).resolve().parents[2]


def env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SHOPDESK_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring",
        "SHOPDESK_TEST_KEYRING_FILE": str(home.parent / "keyring.json"),
        "PYTHONPATH": str(ROOT),
    }


def shopdesk(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        env=env(home),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def holder(home: Path, kind: str, proc: subprocess.Popen[str], seconds: float = 60) -> None:
    """Wait until `proc` holds the data folder."""
    deadline = time.monotonic() + seconds
    lock = home / "engine.lock"
    while True:
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        try:
            owner = json.loads(lock.read_text() or "{}")
        except (OSError, ValueError):
            owner = {}
        if owner.get("pid") == proc.pid and owner.get("kind") == kind:
            return
        assert time.monotonic() < deadline, f"{kind} never took the data folder"
        time.sleep(0.1)


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.communicate(timeout=30)  # also closes its pipes
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


@pytest.mark.timeout(180)
def test_a_second_app_raises_the_first_and_sync_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = shopdesk(home)
    try:
        holder(home, "gui", first)
        time.sleep(1.0)  # the window and its local socket are up
        second = shopdesk(home)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 1, err
        assert "another Shopdesk uses" in err and "brought to the front" in err, err
        sync = shopdesk(home, "sync", "--no-webhooks")
        _, sync_err = sync.communicate(timeout=60)
        assert sync.returncode != 0 and "the Shopdesk app" in sync_err, sync_err
        status = shopdesk(home, "status")
        status.communicate(timeout=60)
        assert status.returncode in (0, 3)  # allowed (3: no shop connected yet)
        deadline = time.monotonic() + 20
        log = home / "logs" / "shopdesk.log"
        while "asked this window to come to the front" not in log.read_text():
            assert time.monotonic() < deadline, "the first window was never asked to show"
            time.sleep(0.2)
        assert first.poll() is None
    finally:
        stop(first)


@pytest.mark.timeout(180)
def test_the_app_is_refused_while_shopdesk_sync_holds_the_folder(tmp_path: Path) -> None:
    with running_sandbox(SandboxConfig(seed=95, orders=5)) as info:
        cli = Cli(tmp_path / "home", info)
        cli.connect()
        sync = shopdesk(cli.home, "sync", "--no-webhooks")
        try:
            holder(cli.home, "sync", sync)
            app = shopdesk(cli.home)
            _, err = app.communicate(timeout=90)
            assert app.returncode == 1, err
            assert "`shopdesk sync`" in err and str(cli.home) in err
            assert sync.poll() is None  # the running sync was left alone
        finally:
            stop(sync, signal.SIGTERM)
