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


BUS_WITHOUT_SERVICES = """<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def test_the_keyring_message_says_what_is_missing(tmp_path: Path) -> None:
    """No session bus, no Secret Service on it, or a locked keyring: each said as such."""
    need_service(
        bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
        "gnome-keyring and dbus are not installed (apt install gnome-keyring dbus-x11)",
    )
    (tmp_path / "run").mkdir(mode=0o700)
    config = tmp_path / "bus.conf"
    config.write_text(BUS_WITHOUT_SERVICES)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS",)},
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "SHOPDESK_HOME": str(tmp_path / "home"),
        "SHOPDESK_APP_SECRET": "not-a-real-secret",
    }
    env.pop("PYTHON_KEYRING_BACKEND", None)
    connect = [sys.executable, "-m", "app", "connect", "--app-key", "k1", "--auth-code", "c"]

    def run(prefix: list[str]) -> str:
        # Output goes to a file: a keyring daemon the bus starts may keep a pipe open.
        log = tmp_path / "stderr.txt"
        with log.open("w") as err:
            code = subprocess.run(
                [*prefix, *connect],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                timeout=60,
            ).returncode
        text = log.read_text()
        assert code != 0 and "Traceback" not in text, text
        return text

    assert "no D-Bus session bus" in run([])
    assert "dbus-run-session" in run([])  # and what a headless machine needs
    assert "no Secret Service runs on the session bus" in run(
        ["dbus-run-session", f"--config-file={config}", "--"]
    )
    locked = run(["dbus-run-session", "--"])
    assert "the keyring is locked" in locked and "--unlock" in locked
    assert "install gnome-keyring" not in locked.lower()
