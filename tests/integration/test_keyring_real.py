"""The real OS keyring (SecretService via gnome-keyring in a private D-Bus session)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]


def test_secrets_round_trip_through_gnome_keyring(tmp_path: Path) -> None:
    need_service(
        bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
        "gnome-keyring and dbus are not installed (apt install gnome-keyring dbus-x11)",
    )
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),  # a throwaway keyring, never the user's
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    (tmp_path / "run").mkdir(mode=0o700)
    script = (
        "echo -n test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        f" && exec {sys.executable} -m tests.integration.keyring_probe"
    )
    proc = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["backend"] == "keyring.backends.SecretService.Keyring"
    assert result["secret"] == "probe-secret"
    assert result["access"] == "TTP_real_access"
    assert result["refresh_expires"] == 2_100_000_000
    assert result["after_forget"] is None
    # the secret lives in the keyring's own file, which stores it encrypted
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert stored and b"probe-secret" not in stored
