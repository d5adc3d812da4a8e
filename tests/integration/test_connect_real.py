"""`shopdesk connect --sandbox URL` against a running `shopdesk sandbox`; tokens in the keyring."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]


def test_connect_against_a_running_sandbox_puts_tokens_in_the_os_keyring(tmp_path: Path) -> None:
    need_service(
        bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
        "gnome-keyring and dbus are not installed (apt install gnome-keyring dbus-x11)",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHOPDESK_HOME": str(tmp_path / "home")}
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "app", "sandbox", "--port", "0", "--orders", "40"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        info = json.loads(sandbox.stdout.readline())
        (tmp_path / "run").mkdir(mode=0o700)
        session_env = {
            **env,
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_RUNTIME_DIR": str(tmp_path / "run"),
            "HOME": str(tmp_path),
            "SHOPDESK_APP_SECRET": info["app_secret"],
        }
        py = sys.executable
        script = (
            "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
            f"{py} -m app connect --app-key {info['app_key']} --sandbox {info['api_base']} --json"
            f" && {py} -m app status --json"
            f" && {py} -m tests.integration.keyring_token_probe {info['app_key']}"
        )
        proc = subprocess.run(
            ["dbus-run-session", "--", "sh", "-c", script],
            cwd=ROOT,
            env=session_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        connected, status, probe = (json.loads(line) for line in proc.stdout.splitlines()[-3:])
        assert connected["shop"]["id"] == status["shop"]["id"]
        assert status["connected"] and status["token_expires"]
        assert probe["backend"] == "keyring.backends.SecretService.Keyring"
        assert probe["has_secret"] and probe["access_prefix"] == "TTP_"
        # the secrets are in the keyring only: not in the database, settings or logs
        home = tmp_path / "home"
        written = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
        assert info["app_secret"].encode() not in written
        assert probe["access_token"].encode() not in written
        assert info["app_secret"] not in proc.stderr
    finally:
        sandbox.send_signal(signal.SIGTERM)
        _out, err = sandbox.communicate(timeout=20)
    assert sandbox.returncode == 0, err
